# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup lint bench

HOST ?= 127.0.0.1
PORT ?= 8000

setup:
	scripts/bootstrap.sh

run: setup
	.venv/bin/zhenggai migrate --no-input
	.venv/bin/zhenggai holidays seed
	.venv/bin/zhenggai demo --password $${DEMO_PASSWORD:-zhenggai-demo}
	DEBUG=$${DEBUG:-1} .venv/bin/zhenggai serve --host $(HOST) --port $(PORT)

test:
	scripts/test.sh

lint:
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy

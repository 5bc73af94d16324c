#!/usr/bin/env bash
# The whole test suite: set-up, lint, types, tests on SQLite and on a private PostgreSQL
# server that this script starts in a temporary folder and always stops. Exits non-zero on
# any failure (and when pytest collected no tests: exit 5 is a failure here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test

export PATH="$PWD/.venv/bin:$PATH"
export PYTHONHASHSEED=0 HYPOTHESIS_PROFILE=ci DJANGO_SETTINGS_MODULE=zhenggai.settings
export ZHENGGAI_DATA_DIR=$(mktemp -d /tmp/zhenggai-test-data.XXXXXX)

# Every step runs even after a failure, so one run shows every problem; any failure fails.
status=0
echo "== ruff"
ruff check src tests benchmarks || status=1
echo "== mypy"
mypy || status=1
echo "== migrations are up to date"
python -m zhenggai makemigrations --check --dry-run >/dev/null || status=1

# --- private PostgreSQL -------------------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d /tmp/zhenggai-pg.XXXXXX)
PG_PORT=$(python - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
)
chown postgres:postgres "$PG_DIR"
stop_pg() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR" "$ZHENGGAI_DATA_DIR"
}
trap stop_pg EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync -U postgres >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
  start >/dev/null
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT"
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/zhenggai"

# The two runs go side by side (the machine has at least two cores and each pytest uses
# one); PostgreSQL's run has its own data folder and prints its output when both are done.
PG_LOG="$PG_DIR/pytest.log"
PG_DATA_DIR=$(mktemp -d /tmp/zhenggai-test-data.XXXXXX)
(DATABASE_URL=$PG_URL ZHENGGAI_DATA_DIR=$PG_DATA_DIR python -m pytest -p no:cacheprovider \
  -m "not browser" --ignore=tests/core "$@" >"$PG_LOG" 2>&1) &
pg_pid=$!
echo "== pytest on SQLite (PostgreSQL's run goes on beside it)"
python -m pytest "$@" || status=$?
pg_status=0
wait "$pg_pid" || pg_status=$?
echo "== pytest on PostgreSQL (database tests)"
cat "$PG_LOG"
rm -rf "$PG_DATA_DIR"
[ "$pg_status" -eq 0 ] || status=$pg_status
exit $status

#!/usr/bin/env bash
# Set up everything Zhenggai needs on a fresh Debian machine: system packages (as root),
# the Python virtual environment and the npm assets. Safe to run again: each step is
# skipped when it is already done.
#   scripts/bootstrap.sh          packages for running the app
#   scripts/bootstrap.sh --test   also PostgreSQL and Chromium for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PACKAGES=(fonts-noto-cjk fonts-arphic-ukai tesseract-ocr tesseract-ocr-chi-sim poppler-utils
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 nodejs npm)
TEST_PACKAGES=(postgresql chromium)
packages=("${RUN_PACKAGES[@]}")
[[ "${1:-}" == "--test" ]] && packages+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian; only install it when there is no npm at all.
if command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if ((${#missing[@]})); then
  echo "== installing system packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "需要以 root 身份安装系统软件包：${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.zhenggai-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "== installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

npm_stamp=node_modules/.zhenggai-installed
if [[ ! -f $npm_stamp || package.json -nt $npm_stamp || package-lock.json -nt $npm_stamp ]]; then
  echo "== installing npm assets"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi

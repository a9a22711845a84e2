#!/usr/bin/env bash
# The load benchmark: installs wrk (Debian) when missing, then runs
# bench/load.py (gunicorn comes with the test dependencies). bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/gunicorn ] || bash .ci/setup
if ! command -v wrk >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq wrk >/dev/null
fi
exec .venv/bin/python -m bench.load

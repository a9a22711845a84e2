#!/usr/bin/env bash
# The load benchmark: installs wrk (Debian) and gunicorn (into .venv) when
# missing, then runs bench/load.py. bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash .ci/setup
if ! command -v wrk >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq wrk >/dev/null
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
exec .venv/bin/python -m bench.load

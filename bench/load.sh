#!/usr/bin/env bash
# The load benchmarks: installs wrk (Debian) when missing, then runs
# bench/load.py (gunicorn, WSGI) and bench/load_asgi.py (uvicorn, ASGI; both
# come with the test dependencies). bash bench/load.sh [wsgi|asgi]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/gunicorn ] || bash .ci/setup
if ! command -v wrk >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq wrk >/dev/null
fi
which="${1:-all}"
if [ "$which" != "asgi" ]; then
    .venv/bin/python -m bench.load
fi
if [ "$which" != "wsgi" ]; then
    # The peer pins Starlette < 0.28; its middleware runs on the current one.
    .venv/bin/pip install -q --no-deps starlette-hmac==0.0.4
    .venv/bin/python -m bench.load_asgi
fi

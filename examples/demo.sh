#!/usr/bin/env bash
# Sets up what the demo needs (a .venv with the frameworks, the legacy
# libraries and httpseal built from this checkout), then runs the demo: the
# legacy libraries' clients against httpseal's servers and back, over real HTTP
# on loopback, with tampered, stale and replayed requests refused. A second run
# only checks that nothing changed, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== httpseal demo: setting up .venv"
for tool in python3 cargo; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "the demo needs $tool on the PATH (cargo builds httpseal's Rust core: https://rustup.rs)" >&2
        exit 1
    fi
done
if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
fi
bash .ci/pip-install.sh examples/requirements.txt
bash .ci/build.sh
echo "== running the demo"
exec .venv/bin/python -m examples.demo "$@"

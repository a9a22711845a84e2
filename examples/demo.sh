#!/usr/bin/env bash
# Sets everything up, then runs the demo: signed and tampered requests against
# real servers on loopback, with a table of what was accepted and why.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
exec .venv/bin/python -m examples.demo "$@"

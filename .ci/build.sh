#!/usr/bin/env bash
# Builds httpseal (the Rust core, release mode, profile-guided: .ci/pgo.sh)
# and installs it into .venv — unless the installed build was made from these
# very sources. Prints cargo's progress while it builds. Usage: bash .ci/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "httpseal needs a Rust toolchain (cargo) to build its native core: https://rustup.rs" >&2
    exit 1
fi
# What the installed package is made of; any change means a rebuild.
sources=$(find src python Cargo.toml Cargo.lock pyproject.toml .ci/pgo.sh .ci/pgo_workload.py -type f \
    ! -name '*.pyc' ! -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum | sha256sum)
stamp=.venv/.httpseal-build
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ] \
    && .venv/bin/python -c "import httpseal" 2>/dev/null; then
    echo "== httpseal is built and installed from these sources"
    exit 0
fi
echo "== building httpseal (Rust, release mode, profile-guided; two or three minutes the first time)"
rm -f "$stamp"
wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
bash .ci/pgo.sh "$wheels"
# Not editable: the tests and the demo run against the installed wheel, as users get it.
.venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$wheels"/httpseal-*.whl
echo "$sources" > "$stamp"

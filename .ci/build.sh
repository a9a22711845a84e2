#!/usr/bin/env bash
# Builds httpseal (the Rust core, release mode) and installs it into .venv —
# unless the installed build was made from these very sources. Prints cargo's
# progress while it builds. Usage: bash .ci/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "httpseal needs a Rust toolchain (cargo) to build its native core: https://rustup.rs" >&2
    exit 1
fi
# What the installed package is made of; any change means a rebuild.
sources=$(find src python Cargo.toml Cargo.lock pyproject.toml -type f \
    ! -name '*.pyc' ! -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum | sha256sum)
stamp=.venv/.httpseal-build
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ] \
    && .venv/bin/python -c "import httpseal" 2>/dev/null; then
    echo "== httpseal is built and installed from these sources"
    exit 0
fi
echo "== building httpseal (Rust, release mode; a minute or two the first time)"
rm -f "$stamp"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Not editable: the tests and the demo run against the installed wheel, as users get it.
if ! .venv/bin/python -m pip install -v --disable-pip-version-check --force-reinstall --no-deps . \
    2>&1 | tee "$log" | sed -un 's/^ *\(Compiling .*\|Finished .*\)/   \1/p'; then
    cat "$log" >&2
    echo "httpseal did not build (pip's log above)" >&2
    exit 1
fi
echo "$sources" > "$stamp"

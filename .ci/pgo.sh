#!/usr/bin/env bash
# Builds httpseal's wheel with profile-guided optimisation, as pydantic-core
# builds its own: an instrumented build runs .ci/pgo_workload.py (every scheme
# signed and verified, accepted and refused), and the release build is then
# laid out by the profile that run recorded. Usage: bash .ci/pgo.sh OUT_DIR
# (the wheel replaces any httpseal wheel there). PYTHON names the interpreter
# that builds and trains (.venv's when there is one).
#
# The profile needs llvm-profdata of rustc's own LLVM version (rustup's
# llvm-tools component, added here when rustup is present). Without it the
# wheel is built as `pip wheel .` builds it, and a warning says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "$1" && cd "$1" && pwd)
default_python=python3
[ -x .venv/bin/python ] && default_python=.venv/bin/python
python=${PYTHON:-$default_python}

host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ] && command -v rustup >/dev/null 2>&1; then
    rustup component add llvm-tools >/dev/null 2>&1 || true
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wheel() { # wheel DIR TARGET_DIR [RUSTFLAGS...]: builds the wheel into DIR
    local dir=$1 target=$2
    shift 2
    # An explicit --target keeps the flags off build scripts and proc-macros,
    # so only the extension itself is instrumented or optimised. Each kind of
    # build has its own target directory (and fixed paths in its flags), so
    # cargo reuses what it built the time before.
    if ! RUSTFLAGS="$*" MATURIN_PEP517_ARGS="--target $host" CARGO_TARGET_DIR="$target" \
        "$python" -m pip wheel -v --disable-pip-version-check --no-deps -w "$dir" . 2>&1 \
        | tee "$work/log" | sed -un 's/^ *\(Compiling .*\|Finished .*\)/   \1/p' \
        || ! compgen -G "$dir/httpseal-*.whl" >/dev/null; then
        cat "$work/log" >&2
        echo "httpseal did not build (pip's log above)" >&2
        exit 1
    fi
}

rm -f "$out"/httpseal-*.whl
if [ ! -x "$profdata" ]; then
    echo "warning: llvm-profdata not found (rustup component add llvm-tools);" \
        "httpseal is built without profile-guided optimisation" >&2
    wheel "$out" target
    exit 0
fi

echo "   instrumented build"
raw=$PWD/target/pgo-generate/profiles
rm -rf "$raw"
wheel "$work/instrumented" target/pgo-generate "-Cprofile-generate=$raw"
echo "   profiling: .ci/pgo_workload.py"
"$python" -m pip install --disable-pip-version-check --no-deps -q \
    --target "$work/site" "$work"/instrumented/httpseal-*.whl
PYTHONPATH="$work/site" "$python" .ci/pgo_workload.py
echo "   optimised build"
mkdir -p target/pgo-use
"$profdata" merge -o target/pgo-use/httpseal.profdata "$raw"
wheel "$out" target/pgo-use "-Cprofile-use=$PWD/target/pgo-use/httpseal.profdata"

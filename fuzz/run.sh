#!/usr/bin/env bash
# Runs every fuzz target (or the TARGETs named) for SECONDS each (default 60),
# or until RUNS executions: bash fuzz/run.sh [SECONDS] [RUNS] [TARGET...]. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on stable Rust it runs with RUSTC_BOOTSTRAP=1.
# FUZZ_SANITIZER=none skips AddressSanitizer (several times faster; the core
# is safe Rust, so debug assertions and panics are what the fuzzers hunt).
# Prints each target's executions and whether it found a crash.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
runs=${2:--1}
shift $(($# < 2 ? $# : 2))
export RUSTC_BOOTSTRAP=1
status=0
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
for target in "${targets[@]}"; do
    log=$(mktemp)
    if cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-address}" "$target" -- -max_total_time="$seconds" -runs="$runs" \
        -max_len=4096 -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    printf '%-16s %12s execs  %s\n' "$target" "$execs" "$result"
    [ "$result" = ok ] || tail -40 "$log"
    rm -f "$log"
done
exit $status

#!/usr/bin/env bash
# Installs the requirements file $1 into .venv, unless it (and every file it
# names with -c/-r) is unchanged since the last install. Shows what pip
# collects as it goes; on failure, pip's full log.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=$1
stamp=.venv/.installed-$(basename "$(dirname "$requirements")")-$(basename "$requirements")
included=$(sed -n 's/^-[cr] *//p' "$requirements" | sed "s|^|$(dirname "$requirements")/|")
wanted=$(cat "$requirements" $included | sha256sum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    echo "== $requirements: installed"
    exit 0
fi
echo "== installing $requirements"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! .venv/bin/python -m pip install --disable-pip-version-check -r "$requirements" 2>&1 \
    | tee "$log" | sed -un 's/^Collecting \([^ ]*\).*/   collecting \1/p'; then
    cat "$log" >&2
    exit 1
fi
echo "$wanted" > "$stamp"

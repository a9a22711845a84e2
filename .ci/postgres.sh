#!/usr/bin/env bash
# Runs a command against a fresh PostgreSQL server: bash .ci/postgres.sh CMD...
# The server lives in a temporary directory, listens on a free loopback port
# only, and is stopped (by its PID) when the command ends; DATABASE_URL
# points at it. The binaries come from Debian's postgresql package, which
# .ci/setup installs.
set -euo pipefail
cd "$(dirname "$0")/.."

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "PostgreSQL is not installed: run bash .ci/setup" >&2
    exit 1
fi
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
# initdb and postgres refuse to run as root: run them as the package's user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$data"
    as_owner=(runuser -u postgres --)
fi
stop() {
    if [ -f "$data/postmaster.pid" ]; then
        kill -INT "$(head -1 "$data/postmaster.pid")" 2>/dev/null || true
        for _ in $(seq 100); do [ -f "$data/postmaster.pid" ] || break; sleep 0.1; done
    fi
    rm -rf "$data"
}
trap stop EXIT
"${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c fsync=off" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/httpseal"
"$@"

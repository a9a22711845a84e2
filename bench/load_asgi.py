"""Requests per second under load: wrk against one uvicorn worker on
loopback serving the same Starlette app unprotected, behind httpseal's
SignatureMiddleware (RFC 9421 and Cavage requests), and behind
starlette-hmac 0.0.4. Each protected app is compared with the unprotected one
sent the very same signed requests, as ``bench/load.py`` compares DRF views:
that ratio is what the middleware costs and carries the target. What the
signatures' larger headers cost the server and wrk is printed beside it (the
unprotected app sent unsigned requests). Rounds alternate the targets; the
medians are printed. ``bash bench/load.sh asgi`` (which installs wrk, and
starlette-hmac without its dependencies: it pins an old Starlette)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from httpseal import Signer

from bench.asgi_apps import KEY, PEER_SECRET, SECRET
from bench.load import ROOT, cycling_script, free_port, requests_per_second, wait_for

TARGET = 0.9
BODY = {"title": "load", "tags": ["a", "b"], "n": 0}
# name -> (uvicorn app, what signs its requests)
TARGETS = {
    "plain": ("plain", None),
    # The unprotected app sent the very requests the protected one verifies.
    "plain-rfc9421": ("plain", "rfc9421"),
    "plain-cavage": ("plain", "cavage"),
    "rfc9421": ("signed", "rfc9421"),
    "cavage": ("signed", "cavage"),
    "peer": ("peer", "starlette-hmac"),
}


def signed_headers(scheme: str | None, host: str, body: bytes) -> list[tuple[str, str]]:
    headers = [
        ("Host", host),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),  # wrk.format sets the same one
    ]
    if scheme is None:
        return headers
    if scheme == "starlette-hmac":
        key = base64.b64decode(PEER_SECRET)
        mac = base64.b64encode(hmac.digest(key, body, hashlib.sha256)).decode()
        return [*headers, ("Authorization", f"HMAC {mac}")]
    return [*headers, *Signer(scheme, KEY, SECRET).sign("POST", "/notes", "", headers, body)]


def lua_script(scheme: str | None, host: str, path: Path, count: int = 2_000) -> str:
    """A wrk script cycling through ``count`` distinct POSTs signed now."""
    lines = ["local requests = {}"]
    for n in range(count):
        body = json.dumps({**BODY, "n": n}).encode()
        fields = ", ".join(
            f"[{json.dumps(name)}] = {json.dumps(value)}"
            for name, value in signed_headers(scheme, host, body)
        )
        lines.append(
            f'requests[{n + 1}] = wrk.format("POST", "/notes", {{{fields}}}, '
            f"{json.dumps(body.decode())})"
        )
    return cycling_script(lines, path)


def start_uvicorn(app: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    uvicorn = Path(sys.executable).parent / "uvicorn"
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [uvicorn, f"bench.asgi_apps:{app}", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
    )
    wait_for(port, server)
    return server, port


def main(rounds: int = 5, seconds: int = 5) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: run bash bench/load.sh asgi (it installs it)")
    servers: dict[str, tuple[subprocess.Popen, int]] = {}
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    try:
        for app in {app for app, _ in TARGETS.values()}:
            servers[app] = start_uvicorn(app)
        with tempfile.TemporaryDirectory() as directory:
            for round_ in range(rounds):
                order = list(TARGETS) if round_ % 2 == 0 else list(TARGETS)[::-1]
                for name in order:
                    app, scheme = TARGETS[name]
                    host = f"127.0.0.1:{servers[app][1]}"
                    script = lua_script(scheme, host, Path(directory) / f"{name}-{round_}.lua")
                    url = f"http://{host}/notes"
                    samples[name].append(requests_per_second(wrk, url, script, seconds))
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
    plain = statistics.median(samples["plain"])
    print(f"wrk -t1 -c8, one uvicorn worker, {rounds} rounds of {seconds} s, medians:")
    print(f"  {'Starlette unprotected, unsigned requests':<48} {plain:9.0f} req/s")
    for name, label, control in (
        ("rfc9421", "SignatureMiddleware, RFC 9421 requests", "plain-rfc9421"),
        ("cavage", "SignatureMiddleware, Cavage requests", "plain-cavage"),
    ):
        unverified = statistics.median(samples[control])
        rate = statistics.median(samples[name])
        added = (1 / rate - 1 / unverified) * 1e6
        verdict = "ok" if rate / unverified >= TARGET else "MISS"
        print(f"  {'Starlette unprotected, the same requests':<48} {unverified:9.0f} req/s")
        print(
            f"  {label:<48} {rate:9.0f} req/s {rate / unverified:6.2f}x  +{added:5.1f} µs"
            f"  ≥{TARGET:g}x {verdict}"
        )
        print(
            f"  {'':<48} {'':>15} {rate / plain:6.2f}x of unsigned requests"
            f" (their larger headers: {unverified / plain:.2f}x)"
        )
    rate = statistics.median(samples["peer"])
    added = (1 / rate - 1 / plain) * 1e6
    print(
        f"  {'starlette-hmac 0.0.4 (body only, == compare)':<48} {rate:9.0f} req/s"
        f" {rate / plain:6.2f}x  +{added:5.1f} µs  of unsigned requests"
    )
    print(
        "  starlette-hmac signs the body alone (no method, path, query or time), compares with"
        " ==, and reads only the first body message."
    )


if __name__ == "__main__":
    main()

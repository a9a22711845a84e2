"""Requests per second under load: wrk against one gunicorn worker on
loopback, the same DRF view unprotected and behind SignatureAuthentication
and HMACAuthentication (drf-hmac, warm key cache), and SignatureAuthentication
with the Redis replay store. Rounds alternate the
endpoints; the medians and their ratios are printed. Run it with
``bash bench/load.sh`` (which installs wrk when missing)."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpseal

from bench.bench_adapters import DRF_DATA, DRF_SECRET

ENDPOINTS = ("plain", "generic", "legacy")
TARGET = 0.85
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout:g} s")


def prepare_database() -> str:
    """Migrates the SQLite file and creates the signing key; returns its id."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from httpseal.django.models import HMACKey

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("load")
    return HMACKey.objects.create(user=user, secret=DRF_SECRET).key


def lua_script(key_id: str, path: str, directory: str, tag: str, count: int = 15_000) -> str:
    """A wrk script cycling through ``count`` distinct drf-hmac POSTs, signed
    now (distinct, so that a replay store accepts every one)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        "local requests = {}",
        f'local headers = {{["Content-Type"] = "application/json", ["Key"] = "{key_id}",'
        f' ["Timestamp"] = "{stamp}"}}',
    ]
    for n in range(count):
        data = {**DRF_DATA, "n": n, "tag": tag}
        compact = json.dumps(data, separators=(",", ":"))
        signature = httpseal.sign_drf(
            DRF_SECRET, "POST", "127.0.0.1", path, stamp, compact.encode()
        )
        lines.append(
            f'headers["Signature"] = "{signature}";'
            f' requests[{n + 1}] = wrk.format("POST", "{path}", headers, {json.dumps(compact)})'
        )
    return cycling_script(lines, Path(directory) / f"post-{tag}.lua")


def cycling_script(lines: list[str], path: Path) -> str:
    """Writes a wrk script: ``lines`` fill the table ``requests``, and wrk
    sends them in turn, round and round. Returns its path."""
    lines = [
        *lines,
        "local i = 0",
        "request = function()",
        "  i = i % #requests + 1",
        "  return requests[i]",
        "end",
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def start_redis(directory: str) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is missing: run bash .ci/setup")
    port = free_port()
    options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory]
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [binary, "--port", str(port), *options], stdout=subprocess.DEVNULL
    )
    wait_for(port, server)
    return server, f"redis://127.0.0.1:{port}/0"


def start_gunicorn(gunicorn: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    app = "django.core.wsgi:get_wsgi_application()"
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [gunicorn, "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )
    wait_for(port, server)
    return server, port


def requests_per_second(wrk: str, url: str, script: str, seconds: int) -> float:
    # A fixed argument list, no shell.
    out = subprocess.run(  # noqa: S603
        [wrk, "-t1", "-c8", f"-d{seconds}s", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"no Requests/sec in wrk's output:\n{out}")
    return float(found.group(1))


def main(rounds: int = 5, seconds: int = 5) -> None:
    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if wrk is None or not gunicorn.exists():
        raise SystemExit("wrk or gunicorn is missing: run bash bench/load.sh (it installs both)")
    with tempfile.TemporaryDirectory() as directory:
        os.environ["HTTPSEAL_BENCH_DB"] = str(Path(directory) / "load.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load_settings"
        key_id = prepare_database()
        servers: list[subprocess.Popen] = []
        try:
            redis_server, redis_url = start_redis(directory)
            servers.append(redis_server)
            plain_server, port = start_gunicorn(gunicorn, os.environ.copy())
            servers.append(plain_server)
            guarded_server, guarded_port = start_gunicorn(
                gunicorn, {**os.environ, "HTTPSEAL_BENCH_REPLAY_STORE": redis_url}
            )
            servers.append(guarded_server)
            # name -> (port, path)
            targets = {name: (port, f"/{name}/") for name in ENDPOINTS}
            targets["redis"] = (guarded_port, "/generic/")
            samples: dict[str, list[float]] = {name: [] for name in targets}
            for round_ in range(rounds):
                order = list(targets) if round_ % 2 == 0 else list(targets)[::-1]
                for name in order:
                    target_port, path = targets[name]
                    script = lua_script(key_id, path, directory, f"{name}-{round_}")
                    url = f"http://127.0.0.1:{target_port}{path}"
                    samples[name].append(requests_per_second(wrk, url, script, seconds))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    plain = statistics.median(samples["plain"])
    generic = statistics.median(samples["generic"])
    print(f"wrk -t1 -c8, one gunicorn worker, {rounds} rounds of {seconds} s, medians:")
    print(f"  {'no authentication':<48} {plain:9.0f} req/s")
    for name, label in (
        ("generic", "SignatureAuthentication (drf-hmac, warm cache)"),
        ("legacy", "HMACAuthentication (warm cache)"),
    ):
        rate = statistics.median(samples[name])
        verdict = "ok" if rate / plain >= TARGET else "MISS"
        print(f"  {label:<48} {rate:9.0f} req/s {rate / plain:6.2f}x  ≥{TARGET:g}x {verdict}")
    rate = statistics.median(samples["redis"])
    print(
        f"  {'the same with the Redis replay store':<48} {rate:9.0f} req/s {rate / generic:6.2f}x"
        " of SignatureAuthentication without it"
    )


if __name__ == "__main__":
    main()

"""Requests per second under load: wrk against one gunicorn worker on
loopback, the same DRF view unprotected and behind SignatureAuthentication
and HMACAuthentication (drf-hmac, warm key cache). Rounds alternate the
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


def lua_script(key_id: str, path: str, directory: str) -> str:
    """A wrk script sending one drf-hmac POST, signed now."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(DRF_DATA)
    compact = json.dumps(DRF_DATA, separators=(",", ":")).encode()
    signature = httpseal.sign_drf(DRF_SECRET, "POST", "127.0.0.1", path, stamp, compact)
    script = Path(directory) / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Key"] = "{key_id}"\n'
        f'wrk.headers["Signature"] = "{signature}"\n'
        f'wrk.headers["Timestamp"] = "{stamp}"\n'
    )
    return str(script)


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
        port = free_port()
        app = "django.core.wsgi:get_wsgi_application()"
        server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
            [gunicorn, "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        try:
            wait_for(port, server)
            samples: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
            for round_ in range(rounds):
                order = ENDPOINTS if round_ % 2 == 0 else ENDPOINTS[::-1]
                for name in order:
                    path = f"/{name}/"
                    script = lua_script(key_id, path, directory)
                    url = f"http://127.0.0.1:{port}{path}"
                    samples[name].append(requests_per_second(wrk, url, script, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
    plain = statistics.median(samples["plain"])
    print(f"wrk -t1 -c8, one gunicorn worker, {rounds} rounds of {seconds} s, medians:")
    print(f"  {'no authentication':<48} {plain:9.0f} req/s")
    for name, label in (
        ("generic", "SignatureAuthentication (drf-hmac, warm cache)"),
        ("legacy", "HMACAuthentication (warm cache)"),
    ):
        rate = statistics.median(samples[name])
        verdict = "ok" if rate / plain >= TARGET else "MISS"
        print(f"  {label:<48} {rate:9.0f} req/s {rate / plain:6.2f}x  ≥{TARGET:g}x {verdict}")


if __name__ == "__main__":
    main()

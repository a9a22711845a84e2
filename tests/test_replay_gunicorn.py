"""The replay proof across processes: one signed request sent 1,000 times
at once to two gunicorn workers sharing one Redis is accepted exactly once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests

from tests import signed_requests as signed

ROOT = Path(__file__).resolve().parent.parent
SENDS = 1000


@pytest.fixture
def gunicorn(redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = Path(sys.executable).parent / "gunicorn"
    if not binary.exists():
        pytest.fail("gunicorn is not installed: run bash .ci/setup", pytrace=False)
    options = ["-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [str(binary), *options, "tests.replay_app:app"],
        cwd=ROOT,
        env={**os.environ, "HTTPSEAL_TEST_REDIS": redis_url},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start", pytrace=False)
            time.sleep(0.1)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("scheme", ["cavage", "drf-hmac"])
def test_one_of_a_thousand_concurrent_sends_is_accepted(gunicorn, scheme):
    host = f"127.0.0.1:{gunicorn}"
    if scheme == "cavage":
        method, path, query, headers, body = signed.cavage(host)
    else:
        method, path, query, headers, body = signed.drf(host)
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    session_headers = {**headers, "Host": host}

    def send(_: int) -> tuple[int, str]:
        response = requests.request(method, url, headers=session_headers, data=body, timeout=60)
        return response.status_code, response.headers["X-Worker"]

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(send, range(SENDS)))
    statuses = [status for status, _ in results]
    assert statuses.count(200) == 1, sorted(set(statuses))
    assert statuses.count(401) == SENDS - 1
    # Both workers answered: the replays the other process saw were refused too.
    assert len({worker for _, worker in results}) == 2

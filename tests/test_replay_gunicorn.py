"""The replay proof across processes: one signed request sent 1,000 times
at once to two gunicorn workers sharing one Redis is accepted exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from tests import signed_requests as signed
from tests.loopback import serving_gunicorn

SENDS = 1000


@pytest.fixture
def gunicorn(redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    with serving_gunicorn("tests.replay_app:app", {"HTTPSEAL_TEST_REDIS": redis_url}) as port:
        yield port


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

"""Rotation with overlap and revocation across processes, over real HTTP:
the test project under two gunicorn workers sharing a SQLite file, the keys
managed with ``manage.py httpseal_key`` in processes of their own (so no
worker hears of a change but through the database). Both keys of a user
work during the overlap; a revoked one is refused by every worker within
``KEY_CACHE_SECONDS`` (1 s here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import signed_requests as signed
from tests.loopback import ROOT, serving_gunicorn

CACHE_SECONDS = 1
SENDS = 200


@pytest.fixture
def site(tmp_path):
    env = {
        "HTTPSEAL_TEST_SQLITE": str(tmp_path / "keys.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "tests.django_project.settings",
        "DJANGO_SUPERUSER_PASSWORD": "x",
    }

    def manage(*words: str) -> dict[str, str]:
        result = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [sys.executable, "-m", "django", *words],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)

    manage("migrate", "-v", "0")
    manage("createsuperuser", "--noinput", "--username", "alice", "--email", "a@example.com")
    with serving_gunicorn("tests.django_project.wsgi:application", env) as port:
        yield port, manage


def statuses(port: int, key: str, secret: str) -> list[tuple[int, str]]:
    """``SENDS`` signed requests at once: (status, worker) of each."""
    host = f"127.0.0.1:{port}"

    def send(_: int) -> tuple[int, str]:
        method, path, query, headers, body = signed.cavage(host, "/signed/notes/", secret, key)
        response = requests.request(
            method, f"http://{host}{path}?{query}", headers=headers, data=body, timeout=30
        )
        return response.status_code, response.headers["X-Worker"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(send, range(SENDS)))


def test_overlapping_rotation_then_revocation_in_every_worker(site):
    port, manage = site
    old = manage("httpseal_key", "create", "alice", "--name", "ci")
    answers = statuses(port, old["key"], old["secret"])
    assert {status for status, _ in answers} == {200}
    assert len({worker for _, worker in answers}) == 2  # both workers now hold it

    new = manage("httpseal_key", "rotate", "alice", "--overlap", "1h")
    assert {s for s, _ in statuses(port, old["key"], old["secret"])} == {200}
    assert {s for s, _ in statuses(port, new["key"], new["secret"])} == {200}

    manage("httpseal_key", "revoke", old["key"])
    # Committed before the command returned: every worker's cached copy is
    # gone CACHE_SECONDS later, so every request sent from then on is refused.
    time.sleep(CACHE_SECONDS + 0.1)
    answers = statuses(port, old["key"], old["secret"])
    assert {status for status, _ in answers} == {401}, answers
    assert len({worker for _, worker in answers}) == 2  # by every worker
    assert {s for s, _ in statuses(port, new["key"], new["secret"])} == {200}

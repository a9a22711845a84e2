"""Shared fixtures. Django is configured by pytest-django from pyproject.toml."""

import pytest
from hypothesis import settings

# Shared machines stall at times; a slow example is not a failure.
settings.register_profile("default", deadline=None)
settings.load_profile("default")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct horse")


@pytest.fixture
def hmac_key(user):
    from httpseal.django.models import HMACKey

    return HMACKey.objects.create(user=user)


@pytest.fixture
def keys_named_as_users(settings, django_user_model):
    """An HMACKey per key id of tests.signed_requests, each for a user of the
    same name, and FOST_AUTHN_GET_SECRET serving the same secrets."""
    from httpseal.django.models import HMACKey

    from tests import signed_requests as signed

    for key_id, secret in signed.SECRETS.items():
        user = django_user_model.objects.create_user(username=key_id)
        HMACKey.objects.create(key=key_id, secret=secret, user=user)
    settings.FOST_AUTHN_GET_SECRET = lambda request, key: signed.SECRETS.get(key)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on a free loopback port for this test session,
    stopped by PID. .ci/setup installs it; without it the tests fail loudly."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run bash .ci/setup", pytrace=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [binary, "--port", str(port), *options], stdout=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server did not start on port {port}", pytrace=False)
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)

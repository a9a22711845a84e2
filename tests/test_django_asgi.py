"""Django's ASGI handler under uvicorn on loopback, driven by
httpx.AsyncClient with every scheme: SignatureMiddleware on an async stack
before a plain async view, and the adrf async authentication classes;
accepted, tampered, unsigned, replayed (the async Redis store), a store
that is down; many concurrent requests with an async key loader."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import time
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.asgi import get_asgi_application

from httpseal import Signer
from httpseal.client import CavageHttpxAuth, FostHttpxAuth, HMACHttpxAuth
from httpseal.client.message_signatures import MessageSignatureHttpxAuth
from httpseal.django import audit, engine
from httpseal.django.models import HMACKey

from tests.loopback import serving_asgi

KEY, SECRET = "client-1", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"
SCHEMES = ["cavage", "drf-hmac", "fost", "rfc9421"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "httpseal.django.middleware.SignatureMiddleware",
]
AUTHS = {
    "cavage": CavageHttpxAuth(KEY, SECRET),
    # django-rest-framework-hmac signs the client's address as the server sees it.
    "drf-hmac": HMACHttpxAuth(KEY, SECRET, hostname="127.0.0.1", body="raw"),
    "fost": FostHttpxAuth(KEY, SECRET),
    "rfc9421": MessageSignatureHttpxAuth(KEY, SECRET),
}
WRONG = {
    "cavage": CavageHttpxAuth(KEY, "0" * 32),
    "drf-hmac": HMACHttpxAuth(KEY, "0" * 32, hostname="127.0.0.1", body="raw"),
    "fost": FostHttpxAuth(KEY, "0" * 32),
    "rfc9421": MessageSignatureHttpxAuth(KEY, "0" * 32),
}
JSON = {"Content-Type": "application/json"}


def seal(**more):
    """HTTPSEAL for the tests: every scheme, drf-hmac signing the raw body."""
    return {"SCHEMES": SCHEMES, "DRF_HMAC_BODY": "raw", **more}


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_django(settings, django_user_model):
    """The test project under uvicorn, with a key for ``KEY``; FOST reads
    the same secret."""
    user = django_user_model.objects.create_user(username=KEY)
    HMACKey.objects.create(key=KEY, secret=SECRET, user=user)
    settings.HTTPSEAL = seal()
    settings.FOST_AUTHN_GET_SECRET = lambda request, key: SECRET if key == KEY else None
    settings.MIDDLEWARE = MIDDLEWARE
    with serving_asgi(get_asgi_application()) as url:
        yield url
    gc.collect()  # what the stopped server's loop held goes now, within this test


def run(coroutine):
    return asyncio.run(coroutine)


def test_the_middleware_on_an_async_stack(signed_django, caplog):
    async def check() -> None:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            for scheme, auth in AUTHS.items():
                body = f"a body for {scheme} é".encode()
                answer = await client.post("/async/whoami/", content=body, headers=JSON, auth=auth)
                assert answer.status_code == 200, (scheme, answer.text)
                assert answer.json() == {
                    "user": KEY,
                    "scheme": scheme,
                    "sha256": hashlib.sha256(body).hexdigest(),
                }
                wrong = await client.post(
                    "/async/whoami/", content=body, headers=JSON, auth=WRONG[scheme]
                )
                assert wrong.status_code == 401, scheme
                # The verdict is reused by the async DRF class, not verified again.
                notes = await client.post("/async/notes/", content=body, headers=JSON, auth=auth)
                assert notes.json() == {"user": KEY, "scheme": scheme}
            unsigned = await client.post("/async/whoami/", content=b"{}", headers=JSON)
            assert unsigned.status_code == 401
            # RFC 9421 is among the schemes: a 401 says what to sign.
            assert "accept-signature" in unsigned.headers

    run(check())
    assert caplog.text.count("signature refused") >= len(AUTHS)


def test_the_adrf_classes(signed_django, settings, caplog):
    settings.MIDDLEWARE = MIDDLEWARE[:2]

    async def check() -> None:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            for scheme, auth in AUTHS.items():
                answer = await client.post("/async/notes/", content=b"{}", headers=JSON, auth=auth)
                assert answer.json() == {"user": KEY, "scheme": scheme}, scheme
                wrong = await client.post(
                    "/async/notes/", content=b"{}", headers=JSON, auth=WRONG[scheme]
                )
                assert wrong.status_code == 401, scheme
                assert wrong.headers["www-authenticate"]
            unsigned = await client.post("/async/notes/", content=b"{}", headers=JSON)
            assert unsigned.status_code == 401
            for path, scheme in (("/async/cavage/", "cavage"), ("/async/rfc9421/", "rfc9421")):
                answer = await client.get(path, auth=AUTHS[scheme])
                assert answer.json() == {"user": KEY, "scheme": scheme}
                other = await client.get(path, auth=AUTHS["fost"])
                assert other.status_code == 401  # not this class's scheme: unauthenticated
            hmac = await client.post(
                "/async/hmac/", content=b"{}", headers=JSON, auth=AUTHS["drf-hmac"]
            )
            assert hmac.json() == {"user": KEY, "key": KEY}
            forged = await client.post(
                "/async/hmac/", content=b"{}", headers=JSON, auth=WRONG["drf-hmac"]
            )
            assert forged.status_code == 401
            fost = await client.post(
                "/async/fost/", content=b"{}", headers=JSON, auth=AUTHS["fost"]
            )
            assert fost.status_code == 200 and "X-FOST-Headers" in fost.json()["signed"]
            missigned = await client.post(
                "/async/fost/", content=b"{}", headers=JSON, auth=WRONG["fost"]
            )
            assert missigned.status_code == 401

    run(check())
    assert "signature refused" in caplog.text


async def chunks(body: bytes, size: int):
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(
    ("length", "chunk"), [(1, 1), (65_543, 1000), (1 << 20, 65_536), (8 << 20, 1 << 20)]
)
def test_chunked_bodies_are_verified_and_delivered_intact(signed_django, settings, length, chunk):
    """Bodies without a length, in many chunks: verified, and the async view
    reads the very bytes that were (Django's cap raised for the 8 MiB one)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 << 20
    body = bytes(i % 251 for i in range(length))
    host = urlsplit(signed_django).netloc
    headers = dict(
        Signer("rfc9421", KEY, SECRET).sign("POST", "/async/whoami/", "", [("Host", host)], body)
    )

    async def check() -> None:
        async with httpx.AsyncClient(base_url=signed_django, timeout=60) as client:
            answer = await client.post(
                "/async/whoami/", content=chunks(body, chunk), headers=headers
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["sha256"] == hashlib.sha256(body).hexdigest()
            tampered = body[:-1] + bytes([body[-1] ^ 1])
            refused = await client.post(
                "/async/whoami/", content=chunks(tampered, chunk), headers=headers
            )
            assert refused.status_code == 401

    run(check())


def test_a_key_cached_or_not(signed_django, settings):
    """A key found in the cache, and one the database is asked for (a
    thread), give the same answers; an unknown key and a deleted one are 401."""

    async def post(path: str, auth) -> int:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            answer = await client.post(path, content=b"{}", headers=JSON, auth=auth)
            return answer.status_code

    for seconds in (0, 60):
        settings.HTTPSEAL = seal(KEY_CACHE_SECONDS=seconds)
        for path in ("/async/whoami/", "/async/notes/", "/async/hmac/"):
            scheme = "drf-hmac" if path == "/async/hmac/" else "cavage"
            assert run(post(path, AUTHS[scheme])) == 200, (seconds, path)
            assert run(post(path, AUTHS[scheme])) == 200, (seconds, path)
            unknown = type(AUTHS[scheme])("nobody", SECRET)
            assert run(post(path, unknown)) == 401
    HMACKey.objects.filter(key=KEY).delete()  # empties the cache too
    assert run(post("/async/whoami/", AUTHS["cavage"])) == 401


# Django's ASGI handler has no shutdown hook: the redis.asyncio connection
# opened on the server's loop lives as long as the process, and is reported
# unclosed when the stopped server's loop is collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_replays_are_refused_with_redis(signed_django, settings, redis_url):
    settings.HTTPSEAL = seal(REPLAY_STORE=redis_url)

    async def check() -> None:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            for path in ("/async/whoami/", "/async/notes/", "/async/hmac/"):
                auth = AUTHS["drf-hmac"] if path == "/async/hmac/" else AUTHS["rfc9421"]
                first = client.build_request("POST", path, content=b"{}", headers=JSON)
                first = next(auth.auth_flow(first))
                assert (await client.send(first)).status_code == 200, path
                replay = client.build_request(
                    "POST", path, content=b"{}", headers=dict(first.headers)
                )
                assert (await client.send(replay)).status_code == 401, path

    run(check())
    settings.HTTPSEAL = seal(REPLAY_STORE="redis://127.0.0.1:1/0")
    answer = httpx.post(
        signed_django + "/async/whoami/", content=b"{}", headers=JSON, auth=AUTHS["cavage"]
    )
    assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
    engine.reset()  # forget the stores, collected when the server stops


def test_the_cache_replay_store_on_an_async_stack(signed_django, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.HTTPSEAL = seal(REPLAY_STORE="cache:default")

    async def check() -> None:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            first = client.build_request("POST", "/async/whoami/", content=b"1", headers=JSON)
            first = next(AUTHS["cavage"].auth_flow(first))
            assert (await client.send(first)).status_code == 200
            assert (await client.send(first)).status_code == 401

    run(check())


async def slow_loader(key_id: str) -> str | None:
    """An async KEY_LOADER that takes its time, counting how many wait at once."""
    slow_loader.in_flight += 1  # type: ignore[attr-defined]
    slow_loader.most = max(slow_loader.most, slow_loader.in_flight)  # type: ignore[attr-defined]
    await asyncio.sleep(0.05)
    slow_loader.in_flight -= 1  # type: ignore[attr-defined]
    return SECRET if key_id == KEY else None


def test_an_async_key_loader_does_not_serialise_requests(signed_django, settings):
    slow_loader.in_flight = slow_loader.most = 0  # type: ignore[attr-defined]
    settings.HTTPSEAL = seal(
        KEY_LOADER="tests.test_django_asgi.slow_loader",
        USER_LOADER="tests.test_django_asgi.user_for",
    )

    async def check() -> None:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=signed_django, timeout=60, limits=limits) as client:
            answers = await asyncio.gather(
                *(
                    client.post("/async/whoami/", content=str(i).encode(), headers=JSON, auth=auth)
                    for i in range(50)
                    for auth in AUTHS.values()
                )
            )
            assert [a.status_code for a in answers] == [200] * 200
            unknown = CavageHttpxAuth("nobody", SECRET)
            assert (await client.get("/async/whoami/", auth=unknown)).status_code == 401

    run(check())
    assert slow_loader.most > 10  # type: ignore[attr-defined]


def user_for(key_id: str):
    """The USER_LOADER of the concurrency test: a user without a query (each
    concurrent request would otherwise hold a database connection of its own)."""
    from django.contrib.auth import get_user_model

    return get_user_model()(username=key_id) if key_id == KEY else None


def test_a_sync_stack_with_an_async_key_loader(client, settings, django_user_model):
    """The same setting on a sync stack (WSGI): the loader is run to completion."""
    django_user_model.objects.create_user(username=KEY)
    settings.HTTPSEAL = {"SCHEMES": ["cavage"], "KEY_LOADER": "tests.test_django_asgi.slow_loader"}
    slow_loader.in_flight = slow_loader.most = 0  # type: ignore[attr-defined]
    request = httpx.Request("GET", "http://testserver/signed/notes/")
    request = next(AUTHS["cavage"].auth_flow(request))
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in request.headers.items()}
    answer = client.get("/signed/notes/", **meta)
    assert answer.json() == {"user": KEY, "scheme": "cavage"}
    assert engine.key_loader()(KEY) == SECRET


def test_retired_keys_and_last_use_on_an_async_stack(signed_django, settings, caplog, request):
    """The middleware's async path and the adrf classes refuse a revoked or
    expired key and note a key's last use (the write in a thread)."""
    settings.HTTPSEAL = seal(LAST_USED_INTERVAL=3600)
    routes = (
        ("/async/whoami/", "cavage"),
        ("/async/notes/", "rfc9421"),
        ("/async/hmac/", "drf-hmac"),
    )

    async def post(path: str, auth) -> int:
        async with httpx.AsyncClient(base_url=signed_django, timeout=30) as client:
            answer = await client.post(path, content=b"{}", headers=JSON, auth=auth)
            return answer.status_code

    for path, scheme in routes:
        assert run(post(path, AUTHS[scheme])) == 200, path
    key = HMACKey.objects.get(pk=KEY)
    assert key.last_used_at is not None
    seen: list[tuple[str, bool]] = []

    def receiver(sender, key_id, code, **kwargs):
        seen.append((code, HMACKey.objects.filter(pk=key_id).exists()))

    audit.retired_key_used.connect(receiver)
    request.addfinalizer(lambda: audit.retired_key_used.disconnect(receiver))
    key.revoke()
    for path, scheme in routes:
        assert run(post(path, AUTHS[scheme])) == 401, path
    refusals = [r.getMessage() for r in caplog.records if "[revoked_key]" in r.getMessage()]
    assert {m.split()[0] for m in refusals} == {"cavage", "rfc9421", "drf-hmac"}
    # The audit receivers ran off the event loop, where they may use the ORM.
    deadline = time.monotonic() + 10
    while len(seen) < len(routes) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {code for code, _ in seen} == {"revoked_key"} and all(found for _, found in seen)
    key.restore()
    key.expires_at = key.created
    key.save()
    for path, scheme in routes:
        assert run(post(path, AUTHS[scheme])) == 401, path
    assert "[expired_key]" in caplog.text

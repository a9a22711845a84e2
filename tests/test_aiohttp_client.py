"""The aiohttp client middleware against the ASGI middleware on uvicorn over
loopback: every scheme, bodies as bytes, JSON and an async stream (sent as
the bytes that were signed), a wrong secret refused, RFC 9421 signing again
as a 401 asks, and misuse refused at construction."""

from __future__ import annotations

import asyncio
import hashlib

import aiohttp
import pytest

from httpseal.client import CavageHttpxAuth, FostAuth, FostHttpxAuth, HMACHttpxAuth
from httpseal.client.aiohttp import SigningMiddleware
from httpseal.client.message_signatures import MessageSignatureHttpxAuth

from tests.loopback import serving_asgi
from tests.test_asgi import AUTHS, KEY, SECRET, starlette_app

WRONG = {
    "cavage": CavageHttpxAuth(KEY, "0" * 32),
    "drf-hmac": HMACHttpxAuth(KEY, "0" * 32, body="raw"),
    "fost": FostHttpxAuth(KEY, "0" * 32),
    "rfc9421": MessageSignatureHttpxAuth(KEY, "0" * 32),
}


async def stream(parts: list[bytes]):
    for part in parts:
        await asyncio.sleep(0)
        yield part


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def test_every_scheme_signs_every_kind_of_body():
    async def check(url: str) -> None:
        for scheme, auth in AUTHS.items():
            signing = SigningMiddleware(auth)
            async with aiohttp.ClientSession(middlewares=(signing,)) as session:
                for body, sent in (
                    ({"data": b"raw bytes"}, b"raw bytes"),
                    ({"json": {"n": 1}}, b'{"n": 1}'),
                    ({"data": stream([b"ab", b"cd"] * 500)}, b"abcd" * 500),
                ):
                    async with session.post(url + "/echo", **body) as answer:
                        assert answer.status == 200, (scheme, await answer.text())
                        echoed = await answer.json()
                    assert echoed == {"scheme": scheme, "bytes": len(sent), "sha256": digest(sent)}
                query = "" if scheme == "fost" else "?page=2&q=a%20b"  # FOST: body or query
                async with session.get(url + "/echo" + query) as answer:
                    assert answer.status == 200, scheme
            wrong = SigningMiddleware(WRONG[scheme])
            async with (
                aiohttp.ClientSession(middlewares=(wrong,)) as session,
                session.post(url + "/echo", data=b"x") as answer,
            ):
                assert answer.status == 401, scheme

    with serving_asgi(starlette_app()) as url:
        asyncio.run(check(url))


def test_per_request_middleware_and_a_requests_auth_class():
    async def check(url: str) -> None:
        async with aiohttp.ClientSession() as session:
            signing = SigningMiddleware(FostAuth(KEY, SECRET))
            async with session.post(url + "/echo", data=b"{}", middlewares=(signing,)) as answer:
                assert (await answer.json())["scheme"] == "fost"
            async with session.post(url + "/echo", data=b"{}") as answer:
                assert answer.status == 401

    with serving_asgi(starlette_app()) as url:
        asyncio.run(check(url))


def test_rfc9421_signs_again_as_a_401_asks():
    """The server issues nonces: the first try is refused with one in
    Accept-Signature, and the middleware signs once more with it."""
    seen: list[int] = []

    async def check(url: str) -> None:
        async def count(request, handler):
            response = await handler(request)
            seen.append(response.status)
            return response

        signing = SigningMiddleware(MessageSignatureHttpxAuth(KEY, SECRET))
        async with (
            aiohttp.ClientSession(middlewares=(signing, count)) as session,
            session.post(url + "/echo", json={"t": 1}) as answer,
        ):
            assert answer.status == 200
            assert (await answer.json())["scheme"] == "rfc9421"

    app = starlette_app(
        replay_store="memory", rfc9421_issue_nonces=True, rfc9421_nonce_secret=b"k" * 32
    )
    with serving_asgi(app) as url:
        asyncio.run(check(url))
    assert seen == [401, 200]


def test_misuse():
    with pytest.raises(TypeError, match="auth classes"):
        SigningMiddleware("client-1")  # type: ignore[arg-type]
    assert "CavageHttpxAuth" in repr(SigningMiddleware(CavageHttpxAuth(KEY, SECRET)))

"""The ASGI middleware and the FastAPI dependencies on uvicorn over loopback,
driven by httpx.AsyncClient with every scheme: accepted, tampered, unsigned,
replayed; bodies in one piece, in thousands of chunks and without a length,
delivered to the app exactly as verified; bodies over the cap; lying
lengths; many concurrent requests with an async key loader."""

# No `from __future__ import annotations`: FastAPI reads the routes'
# annotations, which name dependencies local to each test.
import asyncio
import hashlib
import itertools
import socket
import time
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import httpseal
from httpseal import Signer, Verified, webhooks
from httpseal.asgi import AsyncRedisReplayStore, SignatureMiddleware
from httpseal.client import CavageHttpxAuth, FostHttpxAuth, HMACHttpxAuth
from httpseal.client.message_signatures import MessageSignatureHttpxAuth
from httpseal.fastapi import Signature, Webhook

from tests.loopback import serving_asgi

KEY, SECRET = "client-1", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"
SCHEMES = ["cavage", "drf-hmac", "fost", "rfc9421"]
JSON = {"Content-Type": "application/json"}


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    verified = request.state.httpseal
    return JSONResponse(
        {
            "scheme": verified.scheme if verified else None,
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
    )


def starlette_app(**options) -> SignatureMiddleware:
    app = Starlette(routes=[Route("/echo", echo, methods=["GET", "POST"]), Route("/health", echo)])
    options.setdefault("key_loader", {KEY: SECRET}.get)
    return SignatureMiddleware(app, schemes=SCHEMES, exempt=["/health"], **options)


AUTHS = {
    "cavage": CavageHttpxAuth(KEY, SECRET),
    "drf-hmac": HMACHttpxAuth(KEY, SECRET, body="raw"),
    "fost": FostHttpxAuth(KEY, SECRET),
    "rfc9421": MessageSignatureHttpxAuth(KEY, SECRET),
}


def signed_headers(url: str, body: bytes, scheme: str = "rfc9421") -> dict[str, str]:
    """The headers that sign a POST of ``body`` to ``url`` (its Host sent as is)."""
    parts = urlsplit(url)
    host = [("Host", parts.netloc)]
    return dict(Signer(scheme, KEY, SECRET).sign("POST", parts.path, parts.query, host, body))


def test_every_scheme_on_starlette():
    async def run(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for scheme, auth in AUTHS.items():
                answer = await client.post("/echo", content=b'{"n": 1}', headers=JSON, auth=auth)
                assert answer.status_code == 200, (scheme, answer.text)
                assert answer.json()["scheme"] == scheme
                assert answer.json()["bytes"] == 8
                get = await client.get("/echo?a=1", auth=auth)
                assert get.status_code == 200 and get.json()["scheme"] == scheme
            unsigned = await client.post("/echo", content=b"{}")
            assert unsigned.status_code == 401
            assert "Signature" in unsigned.headers["www-authenticate"]
            assert "accept-signature" in unsigned.headers
            wrong = CavageHttpxAuth(KEY, "not-the-secret")
            assert (await client.get("/echo", auth=wrong)).status_code == 401
            assert (await client.get("/health")).json()["scheme"] is None

    with serving_asgi(starlette_app()) as url:
        asyncio.run(run(url))


def test_a_tampered_body_is_refused_and_logged(caplog):
    async def run(url: str) -> None:
        headers = signed_headers(url + "/echo", b"signed")
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            assert (
                await client.post("/echo", content=b"signed", headers=headers)
            ).status_code == 200
            tampered = await client.post("/echo", content=b"Signed", headers=headers)
            assert tampered.status_code == 401

    with serving_asgi(starlette_app()) as url:
        asyncio.run(run(url))
    assert any("rfc9421 signature refused" in r.getMessage() for r in caplog.records)
    assert all(SECRET not in r.getMessage() for r in caplog.records)


async def _chunks(body: bytes, size: int):
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize(
    ("length", "chunk"),
    [(1, 1), (4096, 1), (65_543, 1000), (1 << 20, 65_536), (8 << 20, 1 << 20)],
)
def test_chunked_bodies_are_verified_and_delivered_intact(length, chunk):
    body = bytes(i % 251 for i in range(length))

    async def run(url: str) -> None:
        headers = signed_headers(url + "/echo", body)
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            # An async generator: chunked transfer, no Content-Length.
            answer = await client.post("/echo", content=_chunks(body, chunk), headers=headers)
            assert answer.status_code == 200, answer.text
            assert answer.json()["sha256"] == hashlib.sha256(body).hexdigest()
            assert answer.json()["bytes"] == length

    with serving_asgi(starlette_app()) as url:
        asyncio.run(run(url))


def test_bodies_over_the_cap_are_413():
    body = b"x" * 2048

    async def run(url: str) -> None:
        headers = signed_headers(url + "/echo", body)
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            declared = await client.post("/echo", content=body, headers=headers)
            assert declared.status_code == 413
            chunked = await client.post("/echo", content=_chunks(body, 100), headers=headers)
            assert chunked.status_code == 413
            small = signed_headers(url + "/echo", b"ok")
            assert (await client.post("/echo", content=b"ok", headers=small)).status_code == 200

    with serving_asgi(starlette_app(max_body=1024)) as url:
        asyncio.run(run(url))


def _raw_exchange(url: str, request: bytes, *, close_early: bool = False) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        if close_early:
            return b""
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def test_lying_lengths_and_a_disconnect_mid_body():
    calls: list[str] = []

    async def counting(request: Request) -> JSONResponse:
        calls.append(request.url.path)
        return await echo(request)

    app = SignatureMiddleware(
        Starlette(routes=[Route("/echo", counting, methods=["POST"])]),
        schemes=SCHEMES,
        key_loader={KEY: SECRET}.get,
    )
    with serving_asgi(app) as url:
        body = b"0123456789"
        headers = signed_headers(url + "/echo", body)
        lines = "".join(f"{n}: {v}\r\n" for n, v in headers.items())
        head = f"POST /echo HTTP/1.1\r\nHost: {url.removeprefix('http://')}\r\n{lines}"
        # Shorter than the body: the server reads 5 bytes, which do not verify.
        short = _raw_exchange(url, (head + "Content-Length: 5\r\n\r\n").encode() + body)
        assert short.startswith(b"HTTP/1.1 401")
        # Longer than the body, then the client leaves: nothing is answered or run.
        _raw_exchange(url, (head + "Content-Length: 100\r\n\r\n").encode() + body, close_early=True)
        time.sleep(0.3)
        # The same request, honest, is accepted.
        honest = _raw_exchange(
            url, (head + "Content-Length: 10\r\nConnection: close\r\n\r\n").encode() + body
        )
        assert honest.startswith(b"HTTP/1.1 200")
    assert calls == ["/echo"]


def test_replays_are_refused_with_the_async_redis_store(redis_url):
    async def run(url: str) -> None:
        headers = signed_headers(url + "/echo", b"once")
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            assert (await client.post("/echo", content=b"once", headers=headers)).status_code == 200
            again = await client.post("/echo", content=b"once", headers=headers)
            assert again.status_code == 401

    with serving_asgi(starlette_app(replay_store=AsyncRedisReplayStore(redis_url))) as url:
        asyncio.run(run(url))
    with serving_asgi(starlette_app(replay_store="redis://127.0.0.1:1/0")) as url:
        answer = httpx.post(
            url + "/echo", content=b"x", headers=signed_headers(url + "/echo", b"x")
        )
        assert answer.status_code == 503 and answer.headers["retry-after"] == "1"


def test_an_async_key_loader_does_not_serialise_requests():
    in_flight = 0
    most = 0

    async def load(key_id: str) -> str | None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        if key_id != KEY:
            raise LookupError(key_id)
        return SECRET

    async def run(url: str) -> None:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            auth = AUTHS["cavage"]
            answers = await asyncio.gather(
                *(
                    client.post("/echo", content=str(i).encode(), headers=JSON, auth=auth)
                    for i in range(200)
                )
            )
            assert [a.status_code for a in answers] == [200] * 200
            unknown = CavageHttpxAuth("nobody", SECRET)
            assert (await client.get("/echo", auth=unknown)).status_code == 401

    with serving_asgi(starlette_app(key_loader=load)) as url:
        asyncio.run(run(url))
    # Several lookups were awaited at once: the loop kept serving meanwhile.
    assert most > 10


def test_lifespan_and_websocket_scopes():
    seen: list[str] = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "lifespan.startup"}

    async def run() -> None:
        passing = SignatureMiddleware(inner, schemes=SCHEMES, key_loader={KEY: SECRET}.get)
        await passing({"type": "lifespan"}, receive, send)
        checking = SignatureMiddleware(
            inner, schemes=SCHEMES, key_loader={KEY: SECRET}.get, websockets=True
        )
        scope = {"type": "websocket", "path": "/ws", "raw_path": b"/ws", "headers": []}
        await checking(dict(scope), receive, send)
        assert sent[-1] == {"type": "websocket.close", "code": 1008}
        headers = Signer("cavage", KEY, SECRET).sign("GET", "/ws", "", [("Host", "testserver")])
        raw = [(b"host", b"testserver")] + [(n.lower().encode(), v.encode()) for n, v in headers]
        signed = dict(scope, headers=raw)
        await checking(signed, receive, send)
        assert sent[-1] == {"type": "websocket.accept"}
        assert signed["state"]["httpseal"].scheme == "cavage"

    asyncio.run(run())
    assert seen == ["lifespan", "websocket"]


def test_configuration_mistakes_fail_at_set_up():
    with pytest.raises(ValueError, match="unknown scheme"):
        SignatureMiddleware(echo, schemes=["nope"], key_loader=dict().get)
    with pytest.raises(TypeError, match="key_loader"):
        SignatureMiddleware(echo, schemes=SCHEMES, key_loader="nope")
    with pytest.raises(ValueError, match="max_body"):
        SignatureMiddleware(echo, schemes=SCHEMES, key_loader=dict().get, max_body=-1)
    with pytest.raises(ValueError, match="replay_store"):
        SignatureMiddleware(echo, schemes=SCHEMES, key_loader=dict().get, replay_store="mem")
    with pytest.raises(TypeError, match="exempt"):
        SignatureMiddleware(echo, schemes=SCHEMES, key_loader=dict().get, exempt="/health")


# -- FastAPI -----------------------------------------------------------------

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Item(BaseModel):
    name: str


def fastapi_app() -> FastAPI:
    app = FastAPI()
    signature = Signature(schemes=SCHEMES, key_loader={KEY: SECRET}.get)
    hook = Webhook("standard-webhooks", WHSEC)

    @app.post("/items")
    async def create(item: Item, verified: Annotated[Verified, Depends(signature)]) -> dict:
        return {"name": item.name, "scheme": verified.scheme}

    @app.post("/hooks")
    async def delivery(verified: Annotated[Verified, Depends(hook)]) -> dict:
        return {"id": verified.delivery_id}

    return app


def test_fastapi_dependencies():
    async def run(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            for scheme, auth in AUTHS.items():
                answer = await client.post("/items", json={"name": "tea"}, auth=auth)
                assert answer.status_code == 200, (scheme, answer.text)
                assert answer.json() == {"name": "tea", "scheme": scheme}
            refused = await client.post("/items", json={"name": "tea"})
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Signature")
            body = b'{"type": "ping"}'
            delivery = webhooks.sign("standard-webhooks", WHSEC, body, msg_id="msg_1")
            assert (await client.post("/hooks", content=body, headers=delivery)).json() == {
                "id": "msg_1"
            }
            assert (
                await client.post("/hooks", content=body + b" ", headers=delivery)
            ).status_code == 400
            assert (await client.post("/hooks", content=body)).status_code == 400
            schema = (await client.get("/openapi.json")).json()
            schemes = schema["components"]["securitySchemes"]
            assert schemes["Signature"]["type"] == "http"
            assert schemes["standard-webhooks webhook"]["name"] == "webhook-signature"

    with serving_asgi(fastapi_app()) as url:
        asyncio.run(run(url))


def test_fastapi_dependency_behind_the_middleware_reuses_its_verdict():
    calls: list[str] = []

    def load(key_id: str) -> str:
        calls.append(key_id)
        return SECRET

    app = FastAPI()
    signature = Signature(schemes=SCHEMES, key_loader=load)

    @app.post("/items")
    async def create(item: Item, verified: Annotated[Verified, Depends(signature)]) -> dict:
        return {"name": item.name, "scheme": verified.scheme}

    wrapped = SignatureMiddleware(app, schemes=SCHEMES, key_loader=load)
    with serving_asgi(wrapped) as url:
        answer = httpx.post(url + "/items", json={"name": "x"}, auth=AUTHS["rfc9421"], timeout=30)
    assert answer.json() == {"name": "x", "scheme": "rfc9421"}
    assert calls == [KEY]


# -- the buffering, called directly --------------------------------------------


@given(
    body=st.binary(max_size=4096),
    cuts=st.lists(st.integers(min_value=0, max_value=4096), max_size=40),
    cap=st.integers(min_value=0, max_value=5000),
)
@settings(max_examples=200, deadline=None)
def test_any_split_of_a_body_reaches_the_app_as_verified_or_is_413(body, cuts, cap):
    edges = sorted({min(c, len(body)) for c in cuts} | {0, len(body)})
    pieces = [body[a:b] for a, b in itertools.pairwise(edges)] or [b""]
    messages = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]
    delivered: list[bytes] = []
    sent: list[dict] = []

    async def inner(scope, receive, send):
        chunks = []
        while True:
            message = await receive()
            chunks.append(message["body"])
            if not message["more_body"]:
                break
        delivered.append(b"".join(chunks))
        assert scope["state"]["httpseal"].scheme == "rfc9421"

    async def receive():
        # Never asked for more than was sent: the middleware stops at the last message.
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    url = "http://testserver/echo"
    raw = [(n.lower().encode(), v.encode()) for n, v in signed_headers(url, body).items()]
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/echo",
        "raw_path": b"/echo",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *raw],
    }
    app = SignatureMiddleware(inner, schemes=SCHEMES, key_loader={KEY: SECRET}.get, max_body=cap)
    asyncio.run(app(scope, receive, send))
    if len(body) > cap:
        assert delivered == [] and sent[0]["status"] == 413
    else:
        assert delivered == [body] and sent == []


def once_app(deliveries) -> tuple[FastAPI, dict[str, int]]:
    """A webhook route handled once per delivery; what it does is in the
    delivery's id: ``msg_ok``, ``msg_fail`` (raises), ``msg_slow``."""
    app = FastAPI()
    hook = Webhook("standard-webhooks", WHSEC, deliveries=deliveries)
    runs = {"n": 0}

    @app.post("/hooks")
    async def delivery(verified: Annotated[Verified, Depends(hook)]) -> dict:
        runs["n"] += 1
        if verified.delivery_id == "msg_fail":
            raise HTTPException(500, "handler failed")
        if verified.delivery_id == "msg_slow":
            await asyncio.sleep(0.5)
        return {"id": verified.delivery_id}

    return app, runs


def delivery(msg_id: str) -> tuple[bytes, dict[str, str]]:
    body = b'{"type": "ping"}'
    return body, webhooks.sign("standard-webhooks", WHSEC, body, msg_id=msg_id)


def test_fastapi_webhook_deliveries_are_handled_once():
    app, runs = once_app("memory")

    async def run(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            body, headers = delivery("msg_ok")
            first = await client.post("/hooks", content=body, headers=headers)
            assert first.json() == {"id": "msg_ok"}
            again = await client.post("/hooks", content=body, headers=headers)
            assert (again.status_code, again.json()) == (200, {"detail": "already handled"})
            assert runs["n"] == 1
            # A route that fails leaves the delivery to be retried, and it runs again.
            body, headers = delivery("msg_fail")
            for _ in range(2):
                answer = await client.post("/hooks", content=body, headers=headers)
                assert answer.status_code == 500
            assert runs["n"] == 3
            # A copy arriving while the first runs is told to come back later.
            body, headers = delivery("msg_slow")
            first_copy = asyncio.create_task(client.post("/hooks", content=body, headers=headers))
            await asyncio.sleep(0.2)
            busy = await client.post("/hooks", content=body, headers=headers)
            assert busy.status_code == 409 and busy.headers["retry-after"] == "5"
            assert (await first_copy).json() == {"id": "msg_slow"}
            # A forged delivery never reaches the ledger.
            forged = await client.post("/hooks", content=body + b" ", headers=headers)
            assert forged.status_code == 400
            assert runs["n"] == 4

    with serving_asgi(app) as url:
        asyncio.run(run(url))


def test_fastapi_webhook_ledger_outage_is_503():
    app, runs = once_app("redis://127.0.0.1:1/0")
    body, headers = delivery("msg_ok")

    async def run(url: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            answer = await client.post("/hooks", content=body, headers=headers)
            assert answer.status_code == 503 and answer.headers["retry-after"] == "1"

    with serving_asgi(app) as url:
        asyncio.run(run(url))
    assert runs["n"] == 0


# -- the scope read natively ---------------------------------------------------


def asgi_scope(method, raw_path, query, headers, **more):
    scope = {
        "type": "http",
        "method": method,
        "path": raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "query_string": query,
        "headers": [(n.lower(), v) for n, v in headers],
        "client": ("10.0.0.7", 4711),
        "scheme": "https",
    }
    return {**scope, **more}


def as_text(pairs):
    return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in pairs]


@settings(max_examples=200)
@given(
    scheme=st.sampled_from(["cavage", "drf-hmac", "fost", "rfc9421"]),
    path=st.binary(min_size=1, max_size=40).map(lambda b: b"/" + b.replace(b"?", b"")),
    query=st.binary(max_size=40),
    extra=st.lists(
        st.tuples(st.sampled_from([b"x-a", b"date", b"x-b"]), st.binary(max_size=30)), max_size=3
    ),
    body=st.binary(max_size=64),
)
def test_a_scope_reads_as_the_same_request_given_as_text(scheme, path, query, extra, body):
    """Whatever bytes a server puts in a scope, the native reader sees the
    request ``verify`` sees when given the same values as latin-1 text."""
    verifier = httpseal.Verifier(schemes=SCHEMES, key_loader={KEY: SECRET}.get)
    text_path, text_query = path.decode("latin-1"), query.decode("latin-1")
    base = [(b"host", b"example.com"), *extra]
    try:
        signed = Signer(scheme, KEY, SECRET).sign(
            "POST", text_path, text_query, as_text(base), body, url_scheme="https"
        )
    except ValueError:  # a request no client could send (a control character in the path)
        assume(False)
    headers = base + [(n.encode("latin-1"), v.encode("latin-1")) for n, v in signed]
    scope = asgi_scope("POST", path, query, headers)

    def outcome(call):
        try:
            found = call()
        except httpseal.SignatureError as exc:
            return exc.code
        return (found.scheme, found.key_id, found.covered) if found else None

    as_scope = outcome(lambda: verifier.verify_asgi(scope, body))
    as_args = outcome(
        lambda: verifier.verify(
            "POST",
            text_path,
            text_query,
            as_text(headers),
            body,
            remote_addr="10.0.0.7",
            url_scheme="https",
        )
    )
    assert as_scope == as_args
    assert verifier.credentials_asgi(scope) == verifier.credentials(
        "POST", text_path, text_query, as_text(headers)
    )


def test_a_scope_without_raw_path_is_requoted_and_a_websocket_reads_as_get():
    verifier = httpseal.Verifier(schemes=["cavage"], key_loader={KEY: SECRET}.get)
    headers = [("Host", "example.com"), ("Date", "Thu, 01 Jan 2026 00:00:00 GMT")]
    signed = Signer("cavage", KEY, SECRET).sign("GET", "/a%20b/%C3%A9", "", headers, now=1767225600)
    raw = [(n.lower().encode(), v.encode()) for n, v in [*headers, *signed]]
    scope = {"type": "websocket", "path": "/é", "root_path": "/a b", "headers": raw}
    assert verifier.verify_asgi(scope, now=1767225600).key_id == KEY


def test_a_method_that_is_not_utf8_is_not_read_as_another():
    verifier = httpseal.Verifier(schemes=["cavage"], key_loader={KEY: SECRET}.get)
    headers = [("Host", "example.com"), ("Date", "Thu, 01 Jan 2026 00:00:00 GMT")]
    signed = Signer("cavage", KEY, SECRET).sign("GET", "/a", "", headers, now=1767225600)
    raw = [(n.lower().encode(), v.encode()) for n, v in [*headers, *signed]]
    scope = asgi_scope("GET", b"/a", b"", raw)
    assert verifier.verify_asgi(scope, now=1767225600).key_id == KEY
    for method in ("\udcff", "G\udcffT", "DELETE"):
        with pytest.raises(httpseal.BadSignature):
            verifier.verify_asgi({**scope, "method": method}, now=1767225600)


@pytest.mark.parametrize(
    "scope",
    [
        "not a scope",
        {"method": b"GET"},
        {"raw_path": "/str"},
        {"query_string": "a=1"},
        {"headers": [("host", "example.com")]},
        {"headers": [(b"host",)]},
        {"headers": 7},
        {"scheme": 1},
    ],
)
def test_a_malformed_scope_is_a_type_error(scope):
    verifier = httpseal.Verifier(schemes=["cavage"], key_loader={KEY: SECRET}.get)
    with pytest.raises(TypeError):
        verifier.verify_asgi(scope, b"")
    with pytest.raises(TypeError):
        verifier.credentials_asgi(scope)

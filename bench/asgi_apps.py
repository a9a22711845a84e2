"""The Starlette app of the ASGI load benchmark, three ways: unprotected,
behind httpseal's SignatureMiddleware (Cavage and RFC 9421), and behind
starlette-hmac's HMACMiddleware (body-only HMAC, compared with ``==``).
Served by ``uvicorn bench.asgi_apps:<name>``."""

from __future__ import annotations

import base64
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from httpseal.asgi import SignatureMiddleware

KEY, SECRET = "bench-client", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"
PEER_SECRET = base64.b64encode(SECRET.encode()).decode()  # starlette-hmac's base64 secret


async def notes(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"received": len(body)})


def _app(middleware: list[Middleware] | None = None) -> Starlette:
    return Starlette(routes=[Route("/notes", notes, methods=["POST"])], middleware=middleware)


plain = _app()
signed = _app(
    [Middleware(SignatureMiddleware, schemes=["rfc9421", "cavage"], key_loader={KEY: SECRET}.get)]
)


def __getattr__(name: str) -> Any:
    """``peer``, built on first use: starlette-hmac is installed for the benchmark only."""
    if name != "peer":
        raise AttributeError(name)
    from starlette_hmac.middleware import HMACMiddleware

    return _app([Middleware(HMACMiddleware, shared_secret=PEER_SECRET)])

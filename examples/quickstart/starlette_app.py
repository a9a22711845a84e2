import asyncio

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from httpseal.asgi import SignatureMiddleware

KEYS = {"client-1": "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"}


async def load_key(key_id: str) -> str | None:
    """An async key loader is awaited: a slow lookup never blocks the loop."""
    await asyncio.sleep(0)  # e.g. a query to your key store
    return KEYS.get(key_id)


async def notes(request: Request) -> JSONResponse:
    body = await request.body()  # the very bytes that were verified
    verified = request.state.httpseal
    return JSONResponse({"key": verified.key_id, "scheme": verified.scheme, "bytes": len(body)})


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = Starlette(
    routes=[Route("/notes", notes, methods=["GET", "POST"]), Route("/health", health)],
    middleware=[
        Middleware(
            SignatureMiddleware,
            schemes=["rfc9421", "cavage", "drf-hmac", "fost"],
            key_loader=load_key,
            replay_store="memory",  # one process; a redis:// URL for several
            exempt=["/health"],
        )
    ],
)

"""An ``aiohttp`` client middleware that signs every request with any of
httpseal's client signers::

    from httpseal.client import CavageHttpxAuth
    from httpseal.client.aiohttp import SigningMiddleware

    signing = SigningMiddleware(CavageHttpxAuth("client-1", secret))
    async with aiohttp.ClientSession(middlewares=(signing,)) as session:
        await session.post(url, json={"text": "hi"})

The signer is any ``requests`` or ``httpx`` auth class of ``httpseal.client``
(``CavageHttpxAuth``, ``HMACHttpxAuth``, ``FostHttpxAuth``,
``MessageSignatureHttpxAuth``, or their ``requests`` twins): the scheme and
its options are the signer's. Each request is signed as it leaves, after
aiohttp has added its own headers (``Host``), redirects included; an RFC
9421 signer signs once more as a 401's ``Accept-Signature`` asks. A
streamed body (a file, an async generator) is read once, signed, and sent as
those bytes, so what arrives is what was signed.
"""

from __future__ import annotations

from typing import Any

from httpseal.client._transport import Signer
from httpseal.client.message_signatures import asked

__all__ = ["SigningMiddleware"]


class SigningMiddleware:
    """``aiohttp`` client middleware (``ClientSession(middlewares=...)``, or
    ``session.get(..., middlewares=...)``) signing with ``signer``."""

    def __init__(self, signer: Signer) -> None:
        if not isinstance(signer, Signer):
            raise TypeError(
                f"signer must be one of httpseal.client's auth classes, not {type(signer).__name__}"
            )
        self.signer = signer

    def __repr__(self) -> str:
        return f"SigningMiddleware({self.signer!r})"

    async def __call__(self, request: Any, handler: Any) -> Any:
        body = await _sent_bytes(request)
        url = str(request.url)
        self.signer.sign(request.method, url, request.headers, body)
        response = await handler(request)
        resign = getattr(self.signer, "resign", None)
        if response.status != 401 or resign is None:
            return response
        # RFC 9421: a 401 may say what to sign (Accept-Signature); sign so, once.
        if not resign(request.method, url, request.headers, body, asked(response.headers)):
            return response
        response.release()
        return await handler(request)


async def _sent_bytes(request: Any) -> bytes:
    """The bytes ``request`` will send; a body that could be sent only once
    (or differently) is replaced by them."""
    from aiohttp.payload import BytesPayload

    payload = request.body
    if not payload:
        return b""
    if isinstance(payload, BytesPayload):
        return await payload.as_bytes()
    data = await payload.as_bytes()
    await request.update_body(data)
    # A streamed body was announced as chunked; these bytes have a length.
    request.headers.pop("Transfer-Encoding", None)
    request.chunked = None
    request.headers["Content-Length"] = str(len(data))
    return data

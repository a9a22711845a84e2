"""Signing a server's responses to RFC 9421 requests with the key the request
was verified with, shared by the Flask and Django adapters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from httpseal._native import HmacKey, Signer, Verified

logger = logging.getLogger("httpseal.rfc9421")

# What a response signature covers: the status and content, and the request
# it answers — its target and its very signature fields, so that it cannot
# be passed off as the answer to another request.
REQUEST_BINDING = (
    '"@method";req',
    '"@authority";req',
    '"@path";req',
    '"@query";req',
    '"signature-input";req',
    '"signature";req',
)


def components(content: bool) -> list[str]:
    return ["@status", *(["content-digest"] if content else []), *REQUEST_BINDING]


def secret_for(verified: Verified, key_loader: Callable[[str], Any]) -> Any:
    """The secret that verified the request: the loader's answer, or the
    item of its list that matched (rotation)."""
    loaded = key_loader(verified.key_id)
    if isinstance(loaded, (list, tuple)):
        index = verified.secret_index
        return loaded[index] if 0 <= index < len(loaded) else None
    return loaded


def signature_headers(
    verified: Verified,
    key_loader: Callable[[str], Any],
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    environ: dict[str, Any],
    url_scheme: str,
    host: str | None = None,
) -> list[tuple[str, str]]:
    """The headers that sign a response to the RFC 9421 request ``verified``
    accepted (the request read from its WSGI ``environ`` or ``request.META``,
    as it was verified), or none when its key can no longer be found."""
    secret = secret_for(verified, key_loader)
    if not isinstance(secret, (str, bytes, HmacKey)) or not secret:
        logger.warning("response not signed: key %r is gone", verified.key_id[:64])
        return []
    signer = Signer("rfc9421", verified.key_id, secret)
    return signer.sign_response(
        status,
        list(headers),
        body,
        environ=environ,
        host=host,
        components=components(bool(body)),
        url_scheme=url_scheme,  # type: ignore[arg-type]
    )

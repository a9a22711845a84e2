"""FOST clients: a ``requests`` auth class that signs requests, and a helper
that signs URLs with an expiry."""

from __future__ import annotations

import time
from collections.abc import MutableMapping, Sequence
from urllib.parse import urlsplit, urlunsplit

from httpseal._native import Signer as NativeSigner
from httpseal.client._transport import HttpxAuth, RequestsAuth, Signer


class _FostSigner(Signer):
    """FOST-signs a request.

    Adds ``X-FOST-Timestamp``, ``X-FOST-Headers`` and ``Authorization: FOST``.
    ``act_as`` signs an ``X-FOST-User`` header (UTF-7, as the original) so the
    server treats the request as that user's; ``headers`` names further request
    headers to sign. The signature covers the body, or the query string when
    there is no body: a request with both is refused (``ValueError``) unless
    ``allow_unsigned_query=True``, for servers with
    ``FOST_AUTHN_ALLOW_UNSIGNED_QUERY = True``.
    """

    def __init__(
        self,
        key: str,
        secret: str | bytes,
        *,
        act_as: str | None = None,
        headers: Sequence[str] = (),
        allow_unsigned_query: bool = False,
    ) -> None:
        # A bad key, secret or header list fails here, not per request.
        self._native = NativeSigner(
            "fost",
            key,
            secret,
            headers=list(headers),
            act_as=act_as,
            allow_unsigned_query=allow_unsigned_query,
        )
        self.key, self.act_as = key, act_as
        self.extra_headers = list(headers)
        self.allow_unsigned_query = allow_unsigned_query

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, act_as={self.act_as!r})"

    def sign(
        self, method: str, url: str, headers: MutableMapping[str, str], body: bytes | None
    ) -> None:
        parts = urlsplit(url)
        signed = self._native.sign(
            method, parts.path or "/", parts.query, list(headers.items()), body
        )
        for name, value in signed:
            headers[name] = value


class FostAuth(_FostSigner, RequestsAuth):
    """``requests`` auth that FOST-signs a request (``FostHttpxAuth`` for ``httpx``)."""


class FostHttpxAuth(_FostSigner, HttpxAuth):
    """``httpx`` auth with the same behaviour as ``FostAuth``."""


def signed_url(url: str, key: str, secret: str | bytes, *, expires_in: float = 300) -> str:
    """``url`` with ``_k``, ``_e`` and ``_s`` appended, valid for ``expires_in`` seconds."""
    if expires_in <= 0:
        raise ValueError("expires_in must be positive")
    parts = urlsplit(url)
    query = NativeSigner("fost", key, secret).sign_url(
        parts.netloc, parts.path or "/", parts.query, expires=int(time.time() + expires_in)
    )
    return urlunsplit(parts._replace(query=query))

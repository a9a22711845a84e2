"""FOST clients: a ``requests`` auth class that signs requests, and a helper
that signs URLs with an expiry."""

from __future__ import annotations

import datetime
import time
from collections.abc import MutableMapping, Sequence
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from httpseal._native import (
    filter_query_string,
    fost_hmac_request_signature_with_headers,
    fost_hmac_url_signature,
)
from httpseal.client._paths import django_path
from httpseal.client._transport import HttpxAuth, RequestsAuth, Signer


def fost_timestamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


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
        if not key or ":" in key or any(c.isspace() for c in key):
            raise ValueError("key must be non-empty, without ':' or whitespace")
        if not secret:
            raise ValueError("secret must not be empty")
        self.key, self._secret, self.act_as = key, secret, act_as
        self.extra_headers = list(headers)
        self.allow_unsigned_query = allow_unsigned_query
        lowered = [name.lower() for name in self.extra_headers]
        if act_as is not None:
            lowered.append("x-fost-user")
        if "x-fost-headers" in lowered or len(set(lowered)) != len(lowered):
            raise ValueError(
                "headers must name each header once, X-FOST-Headers not among them "
                "(and X-FOST-User not with act_as=)"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, act_as={self.act_as!r})"

    def sign(
        self, method: str, url: str, headers: MutableMapping[str, str], body: bytes | None
    ) -> None:
        parts = urlsplit(url)
        if body and parts.query and not self.allow_unsigned_query:
            raise ValueError(
                "FOST signs the body or the query string, not both: this request's query "
                "would go unsigned. Move it into the body, or pass allow_unsigned_query=True "
                "for a server with FOST_AUTHN_ALLOW_UNSIGNED_QUERY = True"
            )
        names = list(self.extra_headers)
        if self.act_as is not None:
            headers["X-FOST-User"] = self.act_as.encode("utf-7").decode("ascii")
            names.append("X-FOST-User")
        timestamp = fost_timestamp()
        listed = " ".join(["X-FOST-Headers", *names])
        headers["X-FOST-Timestamp"] = timestamp
        headers["X-FOST-Headers"] = listed
        try:
            values = [listed, *(headers[name] for name in names)]
        except KeyError as exc:
            raise ValueError(
                f"header {exc.args[0]!r} must be set on the request to sign it"
            ) from None
        _, signature = fost_hmac_request_signature_with_headers(
            self._secret,
            method,
            django_path(parts.path),
            timestamp,
            values,
            body or parts.query.encode(),
        )
        headers["Authorization"] = f"FOST {self.key}:{signature}"


class FostAuth(_FostSigner, RequestsAuth):
    """``requests`` auth that FOST-signs a request (``FostHttpxAuth`` for ``httpx``)."""


class FostHttpxAuth(_FostSigner, HttpxAuth):
    """``httpx`` auth with the same behaviour as ``FostAuth``."""


def signed_url(url: str, key: str, secret: str | bytes, *, expires_in: float = 300) -> str:
    """``url`` with ``_k``, ``_e`` and ``_s`` appended, valid for ``expires_in`` seconds."""
    if expires_in <= 0:
        raise ValueError("expires_in must be positive")
    parts = urlsplit(url)
    expires = str(int(time.time() + expires_in))
    query = filter_query_string(parts.query)
    signature = fost_hmac_url_signature(
        key, secret, parts.netloc, django_path(parts.path), query, expires
    )
    signed = urlencode({"_k": key, "_e": expires, "_s": signature}, quote_via=quote)
    return urlunsplit(parts._replace(query=f"{query}&{signed}" if query else signed))

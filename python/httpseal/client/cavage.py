"""Signs outgoing requests with draft-cavage HTTP Signatures (HMAC)."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from httpseal._native import Signer as NativeSigner
from httpseal.cavage import QueryRule
from httpseal.client._transport import HttpxAuth, RequestsAuth, Signer


class _CavageSigner(Signer):
    """Adds ``Date``, ``Host`` and ``Digest`` as needed, then the signature."""

    def __init__(
        self,
        key_id: str,
        secret: Any,
        algorithm: str = "hmac-sha256",
        headers: Iterable[str] | None = None,
        *,
        sign_header: str = "authorization",
        query_rule: QueryRule = "draft",
    ) -> None:
        if not isinstance(key_id, str) or not key_id:
            raise ValueError("key_id must be a non-empty str")
        self.key_id = key_id
        self.algorithm = algorithm
        self.headers = None if headers is None else [h.lower() for h in headers]
        self.sign_header = sign_header
        self.query_rule = query_rule
        # Fails now, not on the first request, for a bad secret, algorithm or rule.
        self._native = NativeSigner(
            "cavage",
            key_id,
            secret,
            algorithm=algorithm,
            headers=self.headers,
            sign_header=sign_header,  # type: ignore[arg-type]
            query_rule=query_rule,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key_id={self.key_id!r}, algorithm={self.algorithm!r})"

    def sign(
        self, method: str, url: str, headers: MutableMapping[str, str], body: bytes | None
    ) -> None:
        parts = urlsplit(url)
        if "host" not in headers:
            headers["Host"] = parts.netloc.rpartition("@")[2]
        signed = self._native.sign(
            method, parts.path or "/", parts.query, list(headers.items()), body
        )
        for name, value in signed:
            headers[name] = value


class CavageSignedRequestAuth(_CavageSigner, RequestsAuth):
    """``requests`` auth: ``requests.get(url, auth=CavageSignedRequestAuth(key_id, secret))``.

    Signs the headers the default ``HeadersMap`` requires for the method (or
    ``headers``), adding ``Date`` when absent, ``Host``, and ``Digest`` for a body.
    The query string is signed for every method, as the draft says;
    ``query_rule="flask-cavage"`` signs it for GET, HEAD and DELETE only, for
    servers still on that rule.
    """


class CavageHttpxAuth(_CavageSigner, HttpxAuth):
    """``httpx`` auth with the same behaviour as ``CavageSignedRequestAuth``."""

"""Adapters from each scheme's ``sign(method, url, headers, body)`` to the
auth hooks of ``requests`` and ``httpx``."""

from __future__ import annotations

from collections.abc import Generator, MutableMapping
from typing import Any

try:
    import requests.auth

    _RequestsAuthBase: Any = requests.auth.AuthBase
except ImportError:  # pragma: no cover - requests is optional
    _RequestsAuthBase = object

try:
    import httpx

    _HttpxAuthBase: Any = httpx.Auth
except ImportError:  # pragma: no cover - httpx is optional
    _HttpxAuthBase = object


def as_bytes(body: Any) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    raise TypeError("only bytes or str request bodies can be signed, not streams")


class Signer:
    """A scheme's signer: adds its headers to an outgoing request."""

    def sign(
        self, method: str, url: str, headers: MutableMapping[str, str], body: bytes | None
    ) -> None:
        raise NotImplementedError


class RequestsAuth(_RequestsAuthBase):
    """``requests`` auth hook for a ``Signer``."""

    def __call__(self, r: Any) -> Any:
        self.sign(r.method, r.url, r.headers, as_bytes(r.body))
        return r


class HttpxAuth(_HttpxAuthBase):
    """``httpx`` auth flow for a ``Signer``."""

    requires_request_body = True

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        self.sign(request.method, str(request.url), request.headers, request.content)
        yield request

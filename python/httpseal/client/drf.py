"""django-rest-framework-hmac's client API (``BaseHMAC``, ``HMACSigner``) and a
``requests`` auth class that adds the ``Key``, ``Signature`` and
``Timestamp`` headers."""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

from httpseal._drf_json import Unsignable, compact
from httpseal._native import HmacKey, sign_drf
from httpseal._native import Signer as NativeSigner
from httpseal.client._paths import host_header
from httpseal.client._transport import HttpxAuth, RequestsAuth, Signer


class BaseHMAC:
    """Holds the secret to sign with; override ``get_user_secret`` to look it
    up elsewhere than ``user.hmac_key.secret``."""

    def __init__(self, user: Any) -> None:
        self.secret = self.get_user_secret(user)

    def get_user_secret(self, user: Any) -> str:
        return user.hmac_key.secret

    def _calc_signature_from_str(self, s: str) -> bytes:
        """The signature of a ready string to sign, as base64 ``bytes``."""
        return HmacKey.from_hex(self.secret).render(s, encoding="base64").encode()


class HMACSigner(BaseHMAC):
    """Signs from a dict: ``HMACSigner(user).calc_signature(headers, data=None)``
    where ``headers`` has ``method``, ``hostname``, ``path`` and ``timestamp``."""

    def calc_signature(self, headers: dict[str, Any], data: Any = None) -> bytes:
        return sign_drf(
            self.secret,
            str(headers["method"]),
            str(headers["hostname"]),
            str(headers["path"]),
            str(headers["timestamp"]),
            serialized(data),
        ).encode()

    def string_to_sign(self, headers: dict[str, Any], data: Any = None) -> str:
        s = "{method}\n{hostname}\n{path}\n{timestamp}\n".format(**headers)
        return s + serialized(data).decode()


def serialized(data: Any) -> bytes:
    """The original's body rule: compact JSON of the data when it is truthy."""
    try:
        return compact(data)
    except Unsignable as exc:
        # As the original's json.dumps: data that is not JSON is a TypeError.
        raise TypeError(str(exc)) from None


class _HMACSigner(Signer):
    """Adds ``Key``, ``Timestamp`` and ``Signature`` for ``httpseal.drf.HMACAuthentication``.

    ``hostname`` is what the server signs as the host: by default (as the
    original) the client's address as the server sees it, so pass it; with
    ``HTTPSEAL["DRF_HMAC_HOST"] = "host"`` leave it out and the URL's
    ``host[:port]`` is used, the port only when it is not the scheme's default,
    as the server's ``request.get_host()`` reports it. The path is signed as
    Django decodes it (``/a%20b`` as ``/a b``). ``body="json"`` signs the
    compact re-serialization of a JSON body (the original's rule);
    ``body="raw"`` signs the body bytes.
    """

    def __init__(self, key: str, secret: str, hostname: str | None = None, body: str = "json"):
        if body not in ("json", "raw"):
            raise ValueError("body must be 'json' or 'raw'")
        # A bad key id, secret or hostname fails here, not per request.
        self._native = NativeSigner("drf-hmac", key, secret, hostname=hostname)
        self.key, self.hostname, self.body = key, hostname, body

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(key={self.key!r}, hostname={self.hostname!r}, body={self.body!r})"

    def sign(
        self, method: str, url: str, headers: MutableMapping[str, str], body: bytes | None
    ) -> None:
        parts = urlsplit(url)
        body = body or b""
        if self.body == "json" and body:
            try:
                body = serialized(json.loads(body))
            except ValueError:
                raise ValueError("body='json' signs JSON bodies only; use body='raw'") from None
        sent = list(headers.items())
        if self.hostname is None and "host" not in headers:
            sent.append(("Host", host_header(parts)))
        for name, value in self._native.sign(method, parts.path or "/", parts.query, sent, body):
            headers[name] = value


class HMACAuth(_HMACSigner, RequestsAuth):
    """``requests`` auth for ``httpseal.drf.HMACAuthentication``: see ``HMACHttpxAuth``
    for ``httpx``. ``hostname`` and ``body`` as described on the signer."""


class HMACHttpxAuth(_HMACSigner, HttpxAuth):
    """``httpx`` auth with the same behaviour as ``HMACAuth``."""

"""Signs outgoing requests with RFC 9421 HTTP Message Signatures (HMAC), and
re-signs once with what a server's 401 asks for (``Accept-Signature``,
``Want-Content-Digest``)."""

from __future__ import annotations

import secrets
from collections.abc import Generator, Iterable, MutableMapping
from typing import Any, Literal
from urllib.parse import urlsplit

from httpseal._native import Signer as NativeSigner
from httpseal.client._transport import Signer, _HttpxAuthBase, _RequestsAuthBase, as_bytes

ContentDigest = Literal["sha-256", "sha-512"]

# What a server's 401 may ask a client to sign differently.
ASKING_HEADERS = ("accept-signature", "want-content-digest")
# What a signature adds; removed before the request is signed again.
SIGNATURE_HEADERS = ("signature-input", "signature", "content-digest")


class _MessageSigner(Signer):
    """One key's RFC 9421 signer: ``sig1`` over ``@method @authority @path
    @query`` (and ``content-digest``, which it adds, for a body), with
    ``created``, ``keyid`` and ``alg="hmac-sha256"``, unless told otherwise."""

    def __init__(
        self,
        key_id: str,
        secret: Any,
        *,
        components: Iterable[str] | None = None,
        label: str = "sig1",
        tag: str | None = None,
        expires_in: int | None = None,
        nonce: bool = False,
        content_digest: ContentDigest = "sha-256",
    ) -> None:
        if not isinstance(key_id, str) or not key_id:
            raise ValueError("key_id must be a non-empty str")
        if isinstance(components, str):
            raise TypeError("components must be a list of component identifiers, not a str")
        self.key_id = key_id
        self.nonce = nonce
        # Fails now, not on the first request, for a bad secret or option.
        self._native = NativeSigner(
            "rfc9421",
            key_id,
            secret,
            components=None if components is None else list(components),
            label=label,
            tag=tag,
            expires_in=expires_in,
            content_digest=content_digest,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key_id={self.key_id!r})"

    def sign(
        self,
        method: str,
        url: str,
        headers: MutableMapping[str, str],
        body: bytes | None,
        *,
        accept_signature: str | None = None,
        want_content_digest: str | None = None,
    ) -> None:
        """Adds ``Host`` (when absent), ``Content-Digest`` (when covered and
        absent), ``Signature-Input`` and ``Signature`` to ``headers``."""
        parts = urlsplit(url)
        if "host" not in headers:
            headers["Host"] = parts.netloc.rpartition("@")[2]
        nonce = secrets.token_urlsafe(16) if self.nonce or accept_signature else None
        signed = self._native.sign(
            method,
            parts.path or "/",
            parts.query,
            list(headers.items()),
            body,
            url_scheme=parts.scheme.lower() or "http",  # type: ignore[arg-type]
            nonce=nonce,
            accept_signature=accept_signature,
            want_content_digest=want_content_digest,
        )
        for name, value in signed:
            headers[name] = value

    def resign(
        self,
        method: str,
        url: str,
        headers: MutableMapping[str, str],
        body: bytes | None,
        asked: MutableMapping[str, str],
    ) -> bool:
        """Signs again with what a 401's headers ``asked`` for; ``False``
        when they ask for nothing this signer can give."""
        accept = asked.get("accept-signature")
        want = asked.get("want-content-digest")
        if accept is None and want is None:
            return False
        for name in SIGNATURE_HEADERS:
            headers.pop(name, None)
        try:
            self.sign(method, url, headers, body, accept_signature=accept, want_content_digest=want)
        except ValueError:
            return False
        return True


def asked(headers: Any) -> dict[str, str]:
    """What a 401's headers ask a signer for."""
    return {name: headers[name] for name in ASKING_HEADERS if name in headers}


class MessageSignatureAuth(_MessageSigner, _RequestsAuthBase):
    """``requests`` auth: ``requests.post(url, auth=MessageSignatureAuth(key_id, secret))``.

    Signs one RFC 9421 signature. On a 401 carrying ``Accept-Signature`` or
    ``Want-Content-Digest`` it signs the request again, once, with what the
    server asked for, and sends it again.
    """

    def __call__(self, r: Any) -> Any:
        self.sign(r.method, r.url, r.headers, as_bytes(r.body))
        r.register_hook("response", self._retry_401)
        return r

    def _retry_401(self, response: Any, **kwargs: Any) -> Any:
        if response.status_code != 401 or getattr(response.request, "_httpseal_resigned", False):
            return response
        asked = {
            name: response.headers[name] for name in ASKING_HEADERS if name in response.headers
        }
        prepared = response.request.copy()
        if not self.resign(
            prepared.method, prepared.url, prepared.headers, as_bytes(prepared.body), asked
        ):
            return response
        prepared._httpseal_resigned = True
        response.content  # noqa: B018 - read it, so the connection can be reused
        response.close()
        retried = response.connection.send(prepared, **kwargs)
        retried.history.append(response)
        retried.request = prepared
        return retried


class MessageSignatureHttpxAuth(_MessageSigner, _HttpxAuthBase):
    """``httpx`` auth with the same behaviour as ``MessageSignatureAuth``."""

    requires_request_body = True

    def auth_flow(self, request: Any) -> Generator[Any, Any, None]:
        self.sign(request.method, str(request.url), request.headers, request.content)
        response = yield request
        if response.status_code != 401:
            return
        asked = {
            name: response.headers[name] for name in ASKING_HEADERS if name in response.headers
        }
        if self.resign(request.method, str(request.url), request.headers, request.content, asked):
            yield request

"""Type stubs for httpseal's native core."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, Literal, Optional, Union

_Bytes = Union[str, bytes, bytearray]
Digest = Literal["sha1", "sha224", "sha256", "sha384", "sha512"]
Encoding = Literal["base64url", "base64", "hex"]

class SignatureError(Exception):
    """A request's signature could not be verified. ``code`` names the reason."""

    code: ClassVar[str]

class MalformedSignature(SignatureError):
    """The signature or its header could not be parsed (code ``malformed``)."""

class UnknownAlgorithm(SignatureError):
    """The algorithm is not one httpseal knows (code ``unknown_algorithm``)."""

class DisallowedAlgorithm(SignatureError):
    """The algorithm is known but not accepted here (code ``disallowed_algorithm``)."""

class MissingHeader(SignatureError):
    """A header listed in the signature is missing (code ``missing_header``)."""

class HeaderNotSigned(SignatureError):
    """A required header is not covered by the signature (code ``header_not_signed``)."""

class UnknownKey(SignatureError):
    """No secret is known for the key id (code ``unknown_key``)."""

class BadSignature(SignatureError):
    """The signature does not match (code ``bad_signature``)."""

class DigestMismatch(SignatureError):
    """The body does not match its Digest header (code ``digest_mismatch``)."""

class StaleTimestamp(SignatureError):
    """The request's timestamp is older than the window allows (code ``stale``)."""

class FutureTimestamp(SignatureError):
    """The request's timestamp is too far in the future (code ``future``)."""

class ExpiredURL(SignatureError):
    """A signed URL's expiry has passed (code ``expired``)."""

class ReplayedRequest(SignatureError):
    """The replay check refused the request (code ``replayed``)."""

class HmacKey:
    """An HMAC key whose key schedule is computed once, for servers that verify
    many requests with the same secret. Its repr never shows the secret."""

    def __init__(self, secret: _Bytes, *, digest: Digest = "sha256") -> None:
        """``secret`` is ``str`` (encoded as UTF-8), ``bytes`` or ``bytearray``.

        Raises ``TypeError`` for another type, ``ValueError`` for an unknown digest.
        """

    @property
    def digest(self) -> Digest:
        """The hash function's name."""

    def sign(self, data: _Bytes) -> bytes:
        """The raw MAC of ``data``."""

    def render(self, data: _Bytes, *, encoding: Encoding = "base64url") -> str:
        """The MAC of ``data`` as text: unpadded URL-safe base64, base64 or hex."""

    def compare(
        self, data: _Bytes, token: Union[_Bytes, None], *, encoding: Encoding = "base64url"
    ) -> bool:
        """Constant-time check of ``token`` against the MAC of ``data``.

        Returns ``False`` for a token of any shape that does not match (empty,
        padded, non-ASCII, ``None``, very long); never raises for the token.
        """

def render_hmac(
    secret: _Bytes, data: _Bytes, *, digest: Digest = "sha256", encoding: Encoding = "base64url"
) -> str:
    """The MAC of ``data`` under ``secret`` as text.

    The defaults give Flask-HMAC's token: HMAC-SHA256, URL-safe base64 without ``=``.
    The GIL is released while large inputs are hashed.
    """

def compare_hmacs(
    secret: _Bytes,
    data: _Bytes,
    token: Union[_Bytes, None],
    *,
    digest: Digest = "sha256",
    encoding: Encoding = "base64url",
) -> bool:
    """Constant-time comparison of ``token`` with the MAC of ``data`` under ``secret``.

    Returns ``False`` for a token of any shape that does not match; raises only
    ``TypeError``/``ValueError`` for programming mistakes in the other arguments.
    """

def verify_hmac_token(
    keys: Sequence[HmacKey],
    data: _Bytes,
    token: Union[_Bytes, None],
    *,
    encoding: Encoding = "base64url",
) -> int:
    """Checks a token against several keys (rotation) in one call.

    Returns the index of the key that verified it. Raises ``MalformedSignature``
    for an empty or missing token and ``BadSignature`` when no key matches.
    """

_Headers = Union[Mapping[str, str], Iterable[tuple[str, str]]]
_Body = Union[bytes, bytearray, str, None]
_Loaded = Union[_Bytes, HmacKey, Sequence[Union[_Bytes, HmacKey]], None]
CavageAlgorithm = Literal["hmac-sha1", "hmac-sha256", "hmac-sha512"]

class Verified:
    """What a successful verification established."""

    @property
    def key_id(self) -> str:
        """The key id the client named."""

    @property
    def algorithm(self) -> str:
        """The signature algorithm, e.g. ``"hmac-sha256"``."""

    @property
    def secret_index(self) -> int:
        """Which of the secrets the loader returned verified the request (rotation)."""

    @property
    def headers(self) -> list[str]:
        """The signed header names, lowercase, in signing order."""

class CavageVerifier:
    """A draft-cavage HTTP Signatures verifier, configured once per server.

    ``secret_loader(key_id)`` returns the secret (``str``/``bytes``), an
    ``HmacKey`` (pinning the key to that hash), a list of them (rotation), or
    ``None`` for an unknown key. ``required_headers`` is a list of header names
    every signature must cover, or a dict of lowercase method to such a list
    (methods it lacks use its ``"get"`` entry). ``algorithms`` restricts the
    accepted algorithms (all three by default). A signed ``Date`` must lie
    within ``max_skew`` seconds of now (``None`` switches the check off).
    ``legacy_digests`` accepts MD5 and SHA-1 in the ``Digest`` header.
    """

    def __init__(
        self,
        *,
        secret_loader: Callable[[str], _Loaded],
        required_headers: Union[Sequence[str], Mapping[str, Sequence[str]], None] = None,
        algorithms: Optional[Sequence[CavageAlgorithm]] = None,
        max_skew: Optional[float] = 300,
        legacy_digests: bool = False,
    ) -> None: ...
    def verify(
        self,
        method: str,
        path: str,
        query: str,
        headers: _Headers,
        body: _Body = None,
        *,
        now: Optional[float] = None,
    ) -> Verified:
        """Verifies one request in one native call.

        ``path`` is the path as sent (percent-encoding intact) and ``query`` the
        query string without ``?``; the query is part of ``(request-target)``
        for GET, HEAD and DELETE only. Reads the signature from
        ``Authorization: Signature …`` or a ``Signature`` header. Raises a
        ``SignatureError`` subclass: ``MalformedSignature``, ``UnknownAlgorithm``,
        ``DisallowedAlgorithm``, ``HeaderNotSigned``, ``MissingHeader``,
        ``UnknownKey``, ``BadSignature``, ``DigestMismatch``, ``StaleTimestamp``
        or ``FutureTimestamp``.
        """

def verify_cavage(
    method: str,
    path: str,
    query: str,
    headers: _Headers,
    body: _Body = None,
    *,
    secret_loader: Callable[[str], _Loaded],
    required_headers: Sequence[str] = ("date",),
    algorithms: Optional[Sequence[CavageAlgorithm]] = None,
    max_skew: Optional[float] = 300,
    legacy_digests: bool = False,
    now: Optional[float] = None,
) -> Verified:
    """One-off form of ``CavageVerifier(...).verify(...)``."""

def sign_cavage(
    key_id: str,
    secret: Union[_Bytes, HmacKey],
    method: str,
    path: str,
    query: str,
    headers: _Headers,
    *,
    algorithm: CavageAlgorithm = "hmac-sha256",
    signed_headers: Sequence[str] = ("date",),
    sign_header: Literal["authorization", "signature"] = "authorization",
) -> str:
    """Signs ``signed_headers`` of a request and returns the header value:
    ``Signature keyId=…`` for ``Authorization``, or the bare parameters for a
    ``Signature`` header. Raises ``ValueError`` when a header to sign is absent."""

def body_digest(body: _Body, algorithm: str = "SHA-256") -> str:
    """The ``Digest`` header value for ``body``, e.g. ``"SHA-256=…"``."""

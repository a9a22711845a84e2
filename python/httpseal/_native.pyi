"""Type stubs for httpseal's native core."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Literal, Optional, Union, final

from httpseal.replay import ReplayStore

__all__ = [
    "BadSignature",
    "CavageVerifier",
    "DigestMismatch",
    "DisallowedAlgorithm",
    "DisallowedScheme",
    "ExpiredKey",
    "ExpiredURL",
    "FostVerified",
    "FutureTimestamp",
    "HeaderNotSigned",
    "HmacKey",
    "KeyEncryption",
    "MalformedSignature",
    "MemoryReplayStore",
    "MissingHeader",
    "ReplayStoreUnavailable",
    "ReplayedRequest",
    "RevokedKey",
    "SignatureError",
    "Signer",
    "StaleTimestamp",
    "UndecryptableKey",
    "UnknownAlgorithm",
    "UnknownKey",
    "Verified",
    "Verifier",
    "WebhookEndpoint",
    "body_digest",
    "compare_hmacs",
    "filter_query_string",
    "fost_hmac_request_signature",
    "fost_hmac_request_signature_with_headers",
    "fost_hmac_url_signature",
    "render_hmac",
    "sign_cavage",
    "sign_drf",
    "sign_webhook",
    "verify_cavage",
    "verify_drf",
    "verify_fost_request",
    "verify_fost_url",
    "verify_hmac_token",
]

_Bytes = Union[str, bytes, bytearray]
# Names are checked at run time (ValueError): digests sha1, sha224, sha256,
# sha384, sha512; encodings base64url, base64, hex; Cavage algorithms
# hmac-sha1, hmac-sha256, hmac-sha512.
_Digest = str
_Encoding = str
# Which query string (request-target) carries: "draft" (every method) or
# "flask-cavage" (GET, HEAD and DELETE only; a POST's query is unsigned).
_QueryRule = Literal["draft", "flask-cavage"]

# The stable codes, one per class below (SignatureError's own is "signature_error").
_Code = Literal[
    "signature_error",
    "malformed",
    "unknown_algorithm",
    "disallowed_algorithm",
    "missing_header",
    "header_not_signed",
    "unknown_key",
    "bad_signature",
    "digest_mismatch",
    "stale",
    "future",
    "expired",
    "replayed",
    "disallowed_scheme",
    "expired_key",
    "revoked_key",
    "undecryptable_key",
]
# Stable scheme names, in settings, results and HmacKey(schemes=...).
_Scheme = Literal[
    "cavage",
    "drf-hmac",
    "fost",
    "flask-hmac",
    "rfc9421",
    "standard-webhooks",
    "stripe",
    "github",
    "slack",
]
_WebhookFormat = Literal["standard-webhooks", "stripe", "github", "slack"]
_SignerScheme = Literal["cavage", "drf-hmac", "fost", "rfc9421"]
_UrlScheme = Literal["http", "https"]

class SignatureError(Exception):
    """A request's signature could not be verified; ``code`` says why."""

    code: ClassVar[_Code]
    scheme: Optional[_Scheme]
    """The scheme whose credentials were refused (set by ``Verifier``)."""
    key_id: Optional[str]
    """The key id the refused credentials named, once parsed (set by ``Verifier``)."""

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

class ReplayStoreUnavailable(Exception):
    """The replay store could not be consulted (full, unreachable): not a
    verdict on the request, so not a ``SignatureError``; servers answer 503."""

@final
class MemoryReplayStore:
    """Replay entries of this process, bounded in entries and bytes. When its
    live entries fill it, new requests are refused (``ReplayStoreUnavailable``,
    fail closed) instead of live entries being forgotten. For one-process
    servers and tests; several workers or hosts need a shared store."""

    def __new__(
        cls, *, max_entries: int = 100_000, max_bytes: int = 16 * 1024 * 1024
    ) -> MemoryReplayStore: ...
    @property
    def capacity(self) -> int:
        """How many entries it may hold."""

    def __len__(self) -> int: ...

class DisallowedScheme(SignatureError):
    """The key may not sign with this scheme (code ``disallowed_scheme``)."""

class ExpiredKey(SignatureError):
    """The key is outside its validity period, expired or not yet valid
    (code ``expired_key``). Adapters answer it as they answer an unknown key."""

class RevokedKey(SignatureError):
    """The key was revoked (code ``revoked_key``). Adapters answer it as they
    answer an unknown key."""

class UndecryptableKey(SignatureError):
    """The key's stored secret could not be decrypted (code
    ``undecryptable_key``): a server-side fault, such as a removed encryption
    key or a damaged or copied value. The key is unusable until it is fixed."""

@final
class KeyEncryption:
    """Encrypts stored secrets (XChaCha20-Poly1305 under keys derived with
    HKDF-SHA256 from master keys) and decrypts them. The first master key
    encrypts; every one decrypts, so a retired key keeps working until its
    values are encrypted again. A value is bound to its ``record`` (the key
    id it belongs to): copied onto another record, it does not decrypt."""

    def __new__(cls, keys: Sequence[_Bytes]) -> KeyEncryption:
        """``keys``: master keys (``str`` or ``bytes``), current first.
        Raises ``ValueError`` for an empty list or key, ``TypeError`` for
        anything but a list of them."""

    @property
    def key_ids(self) -> list[str]:
        """The 8-hex-digit id stored with each value, one per master key."""

    def encrypt(self, secret: str, *, record: str) -> str:
        """``secret`` (1 to 1024 bytes of UTF-8) encrypted under the current
        key for ``record``, as ``httpseal$1$<key id>$<base64url>``; a fresh
        random nonce each time. ``ValueError`` for an empty or longer secret."""

    def decrypt(self, value: str, *, record: str) -> str:
        """The secret ``value`` holds for ``record``. Raises
        ``UndecryptableKey`` when no configured key opens it for that record;
        never returns plain text that was not encrypted."""

    def is_current(self, value: str) -> bool:
        """Whether ``value`` was encrypted under the current key."""

    @staticmethod
    def is_encrypted(value: str) -> bool:
        """Whether ``value`` has the form of an encrypted secret (not whether
        it decrypts)."""

@final
class HmacKey:
    """An HMAC key whose key schedule is computed once, for servers that verify
    many requests with the same secret. Its repr never shows the secret."""

    def __new__(
        cls,
        secret: _Bytes,
        *,
        digest: _Digest = "sha256",
        schemes: Optional[Sequence[_Scheme]] = None,
        not_before: Union[datetime, float, None] = None,
        not_after: Union[datetime, float, None] = None,
    ) -> HmacKey:
        """``secret`` is ``str`` (encoded as UTF-8), ``bytes`` or ``bytearray``.
        ``schemes`` pins the key to those schemes (every scheme by default); a
        key store that returns it for another scheme's request refuses it
        (``DisallowedScheme``). drf-hmac uses an ``HmacKey``'s bytes as they
        are (a ``str`` secret from a loader is hex-decoded for drf-hmac).

        ``not_before`` and ``not_after`` (timezone-aware ``datetime`` or Unix
        seconds) bound when the key may sign: from ``not_before`` until just
        before ``not_after``. Verification outside that period refuses the
        key (``ExpiredKey``); a key store returning several keys (rotation)
        uses those valid now.

        Raises ``TypeError`` for another type, ``ValueError`` for an unknown
        digest or scheme or a naive ``datetime``.
        """

    @classmethod
    def from_hex(
        cls,
        text: str,
        *,
        digest: _Digest = "sha256",
        schemes: Optional[Sequence[_Scheme]] = None,
        not_before: Union[datetime, float, None] = None,
        not_after: Union[datetime, float, None] = None,
    ) -> HmacKey:
        """A key from hexadecimal text, decoded as django-rest-framework-hmac
        stores secrets (pairs of digits, whitespace between pairs allowed).
        Raises ``ValueError`` for text that is not hexadecimal."""

    @property
    def digest(self) -> str:
        """The hash function's name."""

    @property
    def schemes(self) -> list[_Scheme]:
        """The schemes this key may sign with."""

    @property
    def not_before(self) -> Optional[int]:
        """Unix seconds from which the key may sign, if bounded."""

    @property
    def not_after(self) -> Optional[int]:
        """Unix seconds from which the key may no longer sign, if bounded."""

    def sign(self, data: _Bytes) -> bytes:
        """The raw MAC of ``data``."""

    def render(self, data: _Bytes, *, encoding: _Encoding = "base64url") -> str:
        """The MAC of ``data`` as text: unpadded URL-safe base64, base64 or hex."""

    def compare(
        self, data: _Bytes, token: Union[_Bytes, None], *, encoding: _Encoding = "base64url"
    ) -> bool:
        """Constant-time check of ``token`` against the MAC of ``data``.

        A ``str``, ``bytes``, ``bytearray`` or ``None`` token gives ``True`` or
        ``False`` and never raises, whatever its content (empty, padded,
        non-ASCII, very long); a token of another type is a ``TypeError``.
        """

def render_hmac(
    secret: _Bytes, data: _Bytes, *, digest: _Digest = "sha256", encoding: _Encoding = "base64url"
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
    digest: _Digest = "sha256",
    encoding: _Encoding = "base64url",
) -> bool:
    """Constant-time comparison of ``token`` with the MAC of ``data`` under ``secret``.

    A ``str``, ``bytes``, ``bytearray`` or ``None`` token gives ``True`` or
    ``False`` and never raises, whatever its content; a token of another type,
    like a bad ``secret``, ``data``, ``digest`` or ``encoding``, is a
    ``TypeError``/``ValueError`` (a programming mistake).
    """

def verify_hmac_token(
    keys: Sequence[HmacKey],
    data: _Bytes,
    token: Union[_Bytes, None],
    *,
    encoding: _Encoding = "base64url",
) -> int:
    """Checks a token against several keys (rotation) in one call.

    Returns the index of the key that verified it. Raises ``MalformedSignature``
    for an empty or missing token and ``BadSignature`` when no key matches.
    """

_Headers = Union[Mapping[str, str], Iterable[tuple[str, str]]]
_Body = Union[bytes, bytearray, str, None]
# What a secret loader returns. Raising LookupError (KeyError, ...) or Django's
# ObjectDoesNotExist means "unknown key", like None; other exceptions propagate.
_Loaded = Union[_Bytes, HmacKey, Sequence[Union[_Bytes, HmacKey]], None]
_CavageAlgorithm = str

@final
class Verified:
    """What a successful verification established, the same for every scheme."""

    @property
    def scheme(self) -> _Scheme:
        """The scheme that verified the request."""

    @property
    def delivery_key(self) -> Optional[bytes]:
        """A webhook delivery's key in a ledger of handled deliveries: a
        digest of its format and signed id (Standard Webhooks) or of the MAC
        that matched, never header text. ``None`` outside
        ``WebhookEndpoint.verify``."""

    @property
    def delivery_id(self) -> Optional[str]:
        """A webhook delivery's id (``webhook-id``, ``X-GitHub-Delivery``),
        where the format has one. GitHub's is not covered by the signature."""

    @property
    def key_id(self) -> str:
        """The key id the client named (decoded as the scheme decodes it)."""

    @property
    def algorithm(self) -> str:
        """The MAC algorithm, e.g. ``"hmac-sha256"``."""

    @property
    def secret_index(self) -> int:
        """Which of the secrets the loader returned verified the request (rotation)."""

    @property
    def covered(self) -> tuple[str, ...]:
        """What the signature covers, in the scheme's vocabulary: Cavage's
        signed header names; ``method hostname path timestamp body`` for
        drf-hmac; ``method path``, the listed headers and ``body`` or ``query``
        for a FOST request; ``host path query [expires]`` for a FOST URL."""

    @property
    def headers(self) -> list[str]:
        """``covered`` as a list (Cavage's signed header names, in signing order)."""

    @property
    def act_as(self) -> Optional[str]:
        """The user a signed ``X-FOST-User`` asks to act as, if any."""

    @property
    def timestamp(self) -> Optional[int]:
        """The signed time in Unix seconds, where the scheme has one."""

    @property
    def signed_headers(self) -> dict[str, str]:
        """The signed headers and their values (FOST); empty for other schemes."""

    @property
    def replay_entry(self) -> Optional[tuple[str, int]]:
        """What a replay store must record for this request — its key and
        for how many seconds — when it was verified with ``record=False``;
        ``None`` otherwise, or when its scheme has nothing to record."""

@final
class Verifier:
    """Every configured scheme through one pipeline, configured once per server.

    ``schemes`` names the accepted schemes in order of preference; a request
    is judged by the first whose credentials it carries. ``key_loader(key_id)``
    follows the one loader rule (``str``/``bytes``, ``HmacKey``, a list of
    them, ``None``; ``LookupError``/``ObjectDoesNotExist`` mean unknown).
    ``max_skew`` is the freshness window of every timestamped scheme. The
    ``cavage_*`` options are ``CavageVerifier``'s; ``drf_hostname`` is what a
    drf-hmac client signs as hostname (``"host"``: the Host header;
    ``"remote_addr"``: the peer address, as django-rest-framework-hmac did);
    the ``fost_*`` options are ``verify_fost_request``'s and ``verify_fost_url``'s.
    ``"flask-hmac"`` (Flask-HMAC's token: a MAC of the path in the
    ``flask_hmac_header``, encoded as ``flask_hmac_encoding``) names no key:
    its loader is asked for the key id ``""``, and ``path`` must be the path
    Flask-HMAC signs (Flask's decoded ``request.path``).

    ``replay_store`` records each accepted request (a digest of its scheme
    and MAC) until its timestamp or expiry could no longer pass, and refuses the
    same request again (``ReplayedRequest``); it is consulted only after the
    MAC and freshness passed. It needs ``max_skew``; flask-hmac tokens carry
    no time and are never recorded. A FOST signed URL is recorded only with
    ``fost_url_single_use=True``, on its first GET (a HEAD does not spend it),
    so the link works once until it expires. Two identical requests signed in the
    same second are one request to it.

    ``"rfc9421"`` (RFC 9421 HTTP Message Signatures, ``hmac-sha256``): a
    request is its when it carries ``Signature-Input``. Of its signatures the
    first that satisfies the policy is verified: it must cover
    ``rfc9421_required`` (``@method @authority @path @query`` by default;
    ``@target-uri`` covers the path, query, authority and scheme,
    ``@request-target`` the path and query), and ``content-digest`` for a
    request with content (``rfc9421_content_digest``), whose RFC 9530
    ``Content-Digest`` is then checked against the body; carry
    ``rfc9421_tag`` when one is set, and ``created`` (within ``max_skew``)
    and ``nonce`` as required. ``rfc9421_label`` picks a signature by label;
    labels are not signed, so it never relaxes the policy. A signed
    ``expires`` is honoured; a signed ``nonce`` is what the replay store
    records (per key id), so it is spent once. With ``rfc9421_issue_nonces``
    (which needs ``replay_store``) a signature must carry a nonce this server
    issued in an ``Accept-Signature`` (MACed with ``rfc9421_nonce_secret``,
    16 bytes or more, shared by every host that must recognise it; a random
    key of this verifier's by default), signed within ``max_skew`` of its
    issue.
    """

    def __new__(
        cls,
        *,
        schemes: Sequence[_Scheme],
        key_loader: Callable[[str], _Loaded],
        max_skew: Optional[float] = ...,
        cavage_required_headers: Union[Sequence[str], Mapping[str, Sequence[str]], None] = None,
        cavage_algorithms: Optional[Sequence[_CavageAlgorithm]] = None,
        cavage_legacy_digests: bool = False,
        cavage_query_rule: _QueryRule = "draft",
        drf_hostname: Literal["host", "remote_addr"] = "host",
        fost_allow_unsigned_query: bool = False,
        fost_url_require_expiry: bool = True,
        fost_url_max_lifetime: Optional[float] = None,
        fost_url_single_use: bool = False,
        flask_hmac_header: str = "HMAC",
        flask_hmac_encoding: _Encoding = "base64url",
        flask_hmac_digest: _Digest = "sha256",
        rfc9421_required: Optional[Sequence[str]] = None,
        rfc9421_content_digest: bool = True,
        rfc9421_tag: Optional[str] = None,
        rfc9421_label: Optional[str] = None,
        rfc9421_require_created: bool = True,
        rfc9421_require_nonce: bool = False,
        rfc9421_response_required: Optional[Sequence[str]] = None,
        rfc9421_issue_nonces: bool = False,
        rfc9421_nonce_secret: Union[_Bytes, None] = None,
        replay_store: Union[MemoryReplayStore, ReplayStore, None] = None,
    ) -> Verifier: ...
    @property
    def schemes(self) -> list[_Scheme]:
        """The configured schemes, in order of preference."""

    def verify(
        self,
        method: str,
        path: str,
        query: str,
        headers: _Headers,
        body: Union[_Body, Callable[[], _Body]] = None,
        *,
        remote_addr: str = "",
        drf_data: Union[bytes, str, Callable[[], Union[bytes, str]], None] = None,
        now: Optional[float] = None,
        url_scheme: _UrlScheme = "http",
        secrets: object = None,
        record: bool = True,
    ) -> Optional[Verified]:
        """``None`` when the request carries none of the schemes' credentials
        ("not ours"), ``Verified`` when they verify; a ``SignatureError``
        subclass when they are wrong. ``path`` is the path as sent
        (percent-encoding intact). ``drf_data`` is what drf-hmac signs after its
        timestamp line when that is not the raw body; a callable is called only
        for a drf-hmac request. A callable ``body`` is called only once the
        request is known to carry credentials, so an unsigned request's body is
        never read (nor a drf-hmac request's when ``drf_data`` is given); what
        it raises propagates. Arguments of the wrong type are a ``TypeError``
        whatever the request carries. ``url_scheme`` is what RFC 9421's
        ``@scheme`` and ``@target-uri`` read.

        An adapter whose key loader is async passes ``secrets``: what the
        loader returned for the key id ``credentials`` found (``[]`` for an
        unknown key); the loader is then not called. ``record=False``
        consults no replay store: ``Verified.replay_entry`` says what to
        record."""

    def credentials(
        self, method: str, path: str, query: str, headers: _Headers
    ) -> Optional[tuple[_Scheme, str]]:
        """Steps 1 and 2 alone: ``(scheme, key_id)`` the request names,
        ``None`` when it carries none of the schemes' credentials, a
        ``SignatureError`` subclass when they are malformed. Nothing is
        looked up or checked."""

    def verify_environ(
        self,
        environ: dict[str, object],
        body: Union[_Body, Callable[[], _Body]] = None,
        *,
        host: Optional[str] = None,
        path: Optional[str] = None,
        drf_data: Union[bytes, str, Callable[[], Union[bytes, str]], None] = None,
        now: Optional[float] = None,
        url_scheme: Optional[_UrlScheme] = None,
        secrets: object = None,
        record: bool = True,
    ) -> Optional[Verified]:
        """``verify`` for the request a WSGI environ (or Django's
        ``request.META``) describes, read in one pass: the path as sent
        (``RAW_URI``/``REQUEST_URI``, else ``SCRIPT_NAME`` + ``PATH_INFO``
        re-quoted), ``QUERY_STRING``, the ``HTTP_*``, ``CONTENT_TYPE`` and
        ``CONTENT_LENGTH`` headers, ``REMOTE_ADDR``, and bare ``Key``,
        ``Signature`` and ``Timestamp`` entries for headers the request lacks.
        ``host`` replaces the ``Host`` header (Django's validated ``get_host()``);
        ``path`` replaces the path as sent (django-rest-framework-hmac signs
        ``PATH_INFO``, without ``SCRIPT_NAME``); ``url_scheme`` replaces
        ``wsgi.url_scheme`` (Django's ``request.scheme``, which honours
        ``SECURE_PROXY_SSL_HEADER``). ``secrets`` and ``record`` are ``verify``'s."""

    def credentials_environ(
        self,
        environ: dict[str, object],
        *,
        host: Optional[str] = None,
        path: Optional[str] = None,
        url_scheme: Optional[_UrlScheme] = None,
    ) -> Optional[tuple[_Scheme, str]]:
        """``credentials`` for the request a WSGI environ describes, read as
        ``verify_environ`` reads it."""

    def verify_asgi(
        self,
        scope: Mapping[str, object],
        body: Union[_Body, Callable[[], _Body]] = None,
        *,
        drf_data: Union[bytes, str, Callable[[], Union[bytes, str]], None] = None,
        now: Optional[float] = None,
        secrets: object = None,
        record: bool = True,
    ) -> Optional[Verified]:
        """``verify`` for the request an ASGI ``http`` (or ``websocket``)
        scope describes, read in one pass: ``method`` (``GET`` for a
        websocket), the path as sent (``raw_path``, else ``root_path`` +
        ``path`` re-quoted), ``query_string``, every header line (bytes,
        read as latin-1), ``client`` and ``scheme``. ``body`` is the buffered
        body. ``TypeError`` for a scope that is not a dict or holds values of
        the wrong types. ``secrets`` and ``record`` are ``verify``'s."""

    def credentials_asgi(self, scope: Mapping[str, object]) -> Optional[tuple[_Scheme, str]]:
        """``credentials`` for the request an ASGI scope describes, read as
        ``verify_asgi`` reads it."""

    def signing_input(
        self,
        method: str,
        path: str,
        query: str,
        headers: _Headers,
        body: Union[_Body, Callable[[], _Body]] = None,
        *,
        remote_addr: str = "",
        drf_data: Union[bytes, str, Callable[[], Union[bytes, str]], None] = None,
        url_scheme: _UrlScheme = "http",
    ) -> Optional[bytes]:
        """The bytes this verifier MACs for the request — the signing string,
        document or signature base, then the body where the scheme signs it —
        to diff against what the client signed; ``None`` when the request
        carries none of the schemes' credentials. Nothing is looked up,
        checked or recorded; credentials that do not parse raise their
        ``SignatureError``. It holds neither a secret nor a MAC."""

    def signing_input_environ(
        self,
        environ: dict[str, object],
        body: Union[_Body, Callable[[], _Body]] = None,
        *,
        host: Optional[str] = None,
        path: Optional[str] = None,
        drf_data: Union[bytes, str, Callable[[], Union[bytes, str]], None] = None,
        url_scheme: Optional[_UrlScheme] = None,
    ) -> Optional[bytes]:
        """``signing_input`` for a WSGI environ, read as ``verify_environ`` reads it."""

    def verify_response(
        self,
        status: int,
        headers: _Headers,
        body: _Body = None,
        *,
        request: Optional[tuple[str, str, str, _Headers]] = None,
        now: Optional[float] = None,
        url_scheme: _UrlScheme = "http",
    ) -> Verified:
        """Verifies an RFC 9421 signature of a response (a client checking
        its server). It must cover ``rfc9421_response_required`` (``@status``
        by default) and, for a response with content, ``content-digest``,
        checked against ``body``; the other ``rfc9421_*`` options apply as to
        requests. ``request`` — ``(method, path, query, headers)`` — is the
        request the response answers, read by components marked ``;req``.
        Raises a ``SignatureError`` subclass when the response is not signed
        as required; ``ValueError`` without ``"rfc9421"`` among the schemes."""

    def accept_signature(
        self, *, content: bool = False, key_id: Optional[str] = None, now: Optional[float] = None
    ) -> Optional[str]:
        """The ``Accept-Signature`` value of a 401 (RFC 9421 §5): the
        components an RFC 9421 signature must cover here (``content-digest``
        when the refused request had ``content``), ``created`` and a bare
        ``nonce`` when required (with ``rfc9421_issue_nonces``, a nonce issued
        at ``now`` for the client to sign), the ``tag``, the refused request's
        ``key_id`` and ``alg``; ``None`` when ``"rfc9421"`` is not among the
        schemes."""

@final
class CavageVerifier:
    """A draft-cavage HTTP Signatures verifier, configured once per server.

    ``secret_loader(key_id)`` returns the secret (``str``/``bytes``), an
    ``HmacKey`` (pinning the key to that hash), a list of them (rotation), or
    ``None`` (or raises ``LookupError``) for an unknown key. ``required_headers``
    is a list of header names every signature must cover, or a dict of
    lowercase method to such a list (methods it lacks use its ``"get"``
    entry); by default ``(request-target) host date``, plus ``content-length
    content-type digest`` for POST, PUT and PATCH. ``algorithms`` restricts the
    accepted algorithms (all three by default). ``date`` must be signed and lie
    within ``max_skew`` seconds of now (``None`` switches both off).
    ``legacy_digests`` accepts MD5 and SHA-1 in the ``Digest`` header.
    ``query_rule`` says which query ``(request-target)`` carries.
    """

    def __new__(
        cls,
        *,
        secret_loader: Callable[[str], _Loaded],
        required_headers: Union[Sequence[str], Mapping[str, Sequence[str]], None] = None,
        algorithms: Optional[Sequence[_CavageAlgorithm]] = None,
        max_skew: Optional[float] = ...,
        legacy_digests: bool = False,
        query_rule: _QueryRule = "draft",
    ) -> CavageVerifier: ...
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
        query string without ``?``; under the default ``query_rule`` the query
        is part of ``(request-target)`` for every method. Reads the signature from
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
    required_headers: Union[Sequence[str], Mapping[str, Sequence[str]], None] = None,
    algorithms: Optional[Sequence[_CavageAlgorithm]] = None,
    max_skew: Optional[float] = ...,
    legacy_digests: bool = False,
    query_rule: _QueryRule = "draft",
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
    algorithm: _CavageAlgorithm = "hmac-sha256",
    signed_headers: Optional[Sequence[str]] = None,
    sign_header: str = "authorization",
    query_rule: _QueryRule = "draft",
) -> str:
    """Signs ``signed_headers`` of a request (by default what ``CavageVerifier``
    requires for the method) and returns the header value: ``Signature
    keyId=…`` for ``Authorization``, or the bare parameters for a ``Signature``
    header. Raises ``ValueError`` when a header to sign is absent, listed
    twice, or more than 64 are listed."""

@final
class Signer:
    """Signs requests with one key in one scheme, in one native call.

    Everything is checked here, not per request: the scheme name, the key id
    (non-empty, no control characters; ASCII for Cavage and drf-hmac, no
    ``:`` or whitespace for FOST), the secret (``str``/``bytes`` — hex text
    for drf-hmac — or an ``HmacKey`` whose digest is the scheme's), and the
    options, each of which belongs to one scheme (another scheme's option is
    a ``ValueError``):

    - Cavage: ``algorithm`` (``hmac-sha256`` by default, or the ``HmacKey``'s),
      ``headers`` to sign (the draft's defaults for the method), ``sign_header``
      (``"authorization"`` or ``"signature"``), ``query_rule``.
    - drf-hmac: ``hostname``, what the server signs as host (by default the
      request's ``Host`` header).
    - FOST: ``headers``, further request headers to sign; ``act_as``, a user
      to act as (a signed, UTF-7 ``X-FOST-User``); ``allow_unsigned_query``.
    - RFC 9421 (``hmac-sha256``): ``components`` to cover (``@method
      @authority @path @query``, and ``content-digest`` for a request with
      content, by default), ``label`` (``sig1``), ``tag``, ``expires_in``
      (seconds after ``created``), ``include_alg`` (``True``) and
      ``content_digest`` (``"sha-256"`` or ``"sha-512"``, for the
      ``Content-Digest`` it adds when that is covered and absent).
    """

    def __new__(
        cls,
        scheme: _SignerScheme,
        key_id: str,
        secret: Union[_Bytes, HmacKey],
        *,
        algorithm: Optional[str] = None,
        headers: Optional[Sequence[str]] = None,
        sign_header: Optional[Literal["authorization", "signature"]] = None,
        query_rule: Optional[_QueryRule] = None,
        hostname: Optional[str] = None,
        act_as: Optional[str] = None,
        allow_unsigned_query: Optional[bool] = None,
        components: Optional[Sequence[str]] = None,
        label: Optional[str] = None,
        tag: Optional[str] = None,
        expires_in: Optional[int] = None,
        include_alg: Optional[bool] = None,
        content_digest: Optional[Literal["sha-256", "sha-512"]] = None,
    ) -> Signer: ...
    @property
    def scheme(self) -> _SignerScheme:
        """The scheme it signs with."""

    @property
    def key_id(self) -> str:
        """The key id it names."""

    def sign(
        self,
        method: str,
        path: str,
        query: str,
        headers: _Headers,
        body: _Body = None,
        *,
        now: Optional[float] = None,
        url_scheme: _UrlScheme = "http",
        nonce: Optional[str] = None,
        accept_signature: Optional[str] = None,
        want_content_digest: Optional[str] = None,
    ) -> list[tuple[str, str]]:
        """The headers to add to the request, in the order a client sends
        them: Cavage ``Date`` (when absent), ``Digest`` (for a body or when
        listed) and ``Authorization``/``Signature``; drf-hmac ``Key``,
        ``Timestamp``, ``Signature``; FOST ``X-FOST-User`` (with ``act_as``),
        ``X-FOST-Timestamp``, ``X-FOST-Headers``, ``Authorization``; RFC 9421
        ``Content-Digest`` (when covered and absent), ``Signature-Input`` and
        ``Signature`` (``url_scheme`` for ``@scheme``/``@target-uri``,
        ``nonce`` a nonce to sign; ``accept_signature``, a server's
        ``Accept-Signature``, signs the components, label, tag and nonce it
        asks for instead of the signer's own; ``want_content_digest``, a
        server's ``Want-Content-Digest``, picks the digest of the
        ``Content-Digest`` it adds). A timestamp
        header already on the request is signed as it is. ``path`` is the path
        as sent (drf-hmac and FOST sign it decoded, as Django does), ``query``
        the query string without ``?``, ``body`` what will be sent (for
        drf-hmac's JSON rule, the compact JSON). Raises ``ValueError`` for a
        request that cannot be signed as configured (a listed header missing;
        FOST with both a body and a query)."""

    def signing_input(
        self,
        method: str,
        path: str,
        query: str,
        headers: _Headers,
        body: _Body = None,
        *,
        now: Optional[float] = None,
        url_scheme: _UrlScheme = "http",
        nonce: Optional[str] = None,
    ) -> bytes:
        """The exact bytes ``sign`` MACs for this request, to compare with what
        the server signed when a signature does not match."""

    def sign_response(
        self,
        status: int,
        headers: _Headers,
        body: _Body = None,
        *,
        request: Optional[tuple[str, str, str, _Headers]] = None,
        environ: Optional[dict[str, object]] = None,
        host: Optional[str] = None,
        components: Optional[Sequence[str]] = None,
        now: Optional[float] = None,
        url_scheme: _UrlScheme = "http",
        nonce: Optional[str] = None,
    ) -> list[tuple[str, str]]:
        """RFC 9421 only: the headers that sign a response — ``Content-Digest``
        (when covered and absent), ``Signature-Input``, ``Signature``. It
        covers ``@status``, and ``content-digest`` for a response with
        content, unless ``components`` says otherwise; components marked
        ``;req`` (``"@method";req``, ``"signature";req;key="sig1"``) are read
        from ``request``, ``(method, path, query, headers)``, or from a WSGI
        ``environ`` (``request.META``) read as ``Verifier.verify_environ``
        reads it, ``host`` replacing its ``Host``."""

    def sign_url(self, host: str, path: str, query: str, *, expires: int) -> str:
        """FOST only: the new query string of a signed URL — ``query`` without
        ``_k``, ``_e`` and ``_s``, then those three — valid until ``expires``
        (Unix seconds); ``path`` as sent."""

def body_digest(body: _Body, algorithm: str = "SHA-256") -> str:
    """The ``_Digest`` header value for ``body``, e.g. ``"SHA-256=…"``."""

def sign_drf(
    secret: str, method: str, hostname: str, path: str, timestamp: str, data: _Body = None
) -> str:
    """django-rest-framework-hmac's ``Signature``: standard base64 of HMAC-SHA256
    keyed with ``bytes.fromhex(secret)`` over
    ``"{method}\\n{hostname}\\n{path}\\n{timestamp}\\n"`` followed by ``data``.
    Raises ``ValueError`` when ``secret`` is not hexadecimal."""

def verify_drf(
    secret: str,
    method: str,
    hostname: str,
    path: str,
    timestamp: str,
    signature: Union[_Bytes, None],
    data: _Body = None,
    *,
    max_skew: Optional[float] = ...,
    now: Optional[float] = None,
) -> None:
    """Verifies a django-rest-framework-hmac signature in constant time.

    ``timestamp`` must be ISO 8601 (no offset means UTC) or Unix seconds, within
    ``max_skew`` seconds of now (``None`` switches the check off). Raises
    ``MalformedSignature``, ``BadSignature``, ``StaleTimestamp`` or ``FutureTimestamp``.
    """

@final
class FostVerified:
    """What a verified FOST request or URL established."""

    @property
    def key(self) -> str:
        """The key id (UTF-7 decoded where valid, as django-fost-authn did)."""

    @property
    def act_as(self) -> Optional[str]:
        """The user a signed ``X-FOST-User`` header names, UTF-7 decoded."""

    @property
    def signed(self) -> dict[str, str]:
        """The signed headers and their values (``request.SIGNED``)."""

def fost_hmac_request_signature(
    secret: _Bytes,
    method: str,
    path: str,
    timestamp: str,
    headers: Optional[_Headers] = None,
    body: _Body = None,
) -> tuple[Union[str, bytes], str]:
    """``(document, signature)`` as django-fost-authn computes them: the document
    is ``"{method} {path}\\n{timestamp}\\nX-FOST-Headers <names>\\n<values>\\n{body}"``
    and the signature base64 HMAC-SHA1. The document is ``bytes`` for a
    ``bytes`` body, ``str`` otherwise."""

def fost_hmac_request_signature_with_headers(
    secret: _Bytes,
    method: str,
    path: str,
    timestamp: str,
    headers: Sequence[str],
    body: _Body,
) -> tuple[Union[str, bytes], str]:
    """Like ``fost_hmac_request_signature`` with the header lines given in order,
    the first being the ``X-FOST-Headers`` value."""

def fost_hmac_url_signature(
    key: str,
    secret: _Bytes,
    host: str,
    path: str,
    query_string: str,
    expires: Union[int, str, None],
) -> str:
    """The ``_s`` of a signed URL: base64 HMAC-SHA1 over
    ``"{host}{path}?{query}\\n{expires}"`` (no ``?`` for an empty query)."""

def filter_query_string(query: str) -> str:
    """``query`` without the ``_k``, ``_e`` and ``_s`` parameters. Only those
    exact names are removed; django-fost-authn also removed any parameter
    starting with ``_s`` (``_sort=…``), leaving it unsigned."""

def verify_fost_request(
    method: str,
    path: str,
    query: str,
    headers: _Headers,
    body: _Body = None,
    *,
    secret_loader: Callable[[str], _Loaded],
    max_skew: Optional[float] = ...,
    allow_unsigned_query: bool = False,
    now: Optional[float] = None,
) -> FostVerified:
    """Verifies ``Authorization: FOST <key>:<signature>`` with ``X-FOST-Timestamp``
    and ``X-FOST-Headers``, which must list itself first and no name twice.
    ``path`` is the decoded path (Django's ``request.path``); ``query`` the raw
    query string, signed when the body is empty: a request with both a body
    and a query is refused unless ``allow_unsigned_query``. The loader is
    asked for ``FostVerified.key``. Raises a ``SignatureError`` subclass."""

def verify_fost_url(
    host: str,
    path: str,
    query: str,
    *,
    secret_loader: Callable[[str], _Loaded],
    require_expiry: bool = True,
    max_lifetime: Optional[float] = None,
    now: Optional[float] = None,
) -> FostVerified:
    """Verifies a URL signed with ``_k``, ``_e`` and ``_s``. Raises
    ``ExpiredURL`` past ``_e``, ``FutureTimestamp`` when ``_e`` lies further
    than ``max_lifetime`` ahead, ``MalformedSignature`` without ``_e`` when one
    is required, and ``BadSignature`` or ``UnknownKey``."""

@final
class WebhookEndpoint:
    """One webhook endpoint: a format (``"standard-webhooks"`` — Svix's
    ``svix-*`` header names too —, ``"stripe"``, ``"github"``, ``"slack"``) and
    its secret, or several while the sender rotates, checked here: a
    Standard Webhooks secret is ``whsec_`` (optional) and base64, decoded
    once; the others are used as given. ``tolerance`` is the freshness window
    of timestamped formats (``None``: unchecked); ``github_sha1`` accepts
    GitHub's SHA-1 ``X-Hub-Signature`` when no SHA-256 one is sent."""

    def __new__(
        cls,
        format: _WebhookFormat,
        secrets: Union[_Bytes, Sequence[_Bytes]],
        *,
        tolerance: Optional[float] = ...,
        github_sha1: bool = False,
    ) -> WebhookEndpoint: ...
    @property
    def format(self) -> _WebhookFormat:
        """The format it verifies."""

    def verify(self, headers: _Headers, body: _Body, *, now: Optional[float] = None) -> Verified:
        """Verifies one delivery (headers as a mapping or pairs, the raw
        body): any of its signatures by any of the secrets, within the
        tolerance; a ``SignatureError`` subclass otherwise."""

def sign_webhook(
    format: _WebhookFormat,
    secret: _Bytes,
    body: _Body,
    *,
    msg_id: Optional[str] = None,
    timestamp: Optional[float] = None,
) -> list[tuple[str, str]]:
    """The headers a sender adds to deliver ``body`` in ``format``, signed at
    ``timestamp`` (now by default); Standard Webhooks needs ``msg_id``."""

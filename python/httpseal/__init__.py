"""httpseal: fast, constant-time HMAC request signing for Flask, Django and DRF.

The MACs, parsers and comparisons run in a native core; this package holds the
framework adapters (``httpseal.flask``, ``httpseal.django``, ``httpseal.drf``)
and the client signers (``httpseal.client``).
"""

from importlib.metadata import PackageNotFoundError, version

from httpseal._native import (
    BadSignature,
    CavageVerifier,
    DigestMismatch,
    DisallowedAlgorithm,
    DisallowedScheme,
    ExpiredKey,
    ExpiredURL,
    FostVerified,
    FutureTimestamp,
    HeaderNotSigned,
    HmacKey,
    KeyEncryption,
    MalformedSignature,
    MemoryReplayStore,
    MissingHeader,
    ReplayedRequest,
    ReplayStoreUnavailable,
    RevokedKey,
    SignatureError,
    Signer,
    StaleTimestamp,
    UndecryptableKey,
    UnknownAlgorithm,
    UnknownKey,
    Verified,
    Verifier,
    body_digest,
    compare_hmacs,
    filter_query_string,
    fost_hmac_request_signature,
    fost_hmac_request_signature_with_headers,
    fost_hmac_url_signature,
    render_hmac,
    sign_cavage,
    sign_drf,
    verify_cavage,
    verify_drf,
    verify_fost_request,
    verify_fost_url,
    verify_hmac_token,
)
from httpseal.errors import ImproperlyConfigured

try:
    __version__ = version("httpseal")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

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
    "ImproperlyConfigured",
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
    "__version__",
    "body_digest",
    "compare_hmacs",
    "filter_query_string",
    "fost_hmac_request_signature",
    "fost_hmac_request_signature_with_headers",
    "fost_hmac_url_signature",
    "render_hmac",
    "sign_cavage",
    "sign_drf",
    "verify_cavage",
    "verify_drf",
    "verify_fost_request",
    "verify_fost_url",
    "verify_hmac_token",
]

"""httpseal: fast, constant-time HMAC request signing for Flask, Django and DRF.

The MACs, parsers and comparisons run in a native core; this package holds the
framework adapters (``httpseal.flask``, ``httpseal.django``, ``httpseal.drf``)
and the client signers (``httpseal.client``).
"""

from httpseal._native import (
    BadSignature,
    CavageVerifier,
    DigestMismatch,
    DisallowedAlgorithm,
    ExpiredURL,
    FutureTimestamp,
    HeaderNotSigned,
    HmacKey,
    MalformedSignature,
    MissingHeader,
    ReplayedRequest,
    SignatureError,
    StaleTimestamp,
    UnknownAlgorithm,
    UnknownKey,
    Verified,
    body_digest,
    compare_hmacs,
    render_hmac,
    sign_cavage,
    verify_cavage,
    verify_hmac_token,
)
from httpseal.errors import ImproperlyConfigured

__all__ = [
    "BadSignature",
    "CavageVerifier",
    "DigestMismatch",
    "DisallowedAlgorithm",
    "ExpiredURL",
    "FutureTimestamp",
    "HeaderNotSigned",
    "HmacKey",
    "ImproperlyConfigured",
    "MalformedSignature",
    "MissingHeader",
    "ReplayedRequest",
    "SignatureError",
    "StaleTimestamp",
    "UnknownAlgorithm",
    "UnknownKey",
    "Verified",
    "body_digest",
    "compare_hmacs",
    "render_hmac",
    "sign_cavage",
    "verify_cavage",
    "verify_hmac_token",
]

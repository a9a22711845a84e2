"""httpseal's Django settings: one ``HTTPSEAL = {...}`` dict, looked up once
and then kept (not copied: a change inside it shows at once), and looked up
again whenever ``override_settings`` or the ``settings`` fixture replaces it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # The generic adapters (SignatureMiddleware, SignatureAuthentication)
    "SCHEMES": [],  # accepted schemes, in order of preference: "cavage", "drf-hmac", "fost"
    "KEY_LOADER": None,  # dotted path to key_id -> secret | HmacKey | list | None; default HMACKey
    "USER_LOADER": None,  # dotted path to key_id -> user | None (with a custom KEY_LOADER)
    "KEY_CACHE_SECONDS": 5,  # how long a process keeps a looked-up HMACKey; 0 disables
    # (also how long a revoked key may still pass in another process)
    "KEY_ENCRYPTION_KEYS": None,  # master keys for stored secrets, current first; None:
    # SECRET_KEY, then SECRET_KEY_FALLBACKS
    "LAST_USED_INTERVAL": 300,  # seconds between writes of a key's last_used_at; None: never
    "ACT_AS_KEYS": [],  # key ids allowed to act as another user (X-FOST-User)
    "REPLAY_STORE": None,  # "memory" (one process), a redis:// URL or a store: refuse replays
    "MAX_SKEW": 300,  # seconds either way, every timestamped scheme; None switches it off
    "REALM": "api",  # the realm of the WWW-Authenticate challenges
    "LOG_SIGNING_INPUT": None,  # log the string the server signed with a refusal; None: DEBUG
    "CAVAGE_REQUIRED_HEADERS": None,  # list, or dict of method -> list; None: the draft's
    "CAVAGE_ALGORITHMS": None,  # subset of hmac-sha1, hmac-sha256, hmac-sha512; None: all
    "CAVAGE_LEGACY_DIGESTS": False,  # accept MD5 and SHA-1 in Digest
    "CAVAGE_QUERY_RULE": "draft",  # or "flask-cavage"
    # django-rest-framework-hmac scheme
    "DRF_HMAC_HOST": "remote_addr",  # or "host": what the client signs as hostname
    "DRF_HMAC_BODY": "json",  # or "raw": sign the body bytes instead of re-serialized data
    "DRF_HMAC_MAX_SKEW": 300,  # seconds either way; None switches the check off
    "AUTO_CREATE_KEYS": False,  # create an HMACKey for every new user
    # FOST URL signing
    "FOST_URL_REQUIRE_EXPIRY": True,  # refuse signed URLs without _e
    "FOST_URL_MAX_LIFETIME": None,  # seconds; refuse URLs expiring later than this from now
    "FOST_URL_SINGLE_USE": False,  # a signed URL works once (needs REPLAY_STORE)
    # RFC 9421 HTTP Message Signatures
    "RFC9421_REQUIRED": None,  # components every signature must cover; None: method, authority,
    # path and query
    "RFC9421_CONTENT_DIGEST": True,  # a request with content must cover content-digest
    "RFC9421_TAG": None,  # only signatures with this tag count
    "RFC9421_LABEL": None,  # only the signature with this label counts (never relaxes the rest)
    "RFC9421_REQUIRE_CREATED": True,  # a signature must carry created
    "RFC9421_REQUIRE_NONCE": False,  # a signature must carry a nonce (spent once, REPLAY_STORE)
    "RFC9421_SIGN_RESPONSES": False,  # SignatureMiddleware signs responses to RFC 9421 requests
    "RFC9421_ISSUE_NONCES": False,  # a 401 issues a nonce, which the signature must carry
    # Inbound webhooks: format -> secret or list of secrets (httpseal.django.webhooks)
    "WEBHOOK_SECRETS": {},
    "WEBHOOK_DELIVERIES": None,  # "memory", a redis:// URL, "cache:<alias>" or a ledger
}

CHOICES = {
    "DRF_HMAC_HOST": ("remote_addr", "host"),
    "DRF_HMAC_BODY": ("json", "raw"),
    "CAVAGE_QUERY_RULE": ("draft", "flask-cavage"),
}
SCHEMES = ("cavage", "drf-hmac", "fost", "rfc9421")


# The HTTPSEAL dict itself, once looked up: reading it through Django's lazy
# settings object costs more than the rest of a setting() call.
_configured: list[dict[str, Any]] = []


def setting(name: str) -> Any:
    """The current value of ``HTTPSEAL[name]``, or its default."""
    if not _configured:
        _configured.append(getattr(settings, "HTTPSEAL", {}))
    return _configured[0].get(name, DEFAULTS[name])


def shows_signing_input() -> bool:
    """Whether a refusal's log record shows the string the server signed:
    ``HTTPSEAL["LOG_SIGNING_INPUT"]``, by default ``DEBUG``."""
    value = setting("LOG_SIGNING_INPUT")
    return bool(settings.DEBUG) if value is None else bool(value)


def forget(**_signal: Any) -> None:
    """Looks ``HTTPSEAL`` up again on next use (connected to ``setting_changed``)."""
    _configured.clear()
    _named_stores.clear()


# The stores REPLAY_STORE strings name, made on first use, one per process.
_named_stores: dict[str, Any] = {}


def replay_store() -> Any:
    """The store ``HTTPSEAL["REPLAY_STORE"]`` names, or ``None``."""
    value = setting("REPLAY_STORE")
    if not isinstance(value, str):
        return value
    found = _named_stores.get(value)
    if found is None:
        if value.startswith("cache:"):
            from httpseal.django.replay import CacheReplayStore

            found = CacheReplayStore(value.removeprefix("cache:"))
        else:
            from httpseal.replay import store_from

            found = store_from(value)
        _named_stores[value] = found
    return found


def _replay_problems() -> list[str]:
    from httpseal.replay import REDIS_URL_SCHEMES

    value = setting("REPLAY_STORE")
    if value is None:
        if setting("FOST_URL_SINGLE_USE") is True:
            return ["HTTPSEAL['FOST_URL_SINGLE_USE'] needs HTTPSEAL['REPLAY_STORE']"]
        return []
    if isinstance(value, str) and value.startswith("cache:"):
        from httpseal.django.replay import cache_problems

        errors, _warnings = cache_problems(value.removeprefix("cache:"))
        if errors:
            return errors
    elif isinstance(value, str) and not (value == "memory" or value.startswith(REDIS_URL_SCHEMES)):
        return [
            "HTTPSEAL['REPLAY_STORE'] must be 'memory', a redis:// URL, 'cache:<alias>'"
            f" or a store object, not {value[:64]!r}"
        ]
    if not isinstance(value, str) and not callable(getattr(value, "check_and_record", None)):
        return ["HTTPSEAL['REPLAY_STORE'] must have a check_and_record(key, ttl_seconds) method"]
    windows = {
        "HTTPSEAL['MAX_SKEW']": setting("MAX_SKEW"),
        "HTTPSEAL['DRF_HMAC_MAX_SKEW']": setting("DRF_HMAC_MAX_SKEW"),
        "FOST_AUTHN_MAXIMUM_CLOCK_SKEW": getattr(settings, "FOST_AUTHN_MAXIMUM_CLOCK_SKEW", 300),
    }
    return [
        f"HTTPSEAL['REPLAY_STORE'] needs {name}: without a freshness window a captured request"
        " stays valid for ever, and no store can remember it for ever"
        for name, window in windows.items()
        if window is None
    ]


def problems() -> list[str]:
    """What is wrong with the current ``HTTPSEAL`` dict (for the system checks)."""
    configured = getattr(settings, "HTTPSEAL", {})
    if not isinstance(configured, dict):
        return ["HTTPSEAL must be a dict"]
    found = [f"HTTPSEAL has an unknown key {name!r}" for name in configured if name not in DEFAULTS]
    for name, allowed in CHOICES.items():
        if setting(name) not in allowed:
            found.append(f"HTTPSEAL[{name!r}] must be one of {', '.join(allowed)}")
    for name in (
        "DRF_HMAC_MAX_SKEW",
        "FOST_URL_MAX_LIFETIME",
        "MAX_SKEW",
        "KEY_CACHE_SECONDS",
        "LAST_USED_INTERVAL",
    ):
        value = setting(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0
        ):
            found.append(f"HTTPSEAL[{name!r}] must be a non-negative number of seconds or None")
    for name in (
        "CAVAGE_LEGACY_DIGESTS",
        "FOST_URL_REQUIRE_EXPIRY",
        "FOST_URL_SINGLE_USE",
        "AUTO_CREATE_KEYS",
        "RFC9421_CONTENT_DIGEST",
        "RFC9421_REQUIRE_CREATED",
        "RFC9421_REQUIRE_NONCE",
        "RFC9421_SIGN_RESPONSES",
        "RFC9421_ISSUE_NONCES",
    ):
        if not isinstance(setting(name), bool):
            found.append(f"HTTPSEAL[{name!r}] must be True or False")
    schemes = setting("SCHEMES")
    if isinstance(schemes, str) or not isinstance(schemes, (list, tuple)):
        found.append("HTTPSEAL['SCHEMES'] must be a list of scheme names")
    else:
        found += [
            f"HTTPSEAL['SCHEMES'] names an unknown scheme {s!r}; known: {', '.join(SCHEMES)}"
            for s in schemes
            if s not in SCHEMES
        ]
    for name in ("KEY_LOADER", "USER_LOADER"):
        path = setting(name)
        if path is not None:
            try:
                import_string(path)
            except ImportError as exc:
                found.append(f"HTTPSEAL[{name!r}] cannot be imported: {exc}")
    if setting("USER_LOADER") is not None and setting("KEY_LOADER") is None:
        found.append("HTTPSEAL['USER_LOADER'] needs HTTPSEAL['KEY_LOADER'] (HMACKey has users)")
    if setting("LOG_SIGNING_INPUT") not in (None, True, False):
        found.append("HTTPSEAL['LOG_SIGNING_INPUT'] must be True, False or None (follow DEBUG)")
    if not isinstance(setting("ACT_AS_KEYS"), (list, tuple, set, frozenset)):
        found.append("HTTPSEAL['ACT_AS_KEYS'] must be a list of key ids")
    return (
        found + _encryption_problems() + _replay_problems() + _webhook_problems()
        or _core_problems()
    )


# Master keys shorter than this are too easy to guess for keys that guard
# every stored secret (Django asks 50 characters of SECRET_KEY).
MIN_MASTER_KEY = 32


def _encryption_problems() -> list[str]:
    keys = setting("KEY_ENCRYPTION_KEYS")
    if keys is None:
        return []
    if isinstance(keys, (str, bytes)) or not isinstance(keys, (list, tuple)) or not keys:
        return ["HTTPSEAL['KEY_ENCRYPTION_KEYS'] must be a non-empty list, current key first"]
    return [
        f"HTTPSEAL['KEY_ENCRYPTION_KEYS'][{i}] must be str or bytes of at least "
        f"{MIN_MASTER_KEY} characters"
        for i, key in enumerate(keys)
        if not isinstance(key, (str, bytes)) or len(key) < MIN_MASTER_KEY
    ]


def _webhook_problems() -> list[str]:
    """``WEBHOOK_SECRETS`` as the endpoints will judge it at the first
    delivery, and a ledger of handled deliveries that would forget them."""
    from httpseal._native import WebhookEndpoint

    ledger = setting("WEBHOOK_DELIVERIES")
    if isinstance(ledger, str) and ledger.startswith("cache:"):
        from httpseal.django.replay import cache_problems

        errors, _warnings = cache_problems(ledger.removeprefix("cache:"))
        if errors:
            return [
                e.replace("HTTPSEAL['REPLAY_STORE']", "HTTPSEAL['WEBHOOK_DELIVERIES']")
                for e in errors
            ]
    configured = setting("WEBHOOK_SECRETS")
    if not isinstance(configured, dict):
        return ["HTTPSEAL['WEBHOOK_SECRETS'] must be a dict of format -> secret or secrets"]
    found = []
    for format, secrets in configured.items():
        try:
            WebhookEndpoint(format, secrets)
        except (TypeError, ValueError) as exc:
            found.append(f"HTTPSEAL['WEBHOOK_SECRETS'][{format!r}]: {exc}")
    return found


def _core_problems() -> list[str]:
    """The options the core judges (Cavage header lists and algorithms, RFC
    9421 components, tag and label), as it judges them."""
    from httpseal._native import Verifier

    try:
        Verifier(
            schemes=["cavage", "rfc9421"],
            key_loader=lambda key_id: None,
            cavage_required_headers=setting("CAVAGE_REQUIRED_HEADERS"),
            cavage_algorithms=setting("CAVAGE_ALGORITHMS"),
            rfc9421_required=setting("RFC9421_REQUIRED"),
            rfc9421_tag=setting("RFC9421_TAG"),
            rfc9421_label=setting("RFC9421_LABEL"),
        )
    except (TypeError, ValueError) as exc:
        return [f"HTTPSEAL's Cavage or RFC 9421 options: {exc}"]
    return []

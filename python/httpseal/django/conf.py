"""httpseal's Django settings: one ``HTTPSEAL = {...}`` dict, read on every
use (not copied at import), so ``override_settings`` works."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # django-rest-framework-hmac scheme
    "DRF_HMAC_HOST": "remote_addr",  # or "host": what the client signs as hostname
    "DRF_HMAC_BODY": "json",  # or "raw": sign the body bytes instead of re-serialized data
    "DRF_HMAC_MAX_SKEW": 300,  # seconds either way; None switches the check off
    "AUTO_CREATE_KEYS": False,  # create an HMACKey for every new user
    # FOST URL signing
    "FOST_URL_REQUIRE_EXPIRY": True,  # refuse signed URLs without _e
    "FOST_URL_MAX_LIFETIME": None,  # seconds; refuse URLs expiring later than this from now
}

CHOICES = {"DRF_HMAC_HOST": ("remote_addr", "host"), "DRF_HMAC_BODY": ("json", "raw")}


def setting(name: str) -> Any:
    """The current value of ``HTTPSEAL[name]``, or its default."""
    return getattr(settings, "HTTPSEAL", {}).get(name, DEFAULTS[name])


def problems() -> list[str]:
    """What is wrong with the current ``HTTPSEAL`` dict (for the system checks)."""
    configured = getattr(settings, "HTTPSEAL", {})
    if not isinstance(configured, dict):
        return ["HTTPSEAL must be a dict"]
    found = [f"HTTPSEAL has an unknown key {name!r}" for name in configured if name not in DEFAULTS]
    for name, allowed in CHOICES.items():
        if setting(name) not in allowed:
            found.append(f"HTTPSEAL[{name!r}] must be one of {', '.join(allowed)}")
    for name in ("DRF_HMAC_MAX_SKEW", "FOST_URL_MAX_LIFETIME"):
        value = setting(name)
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            found.append(f"HTTPSEAL[{name!r}] must be a non-negative number of seconds or None")
    return found

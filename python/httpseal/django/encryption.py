"""The encryption of stored secrets for this project: ``KeyEncryption`` over
``HTTPSEAL["KEY_ENCRYPTION_KEYS"]`` when set, otherwise over ``SECRET_KEY``
followed by ``SECRET_KEY_FALLBACKS``. The first key encrypts; every one
decrypts, so rotating ``SECRET_KEY`` the way Django documents (the old value
moved to the fallbacks) keeps every stored secret readable until
``manage.py httpseal_key reencrypt`` has moved them to the new key."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from httpseal._native import KeyEncryption
from httpseal.django.conf import setting

_built: dict[tuple[Any, ...], KeyEncryption] = {}


def master_keys() -> list[str | bytes]:
    """The master keys, current first."""
    configured = setting("KEY_ENCRYPTION_KEYS")
    if configured is not None:
        return list(configured)
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]


def key_encryption() -> KeyEncryption:
    """The ``KeyEncryption`` for the current settings, derived once per set
    of master keys (``override_settings`` gets its own)."""
    masters = tuple(master_keys())
    found = _built.get(masters)
    if found is None:
        if len(_built) >= 8:
            _built.clear()
        found = _built[masters] = KeyEncryption(masters)
    return found

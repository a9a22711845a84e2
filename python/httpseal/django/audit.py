"""The key lifecycle and refusals as events: a Django signal each, and a
record on the ``httpseal.audit`` logger whose ``event`` attribute (and the
message's first word) is the event's stable name. Never the secret.

=====================  ==========================================================
event (signal)         arguments beside ``sender``
=====================  ==========================================================
``key_created``        ``key`` (the ``HMACKey``), ``key_id``, ``user``
``key_rotated``        ``key`` (the new one), ``previous``, ``key_id``, ``user``
``key_revoked``        ``key``, ``key_id``, ``user``
``key_restored``       ``key``, ``key_id``, ``user``
``retired_key_used``   ``key_id``, ``code`` (``expired_key``/``revoked_key``),
                       ``scheme``, ``client``, ``request``
``signature_refused``  ``key_id`` (or ``None``), ``code``, ``scheme``, ``client``,
                       ``request``
=====================  ==========================================================

``client`` is the request's ``REMOTE_ADDR``. A refusal with a retired key
(asked only once its signature verified) sends ``retired_key_used`` and then
``signature_refused``. Receivers run in the request's thread; on an async
stack, in a worker thread (where they may use the ORM) without holding up the
answer. One that raises is logged and does not change the answer."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger("httpseal.audit")

key_created = Signal()
key_rotated = Signal()
key_revoked = Signal()
key_restored = Signal()
retired_key_used = Signal()
signature_refused = Signal()

NAMES = {
    key_created: "key_created",
    key_rotated: "key_rotated",
    key_revoked: "key_revoked",
    key_restored: "key_restored",
    retired_key_used: "retired_key_used",
    signature_refused: "signature_refused",
}
RETIRED = ("expired_key", "revoked_key")


def _send(signal: Signal, sender: Any, **details: Any) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a sync stack: the request's own thread
        _send_now(signal, sender, details)
    else:  # never block the event loop, and let receivers use the ORM
        loop.run_in_executor(None, partial(_send_off_loop, signal, sender, details))


def _send_off_loop(signal: Signal, sender: Any, details: dict[str, Any]) -> None:
    """``_send_now`` in a worker thread, which no request ends: the database
    connections its receivers opened are closed here, as a request's are."""
    from django.db import close_old_connections

    try:
        _send_now(signal, sender, details)
    finally:
        close_old_connections()


def _send_now(signal: Signal, sender: Any, details: dict[str, Any]) -> None:
    for receiver, result in signal.send_robust(sender, **details):
        if isinstance(result, Exception):
            logger.error("%s receiver %r failed", NAMES[signal], receiver, exc_info=result)


def key_event(signal: Signal, key: Any, previous: Any = None) -> None:
    """Logs and sends a lifecycle event of ``key`` (an ``HMACKey``)."""
    name = NAMES[signal]
    facts: dict[str, Any] = {"event": name, "key_id": key.key, "user_id": key.user_id}
    extra = {"previous": previous} if previous is not None else {}
    if previous is not None:
        facts["previous_key_id"] = previous.key
    logger.info(
        "%s key=%s user=%s%s",
        name,
        key.key,
        key.user_id,
        f" previous={previous.key}" if previous is not None else "",
        extra=facts,
    )
    _send(signal, type(key), key=key, key_id=key.key, user=key.user, **extra)


def refused(request: Any, scheme: str, key_id: str | None, code: str) -> None:
    """Logs and sends a refused signature (and a retired key's use)."""
    client = str(request.META.get("REMOTE_ADDR", ""))[:64]
    key_id = None if key_id is None else key_id[:64]
    details = {"key_id": key_id, "code": code, "scheme": scheme, "client": client}
    if code in RETIRED:
        _refusal_event(retired_key_used, logging.WARNING, request, details)
    _refusal_event(signature_refused, logging.INFO, request, details)


def _refusal_event(signal: Signal, level: int, request: Any, details: dict[str, Any]) -> None:
    name = NAMES[signal]
    logger.log(
        level,
        "%s key=%r code=%s scheme=%s client=%s",
        name,
        details["key_id"],
        details["code"],
        details["scheme"],
        details["client"],
        extra={"event": name, **details},
    )
    _send(signal, None, request=request, **details)

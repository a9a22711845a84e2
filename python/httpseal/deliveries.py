"""Webhook deliveries handled once: senders retry a delivery until they see
a success, so a delivery already handled is answered 200 without running the
handler again, two copies arriving at once do not both run it, and one whose
handler failed can be retried.

A ledger records a delivery by its ``Verified.delivery_key`` (a digest of
its signed id, or of its MAC): ``begin`` marks it in progress for a short
while, ``finish`` records it as handled, ``abandon`` forgets it. Each step is
one atomic operation; what a ledger raises becomes
``httpseal.ReplayStoreUnavailable`` (503).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from httpseal._native import ReplayStoreUnavailable, Verified
from httpseal.replay import REDIS_URL_SCHEMES, redis_client

__all__ = [
    "BUSY_SECONDS",
    "REMEMBER_SECONDS",
    "Deliveries",
    "MemoryDeliveries",
    "RedisDeliveries",
    "deliveries_from",
    "handle_once",
]

State = Literal["new", "busy", "done"]
# How long a delivery stays in progress before a copy may run it again
# (a handler that died without a word).
BUSY_SECONDS = 60
# How long a handled delivery is remembered: senders retry for days.
REMEMBER_SECONDS = 7 * 24 * 3600

Response = TypeVar("Response")


@runtime_checkable
class Deliveries(Protocol):
    """Where handled deliveries are recorded."""

    def begin(self, key: bytes, busy_seconds: int) -> State: ...
    def finish(self, key: bytes, keep_seconds: int) -> None: ...
    def abandon(self, key: bytes) -> None: ...


class MemoryDeliveries:
    """Deliveries of one process, at most ``max_entries`` live ones (a full
    ledger refuses new deliveries, 503, rather than forget handled ones)."""

    def __init__(self, max_entries: int = 100_000) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int):
            raise TypeError("max_entries must be an int")
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[State, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: bytes, now: float) -> State | None:
        found = self._entries.get(key)
        if found is None or found[1] <= now:
            self._entries.pop(key, None)
            return None
        return found[0]

    def begin(self, key: bytes, busy_seconds: int) -> State:
        now = time.monotonic()
        with self._lock:
            state = self._live(key, now)
            if state is not None:
                return state
            if len(self._entries) >= self.max_entries:
                for stale in [k for k, (_, until) in self._entries.items() if until <= now]:
                    del self._entries[stale]
                if len(self._entries) >= self.max_entries:
                    raise ReplayStoreUnavailable("the delivery ledger is full")
            self._entries[key] = ("busy", now + busy_seconds)
            return "new"

    def finish(self, key: bytes, keep_seconds: int) -> None:
        with self._lock:
            self._entries[key] = ("done", time.monotonic() + keep_seconds)

    def abandon(self, key: bytes) -> None:
        with self._lock:
            if self._entries.get(key, ("done", 0))[0] == "busy":
                del self._entries[key]


class RedisDeliveries:
    """Deliveries in Redis, shared by every worker and host: ``SET NX EX``
    marks one in progress, ``SET EX`` records it handled, ``DEL`` forgets it."""

    PREFIX = b"httpseal:delivery:"

    def __init__(self, client: Any) -> None:
        import redis

        self.client = redis_client(client, "RedisDeliveries")
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)

    def _call(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except self._errors as exc:
            raise ReplayStoreUnavailable(f"the delivery ledger failed: {exc}") from None

    def begin(self, key: bytes, busy_seconds: int) -> State:
        name = self.PREFIX + key.hex().encode()
        if self._call(lambda: self.client.set(name, b"busy", nx=True, ex=busy_seconds)):
            return "new"
        found = self._call(lambda: self.client.get(name))
        return "done" if found == b"done" else "busy"

    def finish(self, key: bytes, keep_seconds: int) -> None:
        name = self.PREFIX + key.hex().encode()
        self._call(lambda: self.client.set(name, b"done", ex=keep_seconds))

    def abandon(self, key: bytes) -> None:
        name = self.PREFIX + key.hex().encode()
        self._call(lambda: self.client.delete(name))


_named: dict[str, Deliveries] = {}


def deliveries_from(value: Any) -> Deliveries | None:
    """``None``, ``"memory"`` (one ledger per process), a ``redis://`` URL or
    a ledger object."""
    if value is None:
        return None
    if isinstance(value, str):
        if value != "memory" and not value.startswith(REDIS_URL_SCHEMES):
            raise ValueError(f"deliveries must be 'memory' or a redis:// URL, not {value[:64]!r}")
        found = _named.get(value)
        if found is None:
            found = _named[value] = (
                MemoryDeliveries() if value == "memory" else RedisDeliveries(value)
            )
        return found
    if not isinstance(value, Deliveries):
        raise TypeError("deliveries must have begin, finish and abandon methods")
    return value


def handle_once(
    ledger: Deliveries | None,
    verified: Verified,
    call: Callable[[], Response],
    succeeded: Callable[[Response], bool],
    handled: Callable[[], Response],
    busy: Callable[[], Response],
    remember: int = REMEMBER_SECONDS,
) -> Response:
    """Runs the handler ``call`` for a verified delivery once: ``handled()``
    when the ledger has it done, ``busy()`` while a copy runs; a failed or
    raising handler leaves it to be retried."""
    key = verified.delivery_key
    if ledger is None or key is None:
        return call()
    state = ledger.begin(key, BUSY_SECONDS)
    if state == "done":
        return handled()
    if state == "busy":
        return busy()
    try:
        response = call()
    except BaseException:
        ledger.abandon(key)
        raise
    if succeeded(response):
        ledger.finish(key, remember)
    else:
        ledger.abandon(key)
    return response

"""A replay store on the Django cache framework: ``HTTPSEAL["REPLAY_STORE"] =
"cache:<alias>"``. Only a cache that is shared by every process and never
drops a live entry can hold replay entries; ``cache_problems`` says which
cannot (the system checks report it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from httpseal.deliveries import State

# Backends that cull live entries (LocMem, FileBased, Database: MAX_ENTRIES),
# are private to one process (LocMem) or keep nothing (Dummy).
REFUSED = {
    "django.core.cache.backends.locmem.LocMemCache": "culls live entries once MAX_ENTRIES is"
    " reached and is private to one process",
    "django.core.cache.backends.filebased.FileBasedCache": "culls live entries once MAX_ENTRIES"
    " is reached",
    "django.core.cache.backends.db.DatabaseCache": "culls live entries once MAX_ENTRIES is reached",
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing",
}
# Backends that evict live entries under memory pressure.
EVICTING = (
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)


class CacheReplayStore:
    """Replay entries in a Django cache: one ``cache.add(key, 1, ttl)`` per
    accepted request (atomic in Redis and Memcached). What the cache raises
    is a store outage (503)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __repr__(self) -> str:
        return f"CacheReplayStore({self.alias!r})"

    def check_and_record(self, key: str, ttl_seconds: int) -> bool:
        from django.core.cache import caches

        return bool(caches[self.alias].add(key, b"1", timeout=ttl_seconds))


def cache_problems(alias: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for using cache ``alias`` as the replay store."""
    from django.conf import settings

    config = getattr(settings, "CACHES", {}).get(alias)
    if config is None:
        return [f"HTTPSEAL['REPLAY_STORE'] names the cache {alias!r}, which CACHES lacks"], []
    backend = str(config.get("BACKEND", ""))
    if backend in REFUSED:
        name = backend.rsplit(".", 1)[-1]
        return [
            f"HTTPSEAL['REPLAY_STORE'] cannot use the cache {alias!r}: {name} {REFUSED[backend]},"
            " so replays of forgotten requests would be accepted; use Redis"
            " (django.core.cache.backends.redis.RedisCache or a redis:// URL)"
        ], []
    if backend in EVICTING:
        return [], [
            f"the replay store's cache {alias!r} is Memcached, which evicts live entries under"
            " memory pressure; their replays are then accepted"
        ]
    return [], []


class CacheDeliveries:
    """Handled webhook deliveries in a Django cache
    (``HTTPSEAL["WEBHOOK_DELIVERIES"] = "cache:<alias>"``): ``cache.add``
    marks one in progress, ``cache.set`` records it handled, ``cache.delete``
    forgets it. What the cache raises is a ledger outage (503)."""

    PREFIX = "httpseal:delivery:"

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __repr__(self) -> str:
        return f"CacheDeliveries({self.alias!r})"

    def _call(self, operation: Callable[[Any], Any]) -> Any:
        from django.core.cache import caches

        from httpseal._native import ReplayStoreUnavailable

        try:
            return operation(caches[self.alias])
        except Exception as exc:  # a cache backend's own errors are many
            raise ReplayStoreUnavailable(f"the delivery ledger failed: {exc}") from None

    def begin(self, key: bytes, busy_seconds: int) -> State:
        name = self.PREFIX + key.hex()
        if self._call(lambda cache: cache.add(name, "busy", timeout=busy_seconds)):
            return "new"
        return "done" if self._call(lambda cache: cache.get(name)) == "done" else "busy"

    def finish(self, key: bytes, keep_seconds: int) -> None:
        name = self.PREFIX + key.hex()
        self._call(lambda cache: cache.set(name, "done", timeout=keep_seconds))

    def abandon(self, key: bytes) -> None:
        name = self.PREFIX + key.hex()
        self._call(lambda cache: cache.delete(name))

"""A replay store on the Django cache framework: ``HTTPSEAL["REPLAY_STORE"] =
"cache:<alias>"``. Only a cache that is shared by every process and never
drops a live entry can hold replay entries; ``cache_problems`` says which
cannot (the system checks report it)."""

from __future__ import annotations

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

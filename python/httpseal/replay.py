"""Replay protection: what a replay store is, and the shared one.

``httpseal.MemoryReplayStore`` is the native, bounded store of one process.
Any object with ``check_and_record`` below can be passed as a verifier's
``replay_store`` instead; ``RedisReplayStore`` is the one for several
workers and hosts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "REDIS_URL_SCHEMES",
    "AsyncRedisReplayStore",
    "RedisReplayStore",
    "ReplayStore",
    "store_from",
]

# URLs that name a Redis server (redis-py's from_url).
REDIS_URL_SCHEMES = ("redis://", "rediss://", "unix://")

logger = logging.getLogger("httpseal.replay")


@runtime_checkable
class ReplayStore(Protocol):
    """Records ``key`` for ``ttl_seconds`` in one atomic step (Redis
    ``SET key 1 NX EX ttl``, a cache's ``add``): ``True`` when recorded now,
    ``False`` when it was already there. What it raises becomes
    ``httpseal.ReplayStoreUnavailable`` (servers answer 503). Keys are
    ``"httpseal:replay:"`` and 64 hex digits, a digest of the scheme and the
    MAC: a store never sees a key id or a signature."""

    def check_and_record(self, key: str, ttl_seconds: int) -> bool: ...


def redis_client(client: Any, user: str, *, asynchronous: bool = False) -> Any:
    """``client`` as a ``redis.Redis`` (``redis.asyncio.Redis`` when
    ``asynchronous``): one, or a URL (connected on first use)."""
    try:
        import redis
        import redis.asyncio
    except ImportError:
        raise ImportError(
            f"{user} needs the redis package: pip install 'httpseal[redis]'"
        ) from None
    kind = redis.asyncio.Redis if asynchronous else redis.Redis
    if isinstance(client, str):
        client = kind.from_url(client)
    if not callable(getattr(client, "set", None)):
        raise TypeError(
            f"client must be a {kind.__module__}.Redis or a URL, not {type(client).__name__}"
        )
    return client


class AsyncRedisReplayStore:
    """The replay store for async servers: one ``SET key 1 NX EX ttl`` per
    accepted request on a ``redis.asyncio.Redis`` (or a ``redis://`` URL),
    shared by every worker and host — never blocking the event loop."""

    def __init__(self, client: Any) -> None:
        self.client = redis_client(client, "AsyncRedisReplayStore", asynchronous=True)

    async def check_and_record(self, key: str, ttl_seconds: int) -> bool:
        return bool(await self.client.set(key, b"1", nx=True, ex=ttl_seconds))

    async def aclose(self) -> None:
        """Closes its connections (the ASGI middleware does at server shutdown)."""
        await self.client.aclose()


class RedisReplayStore:
    """Replay entries in Redis, shared by every worker and host that uses it:
    one ``SET key 1 NX EX ttl`` per accepted request.

    ``client`` is a ``redis.Redis`` or a ``redis://``/``rediss://`` URL
    (connected on first use, so an unreachable Redis at start-up is not an
    error). A connection error at request time fails closed (the adapters
    answer 503) unless ``fail_open=True``, which accepts the request and logs
    a warning — a replay then passes while Redis is down.
    """

    def __init__(self, client: Any, *, fail_open: bool = False) -> None:
        client = redis_client(client, "RedisReplayStore")
        if not isinstance(fail_open, bool):
            raise TypeError("fail_open must be True or False")
        self.client = client
        self.fail_open = fail_open
        self._eviction_checked = threading.Event()

    def __repr__(self) -> str:
        pool = getattr(self.client, "connection_pool", None)
        where = pool.connection_kwargs.get("host", "?") if pool is not None else "?"
        return f"RedisReplayStore(host={where!r}, fail_open={self.fail_open})"

    def check_and_record(self, key: str, ttl_seconds: int) -> bool:
        import redis

        try:
            recorded = self.client.set(key, b"1", nx=True, ex=ttl_seconds)
        except redis.RedisError as exc:
            if not self.fail_open:
                raise
            logger.warning("replay store unreachable, request accepted (fail_open): %s", exc)
            return True
        if not self._eviction_checked.is_set():
            self._eviction_checked.set()
            warning = self.eviction_warning()
            if warning:
                logger.warning("%s", warning)
        return bool(recorded)

    def eviction_warning(self) -> str | None:
        """A warning when the server may evict entries that are still live
        (``maxmemory-policy allkeys-*``), which lets their replays through;
        ``None`` when it may not or cannot be asked (``CONFIG`` disabled)."""
        return eviction_warning(self.client)


def eviction_warning(client: Any) -> str | None:
    """A warning when the Redis server behind ``client`` may evict entries
    that are still live (``maxmemory-policy allkeys-*``); ``None`` when it
    may not, or cannot be asked (unreachable, ``CONFIG`` disabled)."""
    import redis

    try:
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", "")
    except redis.RedisError:
        return None
    if isinstance(policy, bytes):
        policy = policy.decode("ascii", "replace")
    if policy.startswith("allkeys-"):
        return (
            f"Redis maxmemory-policy is {policy}: under memory pressure it evicts replay"
            " entries that are still live, and their replays are then accepted;"
            " use noeviction or a volatile-* policy"
        )
    return None


def store_from(value: Any, *, memory: Any = None) -> Any:
    """A replay store from a setting: ``None``, ``"memory"`` (``memory()``
    makes it), a ``redis://``/``rediss://`` URL, or a store object. Raises
    ``ValueError`` for any other string."""
    if value is None or not isinstance(value, str):
        return value
    if value == "memory":
        from httpseal._native import MemoryReplayStore

        return (memory or MemoryReplayStore)()
    if value.startswith(REDIS_URL_SCHEMES):
        return RedisReplayStore(value)
    raise ValueError("a replay store setting must be 'memory', a redis:// URL or a store object")

"""Replay protection: what a replay store is, for stores written in Python.

``httpseal.MemoryReplayStore`` is the native, bounded store of one process.
Any object with ``check_and_record`` below can be passed as a verifier's
``replay_store`` instead (a shared store for several workers or hosts).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["ReplayStore"]


@runtime_checkable
class ReplayStore(Protocol):
    """Records ``key`` for ``ttl_seconds`` in one atomic step (Redis
    ``SET key 1 NX EX ttl``, a cache's ``add``): ``True`` when recorded now,
    ``False`` when it was already there. What it raises becomes
    ``httpseal.ReplayStoreUnavailable`` (servers answer 503). Keys are
    ``"httpseal:replay:"`` and 64 hex digits, a digest of the scheme, the key
    id and the MAC: a store never sees a key id or a signature."""

    def check_and_record(self, key: str, ttl_seconds: int) -> bool: ...

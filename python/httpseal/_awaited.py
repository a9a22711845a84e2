"""The steps an async adapter awaits around the native calls (find the key
id, await the loader, verify, then record): the key loader's coroutine and
a replay store consulted after verification. Shared by the ASGI adapters and
async Django."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from httpseal._native import ReplayedRequest, ReplayStoreUnavailable, Verified


def is_async(function: Any) -> bool:
    """Whether calling ``function`` gives a coroutine (an ``async def``, or
    an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 - an object whose __call__ is async
    )


def means_unknown_key(exc: BaseException) -> bool:
    """The key loader rule: ``LookupError`` (and Django's ``ObjectDoesNotExist``) mean unknown."""
    if isinstance(exc, LookupError):
        return True
    django = sys.modules.get("django.core.exceptions")
    return django is not None and isinstance(exc, django.ObjectDoesNotExist)


async def load_secrets(loaded: Awaitable[Any]) -> Any:
    """What a key loader's awaitable gives, as ``verify(secrets=...)`` takes
    it: ``[]`` for an unknown key (``None``, or a lookup error)."""
    try:
        secrets = await loaded
    except Exception as exc:
        if means_unknown_key(exc):
            return []
        raise
    return [] if secrets is None else secrets


def in_thread(function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """``function`` run in a worker thread, off the event loop."""

    async def call(*args: Any) -> Any:
        return await asyncio.to_thread(function, *args)

    return call


def store_call(
    store: Any, hop: Callable[[Callable[..., Any]], Callable[..., Awaitable[Any]]] = in_thread
) -> Callable[[str, int], Awaitable[Any]]:
    """An awaitable ``check_and_record`` of ``store``: its own when async, a
    sync one off the event loop (``hop``: a worker thread by default)."""
    check = store.check_and_record
    return check if is_async(check) else hop(check)


async def record(check: Callable[[str, int], Awaitable[Any]], verified: Verified) -> None:
    """Records ``verified.replay_entry`` with ``check`` (``store_call``):
    ``ReplayedRequest`` when it was already there, ``ReplayStoreUnavailable``
    when the store failed."""
    if verified.replay_entry is None:
        return
    key, ttl = verified.replay_entry
    try:
        recorded = await check(key, ttl)
    except Exception as exc:
        raise ReplayStoreUnavailable(f"the replay store failed: {type(exc).__name__}") from exc
    if not isinstance(recorded, bool):
        raise TypeError("the replay store's check_and_record must return a bool")
    if not recorded:
        refused = ReplayedRequest("request refused by the replay check")
        refused.scheme = verified.scheme
        refused.key_id = verified.key_id
        raise refused

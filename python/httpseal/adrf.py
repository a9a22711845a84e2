"""Async authentication classes for async DRF views (``adrf``).

Each is its ``httpseal.drf`` class with an ``async def authenticate``, as
``adrf``'s ``APIView`` awaits them, and answers exactly as that class does.
A request is verified on the event loop in two native calls around the
awaited key; only the database on a key-cache miss, a sync ``KEY_LOADER``,
``USER_LOADER`` or ``get_hmac_key`` override, acting as another user and a
``"cache:<alias>"`` replay store leave it for a thread (a ``redis://`` store
is awaited on ``redis.asyncio``). FOST reads its secrets through
``FOST_AUTHN_GET_SECRET`` (by default the user's password field) and sleeps
after a missigned request, so ``AsyncFostAuthentication`` runs in a thread.

::

    from adrf.views import APIView
    from httpseal.adrf import AsyncSignatureAuthentication

    class Notes(APIView):
        authentication_classes = [AsyncSignatureAuthentication]

        async def get(self, request):
            ...
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async

from httpseal._awaited import is_async, record
from httpseal.django import engine
from httpseal.drf import (
    CavageAuthentication,
    FostAuthentication,
    HMACAuthentication,
    MessageSignatureAuthentication,
    SignatureAuthentication,
    _HmacAttempt,
    _judged_by_middleware,
    _judged_for,
    _legacy_result,
    _result,
)

__all__ = [
    "AsyncCavageAuthentication",
    "AsyncFostAuthentication",
    "AsyncHMACAuthentication",
    "AsyncMessageSignatureAuthentication",
    "AsyncSignatureAuthentication",
]


class AsyncSignatureAuthentication(SignatureAuthentication):
    """``SignatureAuthentication`` for async views: every scheme in
    ``HTTPSEAL["SCHEMES"]`` (or ``schemes``); returns ``(user, verified)``."""

    async def authenticate(self, request) -> tuple[Any, Any] | None:  # type: ignore[override]
        schemes = self._schemes_or_none()
        if schemes is None:
            return None
        outcome = _judged_for(request, schemes) or await engine.aauthenticate(
            request._request, schemes, drf_data=self._drf_data(request)
        )
        return _result(request, outcome)


class AsyncCavageAuthentication(AsyncSignatureAuthentication, CavageAuthentication):
    """``CavageAuthentication`` for async views."""


class AsyncMessageSignatureAuthentication(
    AsyncSignatureAuthentication, MessageSignatureAuthentication
):
    """``MessageSignatureAuthentication`` (RFC 9421) for async views."""


class AsyncHMACAuthentication(HMACAuthentication):
    """``HMACAuthentication`` (django-rest-framework-hmac's wire format) for
    async views; returns ``(user, hmac_key)``. ``get_hmac_key`` may be
    overridden by a sync or an ``async def`` method."""

    async def authenticate(self, request) -> tuple[Any, Any] | None:  # type: ignore[override]
        judged = _judged_by_middleware(request, "drf-hmac")
        if judged is not None:
            return _legacy_result(judged)
        attempt = _HmacAttempt(self, request)
        with attempt.refusals():
            found = attempt.credentials()
            if found is None:
                return None
            hmac_key = await self._hmac_key(found[1])
            secrets = [] if hmac_key is None else engine.secret_of(hmac_key)
            awaited = engine.awaited_store()
            verified = attempt.verify(secrets=secrets, record=awaited is None)
            if verified is not None and awaited is not None:
                await record(awaited, verified)
        if verified is None:
            return None
        result = attempt.accepted(verified, hmac_key)
        await engine.anote_use(hmac_key)
        return result

    async def _hmac_key(self, key_id: str) -> Any:
        lookup = self.get_hmac_key
        if is_async(lookup):
            return await lookup(key_id)
        if type(self).get_hmac_key is HMACAuthentication.get_hmac_key:
            cached = engine.keys.cached(key_id)
            if cached is not engine.MISS:
                return cached
        return await sync_to_async(lookup)(key_id)


class AsyncFostAuthentication(FostAuthentication):
    """``FostAuthentication`` for async views, run in a thread (its secret
    loader reads the database, and a missigned request sleeps)."""

    async def authenticate(self, request) -> tuple[Any, Any] | None:  # type: ignore[override]
        return await sync_to_async(super().authenticate)(request)

"""``webhook``: a Django view decorator that verifies one webhook format
(Standard Webhooks, Stripe, GitHub, Slack) before the view runs.

It is ``csrf_exempt`` (a sender has no CSRF token: the signature is the
check), works on sync and async views, reads ``request.body`` once, and
answers **400** to a delivery that does not verify or whose body cannot be
read, with the reason logged on ``httpseal.webhooks``. The ``Verified``
result is ``request.httpseal``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any, TypeVar, cast

from asgiref.sync import sync_to_async
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from httpseal._native import ReplayStoreUnavailable, SignatureError, Verified, WebhookEndpoint
from httpseal.deliveries import (
    BUSY_SECONDS,
    REMEMBER_SECONDS,
    Deliveries,
    deliveries_from,
    handle_once,
)
from httpseal.django import _signed
from httpseal.django.conf import setting
from httpseal.django.engine import too_large_response, unavailable_response
from httpseal.errors import ImproperlyConfigured
from httpseal.webhooks import Endpoints, Format, Secrets

logger = logging.getLogger("httpseal.webhooks")
View = TypeVar("View", bound=Callable[..., Any])

_endpoints = Endpoints()


def endpoint_for(
    format: Format, secrets: Secrets | None, tolerance: float | None
) -> WebhookEndpoint:
    """The endpoint for ``format``: the given secrets, or
    ``HTTPSEAL["WEBHOOK_SECRETS"][format]``."""
    if secrets is None:
        secrets = (setting("WEBHOOK_SECRETS") or {}).get(format)
        if not secrets:
            raise ImproperlyConfigured(
                f"no secret for {format} webhooks: pass one or set "
                f"HTTPSEAL['WEBHOOK_SECRETS'][{format!r}]"
            )
    return _endpoints.get(format, secrets, tolerance)


# What ``judge`` answers for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413).
TOO_LARGE = "the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE"


def judge(request: Any, endpoint: WebhookEndpoint) -> Verified | str:
    """The delivery's ``Verified`` result, or the reason it is refused
    (``TOO_LARGE`` itself for a body over Django's cap)."""
    try:
        body = _signed.body(request)
        return endpoint.verify(list(request.headers.items()), body)
    except _signed.TooLarge:
        logger.warning(
            "%s webhook refused on %r: %s", endpoint.format, request.path[:200], TOO_LARGE
        )
        return TOO_LARGE
    except (SignatureError, _signed.Unsignable) as exc:
        logger.warning("%s webhook refused on %r: %s", endpoint.format, request.path[:200], exc)
        return str(exc)


_cache_ledgers: dict[str, Deliveries] = {}


def ledger() -> Deliveries | None:
    """The ledger of handled deliveries ``HTTPSEAL["WEBHOOK_DELIVERIES"]``
    names: ``"memory"``, a ``redis://`` URL, ``"cache:<alias>"`` or a ledger."""
    value = setting("WEBHOOK_DELIVERIES")
    if isinstance(value, str) and value.startswith("cache:"):
        from httpseal.django.replay import CacheDeliveries

        found = _cache_ledgers.get(value)
        if found is None:
            found = _cache_ledgers[value] = CacheDeliveries(value.removeprefix("cache:"))
        return found
    return deliveries_from(value)


def handled() -> JsonResponse:
    return JsonResponse({"detail": "already handled"})


def busy() -> JsonResponse:
    """A copy of a delivery still being handled: the sender retries later."""
    response = JsonResponse({"detail": "this delivery is being handled"}, status=409)
    response["Retry-After"] = "5"
    return response


def _succeeded(response: Any) -> bool:
    return 200 <= response.status_code < 300


def webhook(
    format: Format,
    secrets: Secrets | None = None,
    *,
    tolerance: float | None = 300,
    remember: int = REMEMBER_SECONDS,
) -> Callable[[View], View]:
    """``@webhook("github", secret)`` or ``@webhook("stripe")`` (secrets from
    ``HTTPSEAL["WEBHOOK_SECRETS"]``). Given secrets are checked here. With
    ``HTTPSEAL["WEBHOOK_DELIVERIES"]`` (``"memory"``, a ``redis://`` URL or a
    ledger) a delivery already handled is answered 200 without running the
    view again, a copy arriving while it runs 409, one whose view failed may
    be retried; a ledger outage is a 503."""
    if secrets is not None:
        WebhookEndpoint(format, secrets, tolerance=tolerance)

    def refused(reason: str) -> Any:
        if reason is TOO_LARGE:
            return too_large_response()
        return HttpResponseBadRequest(
            b'{"detail": "invalid webhook signature"}', content_type="application/json"
        )

    def decorate(view: View) -> View:
        if iscoroutinefunction(view):

            @wraps(view)
            async def async_view(request: Any, *args: Any, **kwargs: Any) -> Any:
                verified = judge(request, endpoint_for(format, secrets, tolerance))
                if isinstance(verified, str):
                    return refused(verified)
                request.httpseal = verified
                chosen = ledger()
                key = verified.delivery_key
                if chosen is None or key is None:
                    return await view(request, *args, **kwargs)
                try:
                    state = await sync_to_async(chosen.begin)(key, BUSY_SECONDS)
                    if state != "new":
                        return handled() if state == "done" else busy()
                    try:
                        response = await view(request, *args, **kwargs)
                    except BaseException:
                        await sync_to_async(chosen.abandon)(key)
                        raise
                    if _succeeded(response):
                        await sync_to_async(chosen.finish)(key, remember)
                    else:
                        await sync_to_async(chosen.abandon)(key)
                    return response
                except ReplayStoreUnavailable as exc:
                    logger.error("%s webhook not handled: %s", format, exc)
                    return unavailable_response()

            return cast(View, csrf_exempt(async_view))

        @wraps(view)
        def sync_view(request: Any, *args: Any, **kwargs: Any) -> Any:
            verified = judge(request, endpoint_for(format, secrets, tolerance))
            if isinstance(verified, str):
                return refused(verified)
            request.httpseal = verified
            try:
                return handle_once(
                    ledger(),
                    verified,
                    lambda: view(request, *args, **kwargs),
                    _succeeded,
                    handled=handled,
                    busy=busy,
                    remember=remember,
                )
            except ReplayStoreUnavailable as exc:
                logger.error("%s webhook not handled: %s", format, exc)
                return unavailable_response()

        return cast(View, csrf_exempt(sync_view))

    return decorate

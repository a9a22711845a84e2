"""FastAPI dependencies: ``Signature`` verifies a signed request (every
scheme) and ``Webhook`` a webhook delivery, each returning the ``Verified``
result and declared as an OpenAPI security scheme, so it shows in ``/docs``.

Both read the body through Starlette's cached ``await request.body()``, so a
route can still declare a body model; the body is read at most once, up to
a cap (413 beyond it). Behind ``httpseal.asgi.SignatureMiddleware``,
``Signature`` returns the middleware's verdict instead of verifying again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import HTTPException, Request
from fastapi.openapi.models import APIKey, APIKeyIn, HTTPBase
from fastapi.security.base import SecurityBase
from starlette.concurrency import run_in_threadpool

from httpseal._native import ReplayStoreUnavailable, SignatureError, Verified, WebhookEndpoint
from httpseal.asgi import MAX_BODY, Guard, request_view
from httpseal.deliveries import (
    BUSY_SECONDS,
    REMEMBER_SECONDS,
    Deliveries,
    MemoryDeliveries,
    deliveries_from,
)
from httpseal.webhooks import Format, Secrets

__all__ = ["Signature", "Webhook"]

logger = logging.getLogger("httpseal.asgi")
webhook_logger = logging.getLogger("httpseal.webhooks")


async def _body(request: Request, cap: int) -> bytes:
    """The request body, read once and left in Starlette's cache for the
    route's own body model; 413 past ``cap`` (a declared length is refused
    before anything is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise HTTPException(413, "request body too large")
    cached = getattr(request, "_body", None)
    if cached is None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise HTTPException(413, "request body too large")
            chunks.append(chunk)
        # Starlette's own cache: ``await request.body()`` returns it from now on.
        request._body = cached = b"".join(chunks)
    elif len(cached) > cap:
        raise HTTPException(413, "request body too large")
    return bytes(cached)


class Signature(SecurityBase):
    """``Depends(Signature(schemes=[...], key_loader=...))`` returns the
    ``Verified`` result or answers 401 (with a challenge per scheme and the
    reason logged on ``httpseal.asgi``), 413 for a body over ``max_body``,
    503 when the replay store is down. ``auto_error=False`` returns ``None``
    for a request without credentials. The other options are
    ``httpseal.asgi.Guard``'s, as for the middleware (``schemes``,
    ``key_loader``, ``replay_store``, ``max_body``, ``realm``, ``drf_body``
    and the ``Verifier``'s)."""

    def __init__(
        self,
        *,
        auto_error: bool = True,
        scheme_name: str | None = None,
        description: str | None = None,
        **options: Any,
    ) -> None:
        self.guard = Guard(**options)
        self.max_body = self.guard.max_body
        self.auto_error = auto_error
        self.model = HTTPBase(
            scheme="signature",
            description=description
            or f"An HMAC request signature: {', '.join(self.guard.schemes)}.",
        )
        self.scheme_name = scheme_name or type(self).__name__

    async def aclose(self) -> None:
        """Closes the replay store's connections: call it from the app's lifespan."""
        await self.guard.aclose()

    async def __call__(self, request: Request) -> Verified | None:
        state = request.scope.get("state") or {}
        if "httpseal" in state and state["httpseal"] is not None:
            return state["httpseal"]
        view = request_view(request.scope)
        body = await _body(request, self.max_body)
        try:
            verified = await self.guard.verify(request.scope, body)
        except SignatureError as exc:
            self.guard.log_refusal(view, exc)
            raise self._unauthorized(view.method, bool(body), exc) from None
        except ReplayStoreUnavailable as exc:
            logger.error("signature not checked on %s %r: %s", view.method, view.path[:200], exc)
            raise HTTPException(503, "service unavailable", {"Retry-After": "1"}) from None
        if verified is None and self.auto_error:
            self.guard.log_refusal(view, None)
            raise self._unauthorized(view.method, bool(body), None)
        request.scope.setdefault("state", {})["httpseal"] = verified
        return verified

    def _unauthorized(
        self, method: str, content: bool, error: SignatureError | None
    ) -> HTTPException:
        headers: dict[str, str] = {}
        for name, value in self.guard.refusal_headers(method, content, error):
            # One WWW-Authenticate line holds every challenge (RFC 9110 §11.6.1).
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return HTTPException(401, "invalid or missing signature", headers)


class Webhook(SecurityBase):
    """``Depends(Webhook("stripe", secret))`` returns the ``Verified``
    delivery or answers 400 (the reason logged on ``httpseal.webhooks``), as
    the senders' documentation tells handlers to; 413 past ``max_body``.
    Secrets are checked here (a Standard Webhooks ``whsec_`` secret that is
    not base64 is a ``ValueError``).

    With ``deliveries`` (``"memory"``, a ``redis://`` URL or a ledger, as in
    ``httpseal.deliveries``) each delivery is handled once: one already
    handled is answered 200 (``{"detail": "already handled"}``) without
    running the route, a copy arriving while the route runs 409 with
    ``Retry-After``, a ledger outage 503. A delivery counts as handled when
    the route returns; one whose route raises (an ``HTTPException`` too) is
    left for the sender to retry."""

    def __init__(
        self,
        format: Format,
        secrets: Secrets,
        *,
        tolerance: float | None = 300,
        github_sha1: bool = False,
        max_body: int = MAX_BODY,
        scheme_name: str | None = None,
        deliveries: Any = None,
        remember: int = REMEMBER_SECONDS,
    ) -> None:
        self.endpoint = WebhookEndpoint(
            format, secrets, tolerance=tolerance, github_sha1=github_sha1
        )
        self.max_body = max_body
        self.deliveries: Deliveries | None = deliveries_from(deliveries)
        self.remember = remember
        header = {
            "standard-webhooks": "webhook-signature",
            "stripe": "Stripe-Signature",
            "github": "X-Hub-Signature-256",
            "slack": "X-Slack-Signature",
        }[format]
        self.model = APIKey(
            **{"in": APIKeyIn.header},  # type: ignore[arg-type]  # the field's alias
            name=header,
            description=f"A {format} webhook signature.",
        )
        self.scheme_name = scheme_name or f"{format} webhook"

    async def __call__(self, request: Request) -> AsyncIterator[Verified]:
        verified = await self.verified(request)
        ledger, key = self.deliveries, verified.delivery_key
        if ledger is None or key is None:
            yield verified
            return
        state = await self._ledger(ledger.begin, key, BUSY_SECONDS)
        if state == "done":
            raise HTTPException(200, "already handled")
        if state == "busy":
            raise HTTPException(409, "this delivery is being handled", {"Retry-After": "5"})
        try:
            yield verified
        except BaseException:
            await self._ledger(ledger.abandon, key)
            raise
        try:
            await self._ledger(ledger.finish, key, self.remember)
        except HTTPException:  # answered already: the sender may deliver it again
            webhook_logger.error("%s delivery handled but not recorded", self.endpoint.format)

    async def verified(self, request: Request) -> Verified:
        """The verified delivery, or the 400 (or 413) that refuses it."""
        body = await _body(request, self.max_body)
        try:
            return self.endpoint.verify(list(request.headers.items()), body)
        except SignatureError as exc:
            webhook_logger.warning(
                "%s webhook refused on %r: %s", self.endpoint.format, request.url.path[:200], exc
            )
            raise HTTPException(400, "invalid webhook signature") from None

    async def _ledger(self, step: Callable[..., Any], *args: Any) -> Any:
        """One step of the ledger: inline in memory, in a thread otherwise
        (a Redis round trip must not stall the event loop); 503 on an outage."""
        try:
            if isinstance(self.deliveries, MemoryDeliveries):
                return step(*args)
            return await run_in_threadpool(step, *args)
        except ReplayStoreUnavailable as exc:
            webhook_logger.error("%s webhook not handled: %s", self.endpoint.format, exc)
            raise HTTPException(503, "Service Unavailable", {"Retry-After": "1"}) from None

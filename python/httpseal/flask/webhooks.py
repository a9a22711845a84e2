"""``webhook``: a Flask view decorator that verifies one webhook format
(Standard Webhooks, Stripe, GitHub, Slack) before the view runs.

The raw body is read before anything parses it; a delivery that does not
verify is answered **400** (what the senders' documentation tells handlers to
answer) with the reason logged on ``httpseal.webhooks``; a body over
``MAX_CONTENT_LENGTH`` is Flask's 413. The ``Verified`` result is ``g.httpseal``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, jsonify, request

from httpseal._native import ReplayStoreUnavailable, SignatureError, WebhookEndpoint
from httpseal.deliveries import REMEMBER_SECONDS, Deliveries, deliveries_from, handle_once
from httpseal.errors import ImproperlyConfigured
from httpseal.flask.signature_auth import unavailable
from httpseal.webhooks import Endpoints, Format, Secrets

logger = logging.getLogger("httpseal.webhooks")
View = TypeVar("View", bound=Callable[..., Any])

_endpoints = Endpoints()


def webhook(
    format: Format,
    secrets: Secrets | None = None,
    *,
    tolerance: float | None = 300,
    deliveries: Any = None,
    remember: int = REMEMBER_SECONDS,
) -> Callable[[View], View]:
    """``@webhook("stripe", secret)`` — or, without ``secrets``, the app's
    ``HTTPSEAL_WEBHOOK_SECRETS[format]`` (a secret or a list, read at the
    first delivery). Given secrets are checked here: a Standard Webhooks
    secret that is not ``whsec_`` base64 is a ``ValueError`` at import.

    ``deliveries`` (``"memory"``, a ``redis://`` URL or a ledger; else the
    app's ``HTTPSEAL_WEBHOOK_DELIVERIES``) records handled deliveries for
    ``remember`` seconds: one already handled is answered 200 without running
    the view again, a copy arriving while it runs 409, and one whose view
    failed (not 2xx, or raised) may be retried. A ledger outage is a 503."""
    fixed = None if secrets is None else WebhookEndpoint(format, secrets, tolerance=tolerance)
    given_ledger = deliveries_from(deliveries)

    def ledger() -> Deliveries | None:
        if given_ledger is not None:
            return given_ledger
        return deliveries_from(current_app.config.get("HTTPSEAL_WEBHOOK_DELIVERIES"))

    def endpoint() -> WebhookEndpoint:
        if fixed is not None:
            return fixed
        configured = current_app.config.get("HTTPSEAL_WEBHOOK_SECRETS", {}).get(format)
        if not configured:
            raise ImproperlyConfigured(
                f"no secret for {format} webhooks: pass one to @webhook or set "
                f"app.config['HTTPSEAL_WEBHOOK_SECRETS'][{format!r}]"
            )
        return _endpoints.get(format, configured, tolerance)

    def decorate(view: View) -> View:
        is_async = inspect.iscoroutinefunction(view)

        @wraps(view)
        def verified_view(*args: Any, **kwargs: Any) -> Any:
            body = request.get_data(cache=True)
            try:
                g.httpseal = endpoint().verify(list(request.headers.items()), body)
            except SignatureError as exc:
                logger.warning("%s webhook refused on %r: %s", format, request.path[:200], exc)
                response = jsonify(message="invalid webhook signature")
                response.status_code = 400
                return response
            run = current_app.ensure_sync(view) if is_async else view
            try:
                return handle_once(
                    ledger(),
                    g.httpseal,
                    lambda: current_app.make_response(run(*args, **kwargs)),
                    lambda response: 200 <= response.status_code < 300,
                    handled=lambda: jsonify(message="already handled"),
                    busy=_busy,
                    remember=remember,
                )
            except ReplayStoreUnavailable as exc:
                logger.error("%s webhook not handled on %r: %s", format, request.path[:200], exc)
                return unavailable()

        return cast(View, verified_view)

    return decorate


def _busy() -> Any:
    """A copy of a delivery still being handled: the sender retries later."""
    response = jsonify(message="this delivery is being handled")
    response.status_code = 409
    response.headers["Retry-After"] = "5"
    return response

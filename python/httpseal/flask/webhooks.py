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

from httpseal._native import SignatureError, WebhookEndpoint
from httpseal.errors import ImproperlyConfigured
from httpseal.webhooks import Endpoints, Format, Secrets

logger = logging.getLogger("httpseal.webhooks")
View = TypeVar("View", bound=Callable[..., Any])

_endpoints = Endpoints()


def webhook(
    format: Format, secrets: Secrets | None = None, *, tolerance: float | None = 300
) -> Callable[[View], View]:
    """``@webhook("stripe", secret)`` — or, without ``secrets``, the app's
    ``HTTPSEAL_WEBHOOK_SECRETS[format]`` (a secret or a list, read at the
    first delivery). Given secrets are checked here: a Standard Webhooks
    secret that is not ``whsec_`` base64 is a ``ValueError`` at import."""
    fixed = None if secrets is None else WebhookEndpoint(format, secrets, tolerance=tolerance)

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
            if is_async:
                return current_app.ensure_sync(view)(*args, **kwargs)
            return view(*args, **kwargs)

        return cast(View, verified_view)

    return decorate

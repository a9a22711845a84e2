"""``SignatureMiddleware``: every scheme in ``HTTPSEAL["SCHEMES"]`` on Django.

Add ``"httpseal.django.middleware.SignatureMiddleware"`` to ``MIDDLEWARE``
after ``AuthenticationMiddleware``. A correctly signed request gets
``request.user`` (the key's user) and ``request.httpseal`` (the ``Verified``
result); anything else keeps the session's user and ``request.httpseal =
None``, with the reason of a refusal logged on the scheme's logger and kept
in ``request.httpseal_refusal`` (so the DRF classes answer 401 without
verifying it again). Views decide what anonymous means, as with
``login_required``. When the replay store (``HTTPSEAL["REPLAY_STORE"]``)
fails, it answers 503 itself, with the reason logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from httpseal.django import engine
from httpseal.django.conf import setting


class SignatureMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.process_request(request) or self.get_response(request)

    def process_request(self, request: Any) -> Any:
        schemes = tuple(setting("SCHEMES"))
        request.httpseal = None
        request.httpseal_refusal = None
        if not schemes:
            return None
        outcome = engine.authenticate(request, schemes)
        request.httpseal_schemes = schemes
        if outcome.unavailable:
            return engine.unavailable_response()
        if outcome.refused:
            request.httpseal_refusal = outcome
        elif outcome.verified is not None:
            request.httpseal = outcome.verified
            request.httpseal_key = outcome.key
            request.user = outcome.user
        return None

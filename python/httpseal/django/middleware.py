"""``SignatureMiddleware``: every scheme in ``HTTPSEAL["SCHEMES"]`` on Django.

Add ``"httpseal.django.middleware.SignatureMiddleware"`` to ``MIDDLEWARE``
after ``AuthenticationMiddleware``. A correctly signed request gets
``request.user`` (the key's user) and ``request.httpseal`` (the ``Verified``
result); anything else keeps the session's user and ``request.httpseal =
None``, with the reason of a refusal logged on the scheme's logger and kept
in ``request.httpseal_refusal`` (so the DRF classes answer 401 without
verifying it again). Views decide what anonymous means, as with
``login_required``. When the replay store (``HTTPSEAL["REPLAY_STORE"]``)
fails, it answers 503 itself, with the reason logged. A 401 response gets an
``Accept-Signature`` field (RFC 9421 §5) when ``"rfc9421"`` is among the
schemes, whichever view or DRF class answered it. With
``HTTPSEAL["RFC9421_SIGN_RESPONSES"]`` the response to an accepted RFC 9421
request is signed with the request's key (``@status``, its content and the
request it answers).
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
        response = self.process_request(request) or self.get_response(request)
        return self.process_response(request, response)

    def process_response(self, request: Any, response: Any) -> Any:
        if setting("RFC9421_SIGN_RESPONSES"):
            engine.sign_response(request, response)
        if response.status_code == 401 and not response.has_header("Accept-Signature"):
            accept = engine.accept_signature(request, tuple(setting("SCHEMES")))
            if accept is not None:
                response["Accept-Signature"] = accept
        return response

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

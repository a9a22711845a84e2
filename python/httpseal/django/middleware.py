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

It serves sync and async stacks alike (``sync_and_async_capable``). On an
async one (Django under an ASGI server) a request is verified on the event
loop; only the database on a key-cache miss, sync loaders and a
``"cache:<alias>"`` replay store leave it for a thread, and a ``redis://``
store is awaited on ``redis.asyncio``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async

from httpseal.django import engine
from httpseal.django.conf import setting


class SignatureMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: Any) -> Any:
        if self.is_async:
            return self.__acall__(request)
        response = self.process_request(request) or self.get_response(request)
        return self.process_response(request, response)

    async def __acall__(self, request: Any) -> Any:
        schemes = self._start(request)
        if schemes:
            refusal = self._judged(request, schemes, await engine.aauthenticate(request, schemes))
            if refusal is not None:
                return self._challenged(request, refusal)
        response = await self.get_response(request)
        if _signs_response(request):
            await sync_to_async(engine.sign_response)(request, response)
        return self._challenged(request, response)

    def process_response(self, request: Any, response: Any) -> Any:
        if _signs_response(request):
            engine.sign_response(request, response)
        return self._challenged(request, response)

    def process_request(self, request: Any) -> Any:
        schemes = self._start(request)
        if not schemes:
            return None
        return self._judged(request, schemes, engine.authenticate(request, schemes))

    @staticmethod
    def _start(request: Any) -> tuple[str, ...]:
        request.httpseal = None
        request.httpseal_refusal = None
        return tuple(setting("SCHEMES"))

    @staticmethod
    def _judged(request: Any, schemes: tuple[str, ...], outcome: engine.Outcome) -> Any:
        """Notes the outcome on ``request``; the 503 when the store failed,
        the 413 for a body over Django's cap."""
        request.httpseal_schemes = schemes
        answer = engine.own_response(outcome)
        if answer is not None:
            return answer
        if outcome.refused:
            request.httpseal_refusal = outcome
        elif outcome.verified is not None:
            request.httpseal = outcome.verified
            request.httpseal_key = outcome.key
            request.user = outcome.user
        return None

    @staticmethod
    def _challenged(request: Any, response: Any) -> Any:
        """A 401 with ``Accept-Signature`` when RFC 9421 is among the schemes."""
        if response.status_code == 401 and not response.has_header("Accept-Signature"):
            accept = engine.accept_signature(request, tuple(setting("SCHEMES")))
            if accept is not None:
                response["Accept-Signature"] = accept
        return response


def _signs_response(request: Any) -> bool:
    """Whether the response to ``request`` is to be signed (RFC 9421, when configured)."""
    scheme = getattr(getattr(request, "httpseal", None), "scheme", None)
    return scheme == "rfc9421" and bool(setting("RFC9421_SIGN_RESPONSES"))

"""Django REST framework authentication classes.

``SignatureAuthentication`` accepts every scheme in ``HTTPSEAL["SCHEMES"]``
and puts the ``Verified`` result in ``request.auth``; ``CavageAuthentication``
is the same for draft-cavage HTTP Signatures alone. The legacy classes keep
their legacy values: ``HMACAuthentication`` speaks django-rest-framework-hmac's
wire format (``Key``, ``Signature``, ``Timestamp`` headers) and returns the
``HMACKey``; ``FostAuthentication`` returns the signed headers. All need
``"httpseal.django"`` in ``INSTALLED_APPS``. A request that
``SignatureMiddleware`` has already judged is not verified again.

Webhook endpoints: ``WebhookAuthentication`` verifies one webhook format
(400 when a delivery does not verify), and ``handled_once`` runs a view's
handler once per delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial, wraps
from typing import Any, TypeVar, cast

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from httpseal import _explain
from httpseal._challenges import challenges
from httpseal._native import ReplayStoreUnavailable, SignatureError, Verified, Verifier
from httpseal.deliveries import REMEMBER_SECONDS, deliveries_from, handle_once
from httpseal.django import _signed, audit, engine
from httpseal.django.conf import replay_store, setting, shows_signing_input
from httpseal.errors import ImproperlyConfigured

logger = logging.getLogger("httpseal.drf")


class _RetryLater(exceptions.APIException):
    """A refusal that tells the client when to try again."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__()
        self.wait = self.retry_after  # DRF sends it as Retry-After


class ServiceUnavailable(_RetryLater):
    """The replay store could not be consulted (the reason is logged)."""

    status_code = 503
    default_detail = "Service Unavailable"
    default_code = "service_unavailable"


class PayloadTooLarge(exceptions.APIException):
    """The body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (logged)."""

    status_code = 413
    default_detail = "Request body too large."
    default_code = "payload_too_large"


def _raise_for_status(outcome: engine.Outcome) -> None:
    """A 503 when the replay store failed, a 413 for a body over the cap."""
    if outcome.unavailable:
        raise ServiceUnavailable()
    if outcome.too_large:
        raise PayloadTooLarge()


class HMACAuthentication(BaseAuthentication):
    """Authenticates requests signed as django-rest-framework-hmac's ``HMACSigner``
    signs them; returns ``(user, hmac_key)``.

    Returns ``None`` (so other authenticators can try) when the request carries
    none of the three headers; raises ``AuthenticationFailed`` (401) for any
    other problem, with the reason logged on ``httpseal.drf``.
    """

    www_authenticate_realm = "api"

    def authenticate_header(self, request) -> str:
        return f'HMAC realm="{self.www_authenticate_realm}"'

    def _fail(
        self,
        request,
        reason: str,
        key: str | None = None,
        detail: str = "",
        code: str = "malformed",
    ) -> exceptions.AuthenticationFailed:
        logger.warning(
            "HMAC authentication refused %s %r (key %r) [%s]: %s%s",
            request.method,
            request.META.get("PATH_INFO", "")[:200],
            (key or "")[:64],
            code,
            reason,
            detail,
        )
        audit.refused(request._request, "drf-hmac", key, code)
        return exceptions.AuthenticationFailed("Invalid HMAC signature.")

    def authenticate(self, request) -> tuple[Any, Any] | None:
        judged = _judged_by_middleware(request, "drf-hmac")
        if judged is not None:
            return _legacy_result(judged)
        attempt = _HmacAttempt(self, request)
        lookups: dict[str, Any] = {}
        token = _hmac_lookup.set((self, lookups))
        try:
            verified = attempt.verify()
        except _HmacAttempt.REFUSED as exc:
            raise attempt.refusal(exc) from None
        finally:
            _hmac_lookup.reset(token)
        if verified is None:
            return None
        result = attempt.accepted(verified, lookups[verified.key_id])
        engine.note_use(result[1])
        return result

    @staticmethod
    def get_hmac_key(key: str):
        """The ``HMACKey`` (with its user) for a key id, or ``None``: through
        the per-process key cache (``HTTPSEAL["KEY_CACHE_SECONDS"]``, emptied
        when a key or user is saved or deleted). Override for another key store."""
        return engine.keys.get(key)

    @staticmethod
    def get_hostname(request) -> str:
        """``REMOTE_ADDR``, as the original signs, or the request's
        ``host[:port]`` (``get_host()``) with ``DRF_HMAC_HOST = "host"``."""
        if setting("DRF_HMAC_HOST") == "host":
            return _signed.host(request._request)
        return request._request.META.get("REMOTE_ADDR", "")

    @staticmethod
    def get_signed_data(request) -> bytes:
        """The bytes after the timestamp line: the raw body, or (as the
        original) ``request.data`` re-serialized as compact JSON when it is
        truthy. Raises ``httpseal.django._signed.Unsignable`` when they cannot be had."""
        if setting("DRF_HMAC_BODY") == "raw":
            return _signed.body(request._request)
        return _signed.drf_json(request)


def _legacy_result(judged: engine.Outcome) -> tuple[Any, Any]:
    """``HMACAuthentication``'s answer for what the middleware decided."""
    _raise_for_status(judged)
    if judged.refused:
        raise exceptions.AuthenticationFailed("Invalid HMAC signature.")
    return judged.user, judged.key if judged.key is not None else judged.verified


class _HmacAttempt:
    """One request through ``HMACAuthentication``'s verifier: the hostname it
    signs, what it signs after the timestamp, the refusals it can end in."""

    def __init__(self, authentication: HMACAuthentication, request: Any) -> None:
        self.authentication = authentication
        self.request = request
        self.hostname: str | None
        try:
            self.hostname, self.bad_host = authentication.get_hostname(request), False
        except _signed.Unsignable:
            self.hostname, self.bad_host = None, True
        self.signed_data = partial(engine.read_signed, authentication.get_signed_data, request)

    def credentials(self) -> tuple[str, str] | None:
        django_request = self.request._request  # not through DRF's __getattr__
        return _legacy_hmac_verifier().credentials_environ(
            django_request.META, host=self.hostname, path=django_request.path_info
        )

    def verify(self, **options: Any) -> Verified | None:
        django_request = self.request._request
        return _legacy_hmac_verifier().verify_environ(
            django_request.META,
            host=self.hostname,
            path=django_request.path_info,
            drf_data=self.signed_data,
            **options,
        )

    # What a verification raises for a request it does not accept.
    REFUSED = (SignatureError, ReplayStoreUnavailable, _signed.TooLarge)

    @contextmanager
    def refusals(self) -> Iterator[None]:
        """``refusal`` around a block (the async class awaits inside it)."""
        try:
            yield
        except self.REFUSED as exc:
            raise self.refusal(exc) from None

    def refusal(self, exc: Exception) -> exceptions.APIException:
        """What to raise for one of ``REFUSED``: a refusal as a logged 401, a
        replay store outage as a 503, a body over the cap as a 413."""
        if isinstance(exc, ReplayStoreUnavailable):
            engine.store_down(self.request._request, "drf-hmac", str(exc))
            return ServiceUnavailable()
        if isinstance(exc, _signed.TooLarge):
            engine.too_large(self.request._request, ["drf-hmac"], exc)
            return PayloadTooLarge()
        assert isinstance(exc, SignatureError)
        detail = ""
        if shows_signing_input():
            detail = _explain.detail(
                lambda: _legacy_hmac_verifier().signing_input_environ(
                    self.request.META,
                    host=self.hostname,
                    path=self.request.path_info,
                    drf_data=self.signed_data,
                )
            )
        return self.authentication._fail(self.request, str(exc), exc.key_id, detail, exc.code)

    def accepted(self, verified: Verified, hmac_key: Any) -> tuple[Any, Any]:
        if self.bad_host:
            reason = "the Host header is not allowed"
            raise self.authentication._fail(
                self.request, reason, verified.key_id, code="disallowed_host"
            )
        retired = engine.retirement(hmac_key)
        if retired is not None:
            raise self.authentication._fail(
                self.request, str(retired), verified.key_id, code=retired.code
            )
        user = hmac_key.user
        if not getattr(user, "is_active", True):
            raise self.authentication._fail(
                self.request, "inactive user", verified.key_id, code="inactive_user"
            )
        self.request._request.httpseal = verified
        return user, hmac_key


# The HMACAuthentication verifying the current request, and the HMACKey rows
# its get_hmac_key found (per thread and per task, as requests are).
_hmac_lookup: ContextVar[tuple[HMACAuthentication, dict[str, Any]]] = ContextVar(
    "httpseal_drf_hmac_lookup"
)


def _load_legacy_hmac_key(key_id: str) -> str | None:
    authentication, lookups = _hmac_lookup.get()
    hmac_key = authentication.get_hmac_key(key_id)
    if hmac_key is None:
        return None
    lookups[key_id] = hmac_key
    return engine.secret_of(hmac_key)  # hex, decoded by the core as drf-hmac always has


_legacy_verifiers = engine.Verifiers()


def _legacy_hmac_verifier() -> Verifier:
    """drf-hmac alone, with ``DRF_HMAC_MAX_SKEW``; the hostname is whatever
    ``get_hostname`` returns, handed to the core as the host."""
    max_skew, store = setting("DRF_HMAC_MAX_SKEW"), replay_store()
    return _legacy_verifiers.get(
        (max_skew, store),
        lambda: Verifier(
            schemes=["drf-hmac"],
            key_loader=_load_legacy_hmac_key,
            max_skew=max_skew,
            drf_hostname="host",
            replay_store=store,
        ),
    )


class FostAuthentication(BaseAuthentication):
    """FOST request signatures (``Authorization: FOST key:signature``) and
    signed URLs (``_k``, ``_e``, ``_s``) for DRF; returns ``(user, signed)``
    where ``signed`` is the dict of signed headers.

    Uses the same settings as ``httpseal.django.fost`` (``FOST_AUTHN_*``),
    including the missigned sleep. Returns ``None`` for requests signed neither way.
    """

    www_authenticate_realm = "api"

    def authenticate_header(self, request) -> str:
        return f'FOST realm="{self.www_authenticate_realm}"'

    def authenticate(self, request) -> tuple[Any, Any] | None:
        from httpseal.django import fost

        judged = _judged_by_middleware(request, "fost")
        if judged is not None:
            _raise_for_status(judged)
            if judged.refused:  # logged (and slept on) once, by the middleware
                raise exceptions.AuthenticationFailed("Invalid FOST signature.")
            assert judged.verified is not None
            return judged.user, judged.verified.signed_headers
        outcome = fost.judge(request._request)
        _raise_for_status(outcome)
        if outcome.refused:
            raise exceptions.AuthenticationFailed("Invalid FOST signature.")
        if outcome.verified is None:
            return None
        return outcome.user, outcome.verified.signed_headers


def _judged_by_middleware(request, scheme: str) -> engine.Outcome | None:
    """What ``SignatureMiddleware`` decided about ``scheme``'s credentials on
    this request, or ``None`` when it did not judge them."""
    django_request = request._request
    verified = getattr(django_request, "httpseal", None)
    if verified is not None and verified.scheme == scheme:
        return engine.Outcome(
            verified=verified,
            user=django_request.user,
            key=getattr(django_request, "httpseal_key", None),
            scheme=scheme,
        )
    refusal = getattr(django_request, "httpseal_refusal", None)
    if refusal is not None and refusal.scheme == scheme:
        return refusal
    return None


class SignatureAuthentication(BaseAuthentication):
    """Every scheme in ``HTTPSEAL["SCHEMES"]`` (or the class's ``schemes``)
    through the one pipeline; returns ``(user, verified)``.

    ``None`` (so the next class has its turn) when the request carries none
    of the schemes' credentials; 401 with a challenge per scheme when they
    are wrong, with the reason logged on the scheme's logger. Keys come from
    ``HTTPSEAL["KEY_LOADER"]`` or the ``HMACKey`` model, as for
    ``SignatureMiddleware``.
    """

    schemes: tuple[str, ...] | None = None

    def get_schemes(self) -> tuple[str, ...]:
        return tuple(self.schemes if self.schemes is not None else setting("SCHEMES"))

    def authenticate_header(self, request) -> str:
        return ", ".join(
            challenges(
                self.get_schemes(),
                setting("REALM"),
                setting("CAVAGE_REQUIRED_HEADERS"),
                request.method,
            )
        )

    def authenticate(self, request) -> tuple[Any, Any] | None:
        schemes = self._schemes_or_none()
        if schemes is None:
            return None
        outcome = _judged_for(request, schemes) or engine.authenticate(
            request._request, schemes, drf_data=self._drf_data(request), hands_on_key=False
        )
        return _result(request, outcome)

    def _schemes_or_none(self) -> tuple[str, ...] | None:
        schemes = self.get_schemes()
        if not schemes:
            engine.logger.error("%s has no schemes: set HTTPSEAL['SCHEMES']", type(self).__name__)
            return None
        return schemes

    @staticmethod
    def _drf_data(request):
        if setting("DRF_HMAC_BODY") == "raw":
            return partial(_signed.body, request._request)
        return partial(_signed.drf_json, request)


def _judged_for(request, schemes: tuple[str, ...]) -> engine.Outcome | None:
    """What the middleware decided about any of ``schemes`` on this request
    (``NOT_OURS`` when it looked for them all and found none), or ``None``."""
    for scheme in schemes:
        judged = _judged_by_middleware(request, scheme)
        if judged is not None:
            return judged
    judged_for = getattr(request._request, "httpseal_schemes", None)
    if not judged_for:
        return None  # no middleware looked at this request
    return engine.NOT_OURS if set(schemes) <= set(judged_for) else None


def _result(request, outcome: engine.Outcome) -> tuple[Any, Any] | None:
    """``SignatureAuthentication``'s answer: ``(user, verified)``, ``None``,
    a 401 or a 503."""
    _raise_for_status(outcome)
    if outcome.refused:
        raise exceptions.AuthenticationFailed("Invalid signature.")
    if outcome.verified is None:
        return None
    request._request.httpseal = outcome.verified
    return outcome.user, outcome.verified


class CavageAuthentication(SignatureAuthentication):
    """draft-cavage HTTP Signatures (``Authorization: Signature keyId=…``) for
    DRF; returns ``(user, verified)``."""

    schemes = ("cavage",)


class MessageSignatureAuthentication(SignatureAuthentication):
    """RFC 9421 HTTP Message Signatures (``Signature-Input`` and
    ``Signature``, hmac-sha256) for DRF; returns ``(user, verified)``."""

    schemes = ("rfc9421",)


class WebhookRefused(exceptions.APIException):
    """A webhook delivery that does not verify: 400, as the senders expect."""

    status_code = 400
    default_detail = "Invalid webhook signature."
    default_code = "invalid_webhook_signature"


class WebhookAuthentication(BaseAuthentication):
    """A webhook endpoint for DRF: set ``format`` (``"standard-webhooks"``,
    ``"stripe"``, ``"github"``, ``"slack"``) and ``secrets`` (or
    ``HTTPSEAL["WEBHOOK_SECRETS"][format]``) on a subclass. A delivery that
    verifies is ``(AnonymousUser(), verified)`` — a delivery carries no
    user, so DRF's permissions (``AllowAny``, or a check of
    ``request.auth.scheme``) decide; one that does not is a 400, logged."""

    format: Any = None
    secrets: Any = None
    tolerance: float | None = 300

    def authenticate(self, request) -> tuple[Any, Any]:
        from django.contrib.auth.models import AnonymousUser

        from httpseal.django import webhooks

        if self.format is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a webhook format")
        endpoint = webhooks.endpoint_for(self.format, self.secrets, self.tolerance)
        verified = webhooks.judge(request._request, endpoint)
        if verified is webhooks.TOO_LARGE:
            raise PayloadTooLarge()
        if isinstance(verified, str):
            raise WebhookRefused()
        request._request.httpseal = verified
        return AnonymousUser(), verified


class DeliveryBeingHandled(_RetryLater):
    """A copy of a delivery whose handler is still running: the sender retries later."""

    status_code = 409
    default_detail = "This delivery is being handled."
    default_code = "delivery_being_handled"
    retry_after = 5


Handler = TypeVar("Handler", bound=Callable[..., Any])


def handled_once(
    handler: Handler | None = None,
    *,
    deliveries: Any = None,
    remember: int = REMEMBER_SECONDS,
) -> Any:
    """Runs a DRF webhook handler (a function view under ``@api_view`` or an
    ``APIView`` method, authenticated by a ``WebhookAuthentication``) once
    per delivery: one already handled is answered 200 without running it
    again, a copy arriving while it runs 409, one whose handler failed (not
    2xx, or raised) may be retried. The ledger is ``deliveries`` (``"memory"``,
    a ``redis://`` URL or a ledger) or ``HTTPSEAL["WEBHOOK_DELIVERIES"]``;
    an outage is a 503. ``@handled_once`` or ``@handled_once(deliveries=...)``,
    below ``@api_view``."""
    chosen = deliveries_from(deliveries) if deliveries is not None else None

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        def once(*args: Any, **kwargs: Any) -> Any:
            request = next((a for a in args[:2] if isinstance(a, Request)), None)
            verified = getattr(request, "auth", None)
            if not isinstance(verified, Verified) or verified.delivery_key is None:
                raise ImproperlyConfigured(
                    f"{handler.__qualname__} is handled once per webhook delivery: "
                    "authenticate it with a WebhookAuthentication class"
                )
            from httpseal.django.webhooks import ledger

            found = chosen if chosen is not None else ledger()
            if found is None:
                raise ImproperlyConfigured(
                    f"{handler.__qualname__} is handled once per webhook delivery: pass "
                    "deliveries= or set HTTPSEAL['WEBHOOK_DELIVERIES']"
                )
            try:
                return handle_once(
                    found,
                    verified,
                    lambda: handler(*args, **kwargs),
                    lambda response: 200 <= response.status_code < 300,
                    handled=lambda: Response({"detail": "already handled"}),
                    busy=_busy,
                    remember=remember,
                )
            except ReplayStoreUnavailable as exc:
                logger.error("%s webhook not handled: %s", verified.scheme, exc)
                raise ServiceUnavailable() from None

        return cast(Handler, once)

    return decorate(handler) if handler is not None else decorate


def _busy() -> Any:
    raise DeliveryBeingHandled()

"""FOST request and URL signing for Django, as django-fost-authn 0.3.8 did it.

Add ``"httpseal.django.fost.FostMiddleware"`` to ``MIDDLEWARE`` after
``AuthenticationMiddleware`` and ``"httpseal.django.fost.FostBackend"`` to
``AUTHENTICATION_BACKENDS``. A valid signature sets ``request.user`` (and
``request.SIGNED``, the signed headers); anything else leaves the request
anonymous, logs the reason and sleeps ``FOST_AUTHN_MISSIGNED_SLEEP_TIME``.

Settings, with the original names: ``FOST_AUTHN_GET_SECRET`` (callable
``(request, key) -> secret``; by default the user's password field, as the
original), ``FOST_AUTHN_MAXIMUM_CLOCK_SKEW`` (300 s; ``None`` switches the
check off), ``FOST_AUTHN_MISSIGNED_SLEEP_TIME`` (0.5 s: it slows guessing but
ties up a worker per bad request; 0 disables), ``FOST_AUTHN_ALLOW_UNSIGNED_QUERY``
(``False``: a signature covers the body *or* the query string, so a request
with both is refused unless this is on). Signed URLs follow
``HTTPSEAL["FOST_URL_REQUIRE_EXPIRY"]`` and ``HTTPSEAL["FOST_URL_MAX_LIFETIME"]``.

The key is decoded once, by the core (UTF-7 in the header, percent-decoding
in a URL): the secret loader and the user lookup see the same string.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from functools import partial
from typing import Any

import django.contrib.auth
from django.conf import settings
from django.contrib.auth import get_user_model

from httpseal import _explain
from httpseal._native import ReplayStoreUnavailable, SignatureError, Verified, Verifier
from httpseal.django import _signed, audit, engine
from httpseal.django.conf import replay_store, setting, shows_signing_input

logger = logging.getLogger("httpseal.fost")


def default_get_secret(request, key: str) -> str | None:
    """The original's default: the password field of the user named ``key``."""
    user = user_named(key)
    return None if user is None else str(user.password)


def user_named(username: str):
    model = get_user_model()
    try:
        return model._default_manager.get(**{model.USERNAME_FIELD: username})
    except (model.DoesNotExist, ValueError):
        return None


# The request being verified, for FOST_AUTHN_GET_SECRET(request, key).
_current: ContextVar[Any] = ContextVar("httpseal_fost_request")


def _load_secret(key: str) -> Any:
    get_secret = getattr(settings, "FOST_AUTHN_GET_SECRET", default_get_secret)
    return get_secret(_current.get(), key)


_verifiers = engine.Verifiers()


def verifier() -> Verifier:
    """The FOST ``Verifier`` for the current ``FOST_AUTHN_*`` settings."""
    skew = getattr(settings, "FOST_AUTHN_MAXIMUM_CLOCK_SKEW", 300)
    unsigned_query = bool(getattr(settings, "FOST_AUTHN_ALLOW_UNSIGNED_QUERY", False))
    require_expiry = bool(setting("FOST_URL_REQUIRE_EXPIRY"))
    max_lifetime = setting("FOST_URL_MAX_LIFETIME")
    store = replay_store()
    single_use = bool(setting("FOST_URL_SINGLE_USE"))
    return _verifiers.get(
        (skew, unsigned_query, require_expiry, max_lifetime, store, single_use),
        lambda: Verifier(
            schemes=["fost"],
            key_loader=_load_secret,
            max_skew=skew,
            fost_allow_unsigned_query=unsigned_query,
            fost_url_require_expiry=require_expiry,
            fost_url_max_lifetime=max_lifetime,
            replay_store=store,
            fost_url_single_use=single_use,
        ),
    )


def verify(request) -> Verified | None:
    """The request's FOST signature or signed URL through the pipeline:
    ``None`` when it carries neither; raises ``SignatureError`` when wrong."""
    host = _signed.allowed_host(request)
    token = _current.set(request)
    try:
        verified = verifier().verify_environ(
            request.META, partial(engine.read_signed, _signed.body, request), host=host
        )
    finally:
        _current.reset(token)
    if verified is not None and host is None:
        raise engine.refusal("the Host header is not allowed")
    return verified


def explained(request) -> str:
    """In debug mode, the string the server signed for ``request``."""
    if not shows_signing_input():
        return ""
    host = _signed.allowed_host(request)
    return _explain.detail(
        lambda: verifier().signing_input_environ(
            request.META, partial(engine.read_signed, _signed.body, request), host=host
        )
    )


def refuse(
    request, reason: str, detail: str = "", code: str = "malformed", key_id: str | None = None
) -> engine.Outcome:
    """Logs why (never the secret), sends the audit events and sleeps as
    the original did."""
    logger.warning(
        "FOST signature refused %s %r [%s]: %s%s",
        request.method,
        request.path[:200],
        code,
        reason,
        detail,
    )
    audit.refused(request, "fost", key_id, code)
    pause = getattr(settings, "FOST_AUTHN_MISSIGNED_SLEEP_TIME", 0.5)
    if pause:
        time.sleep(pause)
    return engine.Outcome(scheme="fost", reason=reason)


def judge(request) -> engine.Outcome:
    """What FOST makes of ``request`` (worked out once per request, so the
    middleware, the backend and the DRF class never verify or sleep twice):
    the user the key (or a signed ``X-FOST-User``) names, a logged refusal,
    or ``NOT_OURS``."""
    outcome = getattr(request, "_httpseal_fost", None)
    if outcome is None:
        outcome = request._httpseal_fost = _judge(request)
    return outcome


def _judge(request) -> engine.Outcome:
    try:
        verified = verify(request)
    except SignatureError as exc:
        return refuse(request, str(exc), explained(request), exc.code, exc.key_id)
    except ReplayStoreUnavailable as exc:
        return engine.store_down(request, "fost", str(exc))
    except _signed.TooLarge as exc:
        return engine.too_large(request, ["fost"], exc)
    if verified is None:
        logger.debug("no FOST credentials on %s %r", request.method, request.path[:200])
        return engine.NOT_OURS
    username = verified.act_as if verified.act_as is not None else verified.key_id
    user = user_named(username)
    if user is None or not getattr(user, "is_active", True):
        reason = f"no active user {username[:64]!r}"
        return refuse(request, reason, code="inactive_user", key_id=verified.key_id)
    return engine.Outcome(verified=verified, user=user, scheme="fost")


class FostBackend:
    """Authentication backend: ``authenticate(request=request, key=..., hmac=...)``
    for a signed request, ``authenticate(request=request)`` for a signed URL.
    Sets ``request.SIGNED`` (the signed headers) and ``request.httpseal``."""

    def authenticate(self, request=None, key=None, hmac=None, **credentials):
        if request is None or credentials:
            return None
        outcome = judge(request)
        if outcome.verified is None:
            return None
        request.SIGNED = outcome.verified.signed_headers
        request.httpseal = outcome.verified
        return outcome.user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            return model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None


class FostMiddleware:
    """Sets ``request.user`` from a FOST signature or signed URL (through
    ``FostBackend``), ``request.SIGNED`` to the signed headers (empty when
    unsigned) and ``request.httpseal`` to the ``Verified`` result."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.process_request(request) or self.get_response(request)

    def process_request(self, request):
        request.SIGNED = {}
        if not hasattr(request, "httpseal"):
            request.httpseal = None
        outcome = judge(request)
        answer = engine.own_response(outcome)
        if answer is not None:
            return answer
        if outcome.verified is None:
            return None
        user = django.contrib.auth.authenticate(
            request=request, key=outcome.verified.key_id, hmac="-"
        )
        if user is not None:
            request.user = user
        return None

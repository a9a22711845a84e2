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
from typing import Any

import django.contrib.auth
from django.conf import settings
from django.contrib.auth import get_user_model

from httpseal._native import (
    FostVerified,
    MalformedSignature,
    SignatureError,
    verify_fost_request,
    verify_fost_url,
)
from httpseal.django import _signed
from httpseal.django.conf import setting

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


# The core's rules, so adapter and core never disagree on what is ours:
# the Authorization scheme is the first run of ASCII non-whitespace, compared
# case-insensitively (RFC 7235); a signed URL has the raw query names _k and _s.
_ASCII_SPACE = " \t\n\f\r"


def is_fost_authorization(request) -> bool:
    value = str(request.META.get("HTTP_AUTHORIZATION", "")).lstrip(_ASCII_SPACE)
    scheme = value[: next((i for i, c in enumerate(value) if c in _ASCII_SPACE), len(value))]
    return scheme.isascii() and scheme.upper() == "FOST"


def is_signed_url(request) -> bool:
    names = {pair.partition("=")[0] for pair in request.META.get("QUERY_STRING", "").split("&")}
    return "_k" in names and "_s" in names


def verify(request) -> FostVerified:
    """Verifies the request's FOST signature or signed URL; raises ``SignatureError``."""

    def load(key: str) -> Any:
        get_secret = getattr(settings, "FOST_AUTHN_GET_SECRET", default_get_secret)
        return get_secret(request, key)

    if is_fost_authorization(request):
        return verify_fost_request(
            request.method,
            request.path,
            request.META.get("QUERY_STRING", ""),
            request.headers,
            _signed.body(request),
            secret_loader=load,
            max_skew=getattr(settings, "FOST_AUTHN_MAXIMUM_CLOCK_SKEW", 300),
            allow_unsigned_query=bool(getattr(settings, "FOST_AUTHN_ALLOW_UNSIGNED_QUERY", False)),
        )
    if request.method not in ("GET", "HEAD"):
        raise MalformedSignature("malformed signature: signed URLs are valid for GET and HEAD only")
    return verify_fost_url(
        _signed.host(request),
        request.path,
        request.META.get("QUERY_STRING", ""),
        secret_loader=load,
        require_expiry=setting("FOST_URL_REQUIRE_EXPIRY"),
        max_lifetime=setting("FOST_URL_MAX_LIFETIME"),
    )


def refuse(request, reason: str) -> None:
    """Logs why (never the secret) and sleeps as the original did."""
    logger.warning("FOST signature refused %s %r: %s", request.method, request.path[:200], reason)
    pause = getattr(settings, "FOST_AUTHN_MISSIGNED_SLEEP_TIME", 0.5)
    if pause:
        time.sleep(pause)


def authenticated_user(request) -> tuple[Any, FostVerified] | None:
    """``(user, verified)`` for a correctly signed request or URL, else ``None``
    (after logging and the missigned sleep)."""
    try:
        verified = verify(request)
    except (SignatureError, _signed.Unsignable) as exc:
        refuse(request, str(exc))
        return None
    username = verified.act_as if verified.act_as is not None else verified.key
    user = user_named(username)
    if user is None or not getattr(user, "is_active", True):
        refuse(request, f"no active user {username[:64]!r}")
        return None
    return user, verified


class FostBackend:
    """Authentication backend: ``authenticate(request=request, key=..., hmac=...)``
    for a signed request, ``authenticate(request=request)`` for a signed URL."""

    def authenticate(self, request=None, key=None, hmac=None, **credentials):
        if request is None or credentials:
            return None
        if key is None and hmac is None and not is_signed_url(request):
            return None
        found = authenticated_user(request)
        if found is None:
            return None
        user, verified = found
        request.SIGNED = verified.signed
        return user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            return model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None


class FostMiddleware:
    """Sets ``request.user`` from a FOST signature or signed URL, and
    ``request.SIGNED`` to the signed headers (empty when unsigned)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.process_request(request)
        return self.get_response(request)

    def process_request(self, request) -> None:
        request.SIGNED = {}
        user = None
        if is_fost_authorization(request):
            authorization = request.META["HTTP_AUTHORIZATION"].split(None)
            key, _, hmac = (
                authorization[1].partition(":") if len(authorization) == 2 else ("", "", "")
            )
            user = django.contrib.auth.authenticate(
                request=request, key=key or "-", hmac=hmac or "-"
            )
        elif is_signed_url(request):
            user = django.contrib.auth.authenticate(request=request)
        if user is not None:
            request.user = user

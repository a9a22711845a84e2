"""``SignatureAuth``: every scheme (Cavage, drf-hmac, FOST) on Flask through
one ``Verifier``, in the manner of Flask-HTTPAuth."""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Request, Response, current_app, g, jsonify, request

from httpseal import _drf_json, _explain, _responses
from httpseal._challenges import challenges
from httpseal._native import (
    ReplayStoreUnavailable,
    SignatureError,
    Verified,
    Verifier,
)
from httpseal.errors import ImproperlyConfigured
from httpseal.flask._debug import shows_signing_input
from httpseal.replay import store_from

EXTENSION_KEY = "httpseal"
SCHEMES = ("cavage", "drf-hmac", "fost", "rfc9421")

# Refusals are logged where each scheme's users look for them.
LOGGERS = {
    "cavage": logging.getLogger("httpseal.flask"),
    "drf-hmac": logging.getLogger("httpseal.drf"),
    "fost": logging.getLogger("httpseal.fost"),
    "rfc9421": logging.getLogger("httpseal.rfc9421"),
}
logger = LOGGERS["cavage"]

# Verifier options, configurable as keywords or as HTTPSEAL_<NAME> app config.
VERIFIER_OPTIONS = (
    "max_skew",
    "cavage_required_headers",
    "cavage_algorithms",
    "cavage_legacy_digests",
    "cavage_query_rule",
    "drf_hostname",
    "fost_allow_unsigned_query",
    "fost_url_require_expiry",
    "fost_url_max_lifetime",
    "fost_url_single_use",
    "rfc9421_required",
    "rfc9421_content_digest",
    "rfc9421_tag",
    "rfc9421_label",
    "rfc9421_require_created",
    "rfc9421_require_nonce",
    "rfc9421_issue_nonces",
    "rfc9421_nonce_secret",
)
# Options of this adapter itself.
ADAPTER_OPTIONS = (
    "realm",
    "drf_body",
    "replay_store",
    "log_signing_input",
    "rfc9421_sign_responses",
)

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class AppSettings:
    """One app's validated settings; ``app.extensions["httpseal"]["signature"]``."""

    auth: SignatureAuth
    verifier: Verifier
    schemes: tuple[str, ...]
    realm: str
    drf_body: str
    cavage_required_headers: Any
    drf_json: bool  # drf-hmac enabled with its JSON body rule
    log_signing_input: bool | None  # None: in the app's debug mode
    sign_responses: bool  # sign the responses to RFC 9421 requests


class SignatureAuth:
    """Authenticates signed requests on the views it protects.

    ``schemes`` lists the accepted schemes in order of preference (``"cavage"``,
    ``"drf-hmac"``, ``"fost"``); a request is judged by the first whose
    credentials it carries. The other keywords are ``httpseal.Verifier``'s
    (``max_skew``, ``cavage_*``, ``drf_hostname``, ``fost_*``) plus ``realm``
    (``"api"``) and ``drf_body`` (``"json"``: drf-hmac signs the request data as
    compact JSON, the original's rule; ``"raw"``: the body bytes). Each may
    also be set as app config ``HTTPSEAL_<NAME>`` (``HTTPSEAL_SCHEMES``,
    ``HTTPSEAL_MAX_SKEW``…); keywords take precedence. All are validated by
    ``init_app``. ``replay_store`` (``"memory"``, a ``redis://`` URL or a store
    object; off by default) refuses a request seen before; a store outage
    answers 503. ``log_signing_input`` adds the string the server signed to a
    refusal's log record (never the secret or the MAC); by default it follows
    ``app.debug``.

    Register the key store with ``@auth.key_loader``, protect views with
    ``@auth.login_required``, read the result with ``auth.current()`` (also
    ``g.httpseal``).
    """

    def __init__(self, app: Flask | None = None, **options: Any) -> None:
        unknown = sorted(set(options) - {"schemes", *VERIFIER_OPTIONS, *ADAPTER_OPTIONS})
        if unknown:
            raise TypeError(f"SignatureAuth got unknown options: {', '.join(unknown)}")
        self._options = options
        self._key_loader: Callable[[str], Any] | None = None
        self._error_handler: Callable[[SignatureError | None], Any] | None = None
        if app is not None:
            self.init_app(app)

    # -- configuration -----------------------------------------------------

    def _option(self, app: Flask, name: str, default: Any) -> Any:
        if name in self._options:
            return self._options[name]
        return app.config.get(f"HTTPSEAL_{name.upper()}", default)

    def init_app(self, app: Flask) -> None:
        """Validates the settings for ``app``; raises ``ImproperlyConfigured``."""
        schemes = self._option(app, "schemes", ("cavage",))
        if isinstance(schemes, str) or not isinstance(schemes, Sequence):
            raise ImproperlyConfigured("schemes must be a list of scheme names")
        unknown = [s for s in schemes if s not in SCHEMES]
        if unknown:
            raise ImproperlyConfigured(
                f"unknown scheme {unknown[0]!r}; SignatureAuth speaks {', '.join(SCHEMES)}"
                " (Flask-HMAC's token: httpseal.flask.Hmac)"
            )
        drf_body = self._option(app, "drf_body", "json")
        if drf_body not in ("json", "raw"):
            raise ImproperlyConfigured("drf_body must be 'json' or 'raw'")
        realm = self._option(app, "realm", "api")
        if not isinstance(realm, str) or '"' in realm or "\\" in realm:
            raise ImproperlyConfigured("realm must be a str without quotes or backslashes")
        options = {
            name: self._option(app, name, None)
            for name in VERIFIER_OPTIONS
            if name in self._options or f"HTTPSEAL_{name.upper()}" in app.config
        }
        replay_store = replay_store_from(self._option(app, "replay_store", None))
        # Every worker of the app recognises the nonces any of them issued.
        issues = options.get("rfc9421_issue_nonces")
        if issues and options.get("rfc9421_nonce_secret") is None and app.secret_key:
            options["rfc9421_nonce_secret"] = _nonce_secret(app.secret_key)
        sign_responses = self._option(app, "rfc9421_sign_responses", False)
        if not isinstance(sign_responses, bool):
            raise ImproperlyConfigured("rfc9421_sign_responses must be True or False")
        try:
            verifier = Verifier(
                schemes=list(schemes),
                key_loader=self._load_key,
                replay_store=replay_store,
                **options,
            )
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(str(exc)) from None
        app.extensions.setdefault(EXTENSION_KEY, {})["signature"] = AppSettings(
            auth=self,
            verifier=verifier,
            schemes=tuple(schemes),
            realm=realm,
            drf_body=drf_body,
            cavage_required_headers=options.get("cavage_required_headers"),
            drf_json=drf_body == "json" and "drf-hmac" in schemes,
            log_signing_input=self._option(app, "log_signing_input", None),
            sign_responses=sign_responses,
        )

    def key_loader(self, callback: Callable[[str], Any]) -> Callable[[str], Any]:
        """Registers ``callback(key_id)`` returning the secret (``str``/``bytes``),
        an ``HmacKey``, a list of them (rotation), or ``None`` for an unknown key
        (``LookupError`` also means unknown). Called on every signed request."""
        if not callable(callback):
            raise TypeError("the key loader must be callable")
        self._key_loader = callback
        return callback

    def error_handler(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Registers ``callback(error)`` building the 401 response; ``error``
        is the ``SignatureError`` or ``None`` for a request without credentials."""
        if not callable(callback):
            raise TypeError("the error handler must be callable")
        self._error_handler = callback
        return callback

    def _load_key(self, key_id: str) -> Any:
        if self._key_loader is None:
            logger.error("signature not checked: no key loader is registered (@auth.key_loader)")
            return None
        return self._key_loader(key_id)

    @staticmethod
    def _settings() -> AppSettings:
        try:
            return cast(AppSettings, current_app.extensions[EXTENSION_KEY]["signature"])
        except KeyError:
            raise RuntimeError(
                "httpseal.flask.SignatureAuth is not initialised for this app; call init_app(app)"
            ) from None

    # -- per request -------------------------------------------------------

    def current(self) -> Verified | None:
        """What verified the current request, or ``None``."""
        return cast("Verified | None", g.get("httpseal"))

    def authenticate(self) -> Verified | None:
        """Verifies the current request once (the result is kept on ``g``):
        ``Verified``, ``None`` when it carries no credentials of the schemes,
        or raises the ``SignatureError`` (logged) when they are wrong."""
        # The real objects, bound once: each proxy lookup costs about a microsecond.
        kept = g._get_current_object().__dict__
        if "httpseal_error" in kept:
            raise kept["httpseal_error"]
        if "httpseal" in kept:
            return cast("Verified | None", kept["httpseal"])
        settings = self._settings()
        req = cast(Request, request._get_current_object())  # type: ignore[attr-defined]
        drf_data = _drf_data(req) if settings.drf_json else None
        try:
            verified = settings.verifier.verify_environ(
                req.environ, req.get_data(cache=True), drf_data=drf_data
            )
        except SignatureError as exc:
            scheme = exc.scheme or "cavage"
            detail = ""
            if shows_signing_input(current_app, settings.log_signing_input):
                detail = _explain.detail(
                    lambda: settings.verifier.signing_input_environ(
                        req.environ, req.get_data(cache=True), drf_data=drf_data
                    )
                )
            LOGGERS.get(scheme, logger).warning(
                "%s signature refused %s %r (key %r): %s%s",
                scheme,
                req.method,
                req.path[:200],
                (exc.key_id or "")[:64],
                exc,
                detail,
            )
            kept["httpseal_error"] = exc
            raise
        except ReplayStoreUnavailable as exc:
            logger.error("signature not checked on %s %r: %s", req.method, req.path[:200], exc)
            raise
        except _drf_json.Unsignable as exc:
            LOGGERS["drf-hmac"].warning(
                "drf-hmac signature refused %s %r: %s", req.method, req.path[:200], exc
            )
            error = SignatureError(str(exc))
            kept["httpseal_error"] = error
            raise error from None
        if verified is None:
            logger.debug(
                "no %s credentials on %s %r",
                " / ".join(settings.schemes),
                req.method,
                req.path[:200],
            )
        kept["httpseal"] = verified
        return verified

    def login_required(self, view: View | None = None, *, optional: bool = False) -> Any:
        """Decorator (``@auth.login_required`` or ``@auth.login_required(optional=True)``):
        the view runs when the request verifies; otherwise a 401 with a
        challenge per scheme. ``optional=True`` also lets unsigned requests
        through (``current()`` is ``None``); wrong credentials are still refused."""

        def decorate(view: View) -> View:
            is_async = inspect.iscoroutinefunction(view)

            @wraps(view)
            def protected(*args: Any, **kwargs: Any) -> Any:
                try:
                    verified = self.authenticate()
                except SignatureError as exc:
                    return self._refusal(exc)
                except ReplayStoreUnavailable:
                    return unavailable()
                if verified is None and not optional:
                    return self._refusal(None)
                if is_async:
                    result = current_app.ensure_sync(view)(*args, **kwargs)
                else:
                    result = view(*args, **kwargs)
                if verified is not None and verified.scheme == "rfc9421":
                    return self._signed_response(verified, result)
                return result

            return cast(View, protected)

        return decorate(view) if view is not None else decorate

    def _signed_response(self, verified: Verified, result: Any) -> Any:
        """The view's response, signed with the request's key when
        ``rfc9421_sign_responses`` is on (RFC 9421, binding it to the request)."""
        settings = self._settings()
        if not settings.sign_responses:
            return result
        response = current_app.make_response(result)
        if response.is_streamed:
            logger.warning("a streamed response to %r is not signed", request.path[:200])
            return response
        req = cast(Request, request._get_current_object())  # type: ignore[attr-defined]
        for name, value in _responses.signature_headers(
            verified,
            self._load_key,
            response.status_code,
            list(response.headers.items()),
            response.get_data(),
            req.environ,
            req.scheme,
        ):
            response.headers[name] = value
        return response

    # -- the refusal -------------------------------------------------------

    def _refusal(self, error: SignatureError | None) -> Response:
        if self._error_handler is not None:
            response = current_app.make_response(
                current_app.ensure_sync(self._error_handler)(error)
            )
        else:
            response = jsonify(message="Access Denied")
            response.status_code = 401
        if response.status_code == 401:
            for challenge in self.challenges(request.method):
                response.headers.add("WWW-Authenticate", challenge)
            refused_key = error.key_id if error is not None and error.scheme == "rfc9421" else None
            accept = self._settings().verifier.accept_signature(
                content=bool(request.content_length), key_id=refused_key
            )
            if accept is not None and "Accept-Signature" not in response.headers:
                response.headers["Accept-Signature"] = accept
        return response

    def challenges(self, method: str) -> list[str]:
        """The ``WWW-Authenticate`` values of a 401, one per scheme."""
        settings = self._settings()
        return challenges(
            settings.schemes, settings.realm, settings.cavage_required_headers, method
        )


def replay_store_from(value: Any) -> Any:
    """``None``, ``"memory"`` (a bounded store for this app in this process),
    a ``redis://`` URL (shared by every worker) or a store object, as
    ``replay_store``/``HTTPSEAL_REPLAY_STORE`` take it."""
    try:
        return store_from(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"replay_store: {exc}, not {str(value)[:64]!r}") from None


def unavailable() -> Response:
    """503: the replay store could not be consulted (the reason is logged)."""
    response = jsonify(message="Service Unavailable")
    response.status_code = 503
    response.headers["Retry-After"] = "1"
    return response


def _drf_data(req: Request) -> Callable[[], bytes]:
    """drf-hmac's JSON rule over a Flask request, asked for only when the
    request is drf-hmac's."""

    def form() -> Any:
        if req.files:
            raise _drf_json.Unsignable("files cannot be signed as JSON; sign the raw body")
        return req.form

    return lambda: _drf_json.from_body(req.get_data(cache=True), req.mimetype, form)


def _nonce_secret(app_secret: str | bytes) -> bytes:
    """A key for RFC 9421 nonces derived from the app's secret key, so that
    every worker and host of the app shares it without another setting."""
    secret = app_secret.encode() if isinstance(app_secret, str) else app_secret
    return hmac.digest(secret, b"httpseal rfc9421 nonces", "sha256")

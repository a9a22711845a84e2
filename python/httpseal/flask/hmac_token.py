"""Flask-HMAC's scheme: the ``HMAC`` header carries a MAC of the request path."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, Union

from flask import Flask, current_app, g, jsonify, request

from httpseal import _explain
from httpseal._native import (
    HmacKey,
    SignatureError,
    Verifier,
    compare_hmacs,
    render_hmac,
)
from httpseal.errors import ImproperlyConfigured
from httpseal.flask._debug import shows_signing_input

logger = logging.getLogger("httpseal.flask")

Secret = Union[str, bytes]
EXTENSION_KEY = "httpseal"


@dataclass(frozen=True)
class HmacSettings:
    """What one app configured; kept in ``app.extensions["httpseal"]["hmac"]``."""

    keys: tuple[HmacKey, ...]
    digest: str
    encoding: str
    header: str
    status_code: int
    message: str
    verifier: Verifier  # the pipeline, for the "flask-hmac" scheme alone


def _secrets(value: Any) -> list[Secret]:
    """``HMAC_KEY`` as a list: one secret, or several for key rotation."""
    if isinstance(value, (str, bytes)):
        value = [value]
    if not isinstance(value, Sequence) or not value:
        raise ImproperlyConfigured(
            "HMAC_KEY must be set to a non-empty str or bytes secret, or a list of them"
        )
    for secret in value:
        if not isinstance(secret, (str, bytes)) or not secret:
            raise ImproperlyConfigured("every HMAC_KEY entry must be a non-empty str or bytes")
    return list(value)


class Hmac:
    """Checks the ``HMAC`` header of decorated views.

    Config: ``HMAC_KEY`` (required; a list rotates keys), ``HMAC_DISARM``,
    ``HMAC_DIGEST`` (``sha256``), ``HMAC_ENCODING`` (``base64url``, ``base64``
    or ``hex``), ``HMAC_HEADER`` (``HMAC``), ``HMAC_ERROR_STATUS`` (403) and
    ``HMAC_ERROR_MESSAGE`` (``"not authorized"``). Constructor keywords, when
    given, take precedence over the config.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        encoding: str | None = None,
        status_code: int | None = None,
        message: str | None = None,
    ) -> None:
        self._overrides = {
            "HMAC_ENCODING": encoding,
            "HMAC_ERROR_STATUS": status_code,
            "HMAC_ERROR_MESSAGE": message,
        }
        if app is not None:
            self.init_app(app)

    def _option(self, app: Flask, name: str, default: Any) -> Any:
        override = self._overrides.get(name)
        return override if override is not None else app.config.get(name, default)

    def init_app(self, app: Flask) -> None:
        """Reads and validates the app's config; raises ``ImproperlyConfigured``."""
        digest = app.config.get("HMAC_DIGEST", "sha256")
        encoding = self._option(app, "HMAC_ENCODING", "base64url")
        header = app.config.get("HMAC_HEADER", "HMAC")
        try:
            keys = tuple(HmacKey(s, digest=digest) for s in _secrets(app.config.get("HMAC_KEY")))
            verifier = Verifier(
                schemes=["flask-hmac"],
                key_loader=lambda _no_key_id: list(keys),
                flask_hmac_header=header,
                flask_hmac_encoding=encoding,
                flask_hmac_digest=digest,
            )
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(str(exc)) from None
        status_code = int(self._option(app, "HMAC_ERROR_STATUS", 403))
        if not 400 <= status_code <= 599:
            raise ImproperlyConfigured("HMAC_ERROR_STATUS must be a 4xx or 5xx status code")
        settings = HmacSettings(
            keys=keys,
            digest=digest,
            encoding=encoding,
            header=header,
            status_code=status_code,
            message=str(self._option(app, "HMAC_ERROR_MESSAGE", "not authorized")),
            verifier=verifier,
        )
        if app.config.get("HTTPSEAL_REPLAY_STORE") is not None:
            logger.warning(
                "HTTPSEAL_REPLAY_STORE does not protect Flask-HMAC tokens: they carry no time,"
                " so a captured token stays valid for ever and no store can remember it"
            )
        app.extensions.setdefault(EXTENSION_KEY, {})["hmac"] = settings

    # Flask-HMAC's name for init_app.
    init_self = init_app

    @staticmethod
    def _settings() -> HmacSettings:
        try:
            return current_app.extensions[EXTENSION_KEY]["hmac"]
        except KeyError:
            raise RuntimeError(
                "httpseal.flask.Hmac is not initialised for this app; call init_app(app)"
            ) from None

    def check_hmac(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: the view runs only when the request's token is valid."""

        @wraps(view)
        def checked_view(*args: Any, **kwargs: Any) -> Any:
            settings = self._settings()
            if not current_app.config.get("HMAC_DISARM", False):
                refusal = self._refusal(settings)
                if refusal is not None:
                    return refusal
            return current_app.ensure_sync(view)(*args, **kwargs)

        return checked_view

    def _refusal(self, settings: HmacSettings) -> Any:
        """The failure response, or ``None`` when the request verifies (the
        result is then ``g.httpseal``)."""
        # WSGI joins a repeated header into one "a, b" value, which never verifies.
        token = request.headers.get(settings.header)
        # The path decoded, as Flask-HMAC signs it.
        signed = (
            request.method,
            request.path,
            "",
            {} if token is None else {settings.header: token},
        )
        detail = ""
        try:
            verified = settings.verifier.verify(*signed)
        except SignatureError as exc:
            verified, reason = None, str(exc)
            if shows_signing_input(current_app):
                detail = _explain.detail(lambda: settings.verifier.signing_input(*signed))
        else:
            reason = f"no {settings.header} header"
        if verified is None:
            logger.warning(
                "HMAC check refused %s %r: %s%s", request.method, request.path[:200], reason, detail
            )
            response = jsonify({"status": str(settings.status_code), "message": settings.message})
            response.status_code = settings.status_code
            return response
        g.httpseal = verified
        return None

    def render_hmac(self, secret: Secret, data: Secret) -> str:
        """The token for ``data`` (Flask-HMAC's method), in this app's digest and encoding."""
        digest, encoding = self._format()
        return render_hmac(secret, data, digest=digest, encoding=encoding)

    def compare_hmacs(self, secret: Secret, data: Secret, hmac_token_client: Any) -> bool:
        """Constant-time check of a client token (Flask-HMAC's method), with
        ``httpseal.compare_hmacs``'s rule: a ``str``, ``bytes``, ``bytearray``
        or ``None`` token gives ``True``/``False``; another type is a ``TypeError``."""
        digest, encoding = self._format()
        return compare_hmacs(secret, data, hmac_token_client, digest=digest, encoding=encoding)

    @staticmethod
    def _format() -> tuple[str, str]:
        settings = (
            current_app.extensions.get(EXTENSION_KEY, {}).get("hmac") if current_app else None
        )
        if settings is None:
            return "sha256", "base64url"
        return settings.digest, settings.encoding

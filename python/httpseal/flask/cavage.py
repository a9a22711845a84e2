"""Flask-Cavage's API over httpseal's native draft-cavage verifier."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, jsonify, request

from httpseal import _explain
from httpseal._native import ReplayedRequest, ReplayStoreUnavailable, SignatureError, Verifier
from httpseal.cavage import (
    ALGORITHMS,
    QUERY_RULES,
    HeadersMap,
    required_headers,
    requirements_by_method,
)
from httpseal.errors import ImproperlyConfigured
from httpseal.flask._debug import shows_signing_input
from httpseal.flask.signature_auth import replay_store_from, unavailable

logger = logging.getLogger("httpseal.flask")

EXTENSION_KEY = "httpseal"


class CavageSignature:
    """Verifies draft-cavage HTTP Signatures before each request.

    Sets ``g.cavage_verified``, ``g.cavage_key_id`` and ``g.cavage_context``;
    protect views with ``require_apikey_authentication``.

    Config: ``CAVAGE_MAX_SKEW`` (300 s; ``None`` switches the Date check off),
    ``CAVAGE_ALGORITHMS`` (all of hmac-sha1, hmac-sha256, hmac-sha512),
    ``CAVAGE_LEGACY_DIGESTS`` (accept MD5 and SHA-1 in ``Digest``; off),
    ``CAVAGE_QUERY_RULE`` (``"draft"``: the query is signed for every method;
    ``"flask-cavage"``: for GET, HEAD and DELETE only, as Flask-Cavage verified,
    which leaves a POST's query unsigned — only for custom legacy clients),
    ``HTTPSEAL_REPLAY_STORE`` (``"memory"``, a ``redis://`` URL or a store
    object; off by default: a request seen before is refused, a store outage
    answers 503).
    """

    def __init__(self, app: Flask | None = None, headers_map: Any = None) -> None:
        self.headers_map = headers_map or HeadersMap
        self.secret_loader_callback: Callable[[str], Any] | None = None
        self.context_loader_callback: Callable[[str], Any] | None = None
        self.replay_checker_callback: Callable[[Any], bool] | None = None
        self._verifier: tuple[tuple[Any, ...], Verifier] | None = None
        if app is not None:
            self.init_app(app, headers_map)

    def init_app(self, app: Flask, headers_map: Any = None) -> CavageSignature:
        """Validates the ``CAVAGE_*`` config (``ImproperlyConfigured``) and
        checks every request of ``app`` from now on."""
        if headers_map is not None:
            self.headers_map = headers_map
        algorithms = list(app.config.get("CAVAGE_ALGORITHMS", ALGORITHMS))
        unknown = [a for a in algorithms if str(a).lower() not in ALGORITHMS]
        if unknown or not algorithms:
            raise ImproperlyConfigured(
                f"CAVAGE_ALGORITHMS must be a non-empty list drawn from {', '.join(ALGORITHMS)}"
            )
        if app.config.get("CAVAGE_QUERY_RULE", "draft") not in QUERY_RULES:
            raise ImproperlyConfigured(
                f"CAVAGE_QUERY_RULE must be one of {', '.join(map(repr, QUERY_RULES))}"
            )
        legacy = app.config.get("CAVAGE_LEGACY_DIGESTS", False)
        if not isinstance(legacy, bool):
            raise ImproperlyConfigured("CAVAGE_LEGACY_DIGESTS must be True or False")
        extensions = app.extensions.setdefault(EXTENSION_KEY, {})
        extensions["cavage_replay_store"] = replay_store_from(
            app.config.get("HTTPSEAL_REPLAY_STORE")
        )
        try:
            self._build(self._settings_of(app.config, extensions["cavage_replay_store"]))
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"bad CAVAGE_* setting: {exc}") from None
        extensions["cavage"] = self
        app.before_request(self._verify_request)
        return self

    # -- callbacks, as Flask-Cavage registers them -------------------------

    @staticmethod
    def _callable(callback: Any, what: str) -> None:
        if not callable(callback):
            raise TypeError(f"{what} must be callable")

    def secret_loader(self, callback: Callable[[str], Any]) -> Callable[[str], Any]:
        """Registers ``callback(key_id)`` returning the secret (``str``/``bytes``),
        an ``HmacKey`` pinned to one algorithm, a list of them (rotation), or ``None``."""
        self._callable(callback, "the secret loader")
        self.secret_loader_callback = callback
        return callback

    def context_loader(self, callback: Callable[[str], Any]) -> Callable[[str], Any]:
        """Registers ``callback(key_id)``; its result becomes ``g.cavage_context``."""
        self._callable(callback, "the context loader")
        self.context_loader_callback = callback
        return callback

    def replay_checker(self, callback: Callable[[Any], bool]) -> Callable[[Any], bool]:
        """Registers ``callback(headers)`` returning ``False`` to refuse a replay."""
        self._callable(callback, "the replay checker")
        self.replay_checker_callback = callback
        return callback

    # -- verification ------------------------------------------------------

    def _settings_of(self, config: Any, replay_store: Any) -> tuple[Any, ...]:
        return (
            self.headers_map,
            tuple(config.get("CAVAGE_ALGORITHMS", ALGORITHMS)),
            config.get("CAVAGE_MAX_SKEW", 300),
            config.get("CAVAGE_LEGACY_DIGESTS", False),
            config.get("CAVAGE_QUERY_RULE", "draft"),
            replay_store,
        )

    def _build(self, settings: tuple[Any, ...]) -> Verifier:
        headers_map, algorithms, max_skew, legacy, query_rule, replay_store = settings
        verifier = Verifier(
            schemes=["cavage"],
            key_loader=self._load_secret,
            cavage_required_headers=requirements_by_method(headers_map),
            cavage_algorithms=list(algorithms),
            max_skew=max_skew,
            cavage_legacy_digests=legacy,
            cavage_query_rule=query_rule,
            replay_store=replay_store,
        )
        self._verifier = (settings, verifier)
        return verifier

    def _verifier_for(self, config: Any) -> Verifier:
        """The verifier for the current settings: Flask-Cavage read its config
        per request, so a change after ``init_app`` still applies."""
        store = current_app.extensions.get(EXTENSION_KEY, {}).get("cavage_replay_store")
        settings = self._settings_of(config, store)
        if self._verifier is not None and self._verifier[0] == settings:
            return self._verifier[1]
        return self._build(settings)

    def _load_secret(self, key_id: str) -> Any:
        assert self.secret_loader_callback is not None  # checked before verifying
        return self.secret_loader_callback(key_id)

    def _verify_request(self) -> None:
        g.cavage_verified = False
        if self.secret_loader_callback is None:
            logger.error("Cavage signature not checked: no secret loader is registered")
            return
        try:
            verifier = self._verifier_for(current_app.config)
        except (TypeError, ValueError) as exc:
            logger.error("Cavage signature not checked: bad CAVAGE_* setting: %s", exc)
            return
        try:
            verified = verifier.verify_environ(request.environ, request.get_data(cache=True))
            if verified is None:
                # Unsigned, or another scheme's credentials: not ours to judge.
                logger.debug(
                    "Cavage signature absent on %s %r: no signature",
                    request.method,
                    request.path[:200],
                )
                return
            if self.replay_checker_callback and not self.replay_checker_callback(request.headers):
                raise ReplayedRequest("request refused by the replay check")
        except SignatureError as exc:
            detail = ""
            if shows_signing_input(current_app):
                detail = _explain.detail(
                    lambda: verifier.signing_input_environ(
                        request.environ, request.get_data(cache=True)
                    )
                )
            logger.warning(
                "Cavage signature refused %s %r: %s%s",
                request.method,
                request.path[:200],
                exc,
                detail,
            )
            return
        except ReplayStoreUnavailable as exc:
            logger.error(
                "Cavage signature not checked on %s %r: %s", request.method, request.path[:200], exc
            )
            g.cavage_unavailable = True
            return
        g.httpseal = verified
        g.cavage_key_id = verified.key_id
        g.cavage_verified = True
        if self.context_loader_callback is not None:
            g.cavage_context = self.context_loader_callback(verified.key_id)


def _challenge(method: str) -> str:
    ext = current_app.extensions.get(EXTENSION_KEY, {}).get("cavage")
    headers_map = ext.headers_map if ext is not None else HeadersMap
    return " ".join(required_headers(headers_map, method))


NOT_INITIALISED = (
    "view {view!r} is protected by require_apikey_authentication, but no CavageSignature"
    " was initialised for the app {app!r}, so no request could ever pass: create it with"
    " CavageSignature(app) or call cavage_signature.init_app(app) where the app is created"
    " (Flask-Cavage's quick start calls init_app under `if __name__ == '__main__'`,"
    " which `flask run` and WSGI servers never execute)"
)


def require_apikey_authentication(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: 401 with a ``WWW-Authenticate: Signature`` challenge unless
    the request's signature verified."""

    @wraps(view)
    def protected(*args: Any, **kwargs: Any) -> Any:
        if "cavage" not in current_app.extensions.get(EXTENSION_KEY, {}):
            raise RuntimeError(NOT_INITIALISED.format(view=view.__name__, app=current_app.name))
        if g.get("cavage_unavailable", False):
            return unavailable()
        if not g.get("cavage_verified", False):
            response = jsonify(message="Access Denied")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = (
                f'Signature realm="HTTP-Signatures",headers="{_challenge(request.method)}"'
            )
            return response
        return current_app.ensure_sync(view)(*args, **kwargs)

    return protected

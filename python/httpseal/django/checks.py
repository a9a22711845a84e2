"""System checks: every misconfiguration that would otherwise fail silently
(as anonymous users or 401s) shows at startup and in ``manage.py check``.

- ``httpseal.E001``: a bad ``HTTPSEAL`` value (``conf.problems``).
- ``httpseal.E002``: a signature middleware placed before
  ``AuthenticationMiddleware``, which would then replace the signed user.
- ``httpseal.E003``: ``FostMiddleware`` without ``FostBackend`` in
  ``AUTHENTICATION_BACKENDS`` (every FOST request would stay anonymous).
- ``httpseal.E004``: a bad ``FOST_AUTHN_*`` value.
- ``httpseal.W001``: ``SignatureMiddleware`` or ``SignatureAuthentication``
  in use with ``HTTPSEAL["SCHEMES"]`` empty (it accepts nothing).
- ``httpseal.W002``: the replay store is a Memcached cache, which evicts
  live entries under memory pressure (a cache that culls them, or is private
  to one process, is an ``E001``).
- ``httpseal.W003`` (``check --deploy``, which asks the server): a Redis
  behind the replay store or the webhook ledger whose ``maxmemory-policy``
  evicts live entries (``allkeys-*``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from httpseal.django.conf import problems, setting

AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
SIGNATURE_MIDDLEWARE = "httpseal.django.middleware.SignatureMiddleware"
FOST_MIDDLEWARE = "httpseal.django.fost.FostMiddleware"
FOST_BACKEND = "httpseal.django.fost.FostBackend"
SIGNATURE_AUTHENTICATION = ("httpseal.drf.SignatureAuthentication",)


@register()
def check_settings(app_configs: Any, **kwargs: Any) -> list[Any]:
    return [Error(message, id="httpseal.E001") for message in problems()]


@register()
def check_middleware(app_configs: Any, **kwargs: Any) -> list[Any]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    found: list[Any] = []
    for ours in (SIGNATURE_MIDDLEWARE, FOST_MIDDLEWARE):
        if ours not in middleware:
            continue
        position = middleware.index(ours)
        if AUTHENTICATION_MIDDLEWARE in middleware[position:]:
            found.append(
                Error(
                    f"{ours} is listed before {AUTHENTICATION_MIDDLEWARE}, "
                    "which then replaces the signed request's user",
                    hint=f"Move {ours} after {AUTHENTICATION_MIDDLEWARE} in MIDDLEWARE.",
                    id="httpseal.E002",
                )
            )
    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", None) or [])
    if FOST_MIDDLEWARE in middleware and FOST_BACKEND not in backends:
        found.append(
            Error(
                f"{FOST_MIDDLEWARE} needs {FOST_BACKEND} in AUTHENTICATION_BACKENDS: "
                "without it every FOST-signed request stays anonymous",
                hint=f"Add {FOST_BACKEND!r} to AUTHENTICATION_BACKENDS.",
                id="httpseal.E003",
            )
        )
    drf = getattr(settings, "REST_FRAMEWORK", None) or {}
    classes = drf.get("DEFAULT_AUTHENTICATION_CLASSES", ()) if isinstance(drf, dict) else ()
    generic = SIGNATURE_MIDDLEWARE in middleware or any(
        c in SIGNATURE_AUTHENTICATION for c in classes
    )
    schemes = setting("SCHEMES")
    if generic and isinstance(schemes, (list, tuple)) and not schemes:
        found.append(
            Warning(
                "SignatureMiddleware/SignatureAuthentication is in use but "
                "HTTPSEAL['SCHEMES'] is empty, so it accepts no request",
                hint="Set HTTPSEAL = {'SCHEMES': ['cavage', 'drf-hmac', 'fost']} (those you use).",
                id="httpseal.W001",
            )
        )
    return found


@register()
def check_fost_settings(app_configs: Any, **kwargs: Any) -> list[Any]:
    return [Error(message, id="httpseal.E004") for message in fost_problems()]


def fost_problems() -> list[str]:
    """What is wrong with the ``FOST_AUTHN_*`` settings (django-fost-authn's names)."""
    found = []
    for name in ("FOST_AUTHN_MAXIMUM_CLOCK_SKEW", "FOST_AUTHN_MISSIGNED_SLEEP_TIME"):
        if not hasattr(settings, name):
            continue
        value = getattr(settings, name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0
        ):
            found.append(f"{name} must be a non-negative number of seconds or None")
    if hasattr(settings, "FOST_AUTHN_GET_SECRET") and not callable(settings.FOST_AUTHN_GET_SECRET):
        found.append("FOST_AUTHN_GET_SECRET must be a callable (request, key) -> secret")
    allow = getattr(settings, "FOST_AUTHN_ALLOW_UNSIGNED_QUERY", False)
    if not isinstance(allow, bool):
        found.append("FOST_AUTHN_ALLOW_UNSIGNED_QUERY must be True or False")
    return found


@register(deploy=True)
def check_redis_eviction(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Asks each Redis the replay store and the delivery ledger write to for
    its eviction policy: a deployment check, since it connects."""
    from httpseal.replay import eviction_warning

    found = []
    for name, client in _redis_clients():
        warning = eviction_warning(client)
        if warning is not None:
            found.append(
                Warning(
                    f"HTTPSEAL[{name!r}]: {warning}",
                    hint="Set maxmemory-policy to noeviction (or volatile-*) on that server.",
                    id="httpseal.W003",
                )
            )
    return found


def _redis_clients() -> list[tuple[str, Any]]:
    """(setting, sync Redis client) for each store setting that names a
    Redis: a URL, a Redis-backed store, or a cache alias on Django's RedisCache."""
    from httpseal.deliveries import RedisDeliveries
    from httpseal.django.conf import replay_store
    from httpseal.django.webhooks import ledger
    from httpseal.replay import RedisReplayStore

    found: list[tuple[str, Any]] = []
    try:
        stores = (("REPLAY_STORE", replay_store()), ("WEBHOOK_DELIVERIES", ledger()))
    except (TypeError, ValueError):
        return []  # a bad setting: httpseal.E001 says which
    for name, store in stores:
        if isinstance(store, (RedisReplayStore, RedisDeliveries)):
            found.append((name, store.client))
        alias = getattr(store, "alias", None)
        if alias is not None and _is_redis_cache(alias):
            from django.core.cache import caches

            found.append((name, caches[alias]._cache.get_client(write=True)))
    return found


def _is_redis_cache(alias: str) -> bool:
    config = getattr(settings, "CACHES", {}).get(alias) or {}
    return config.get("BACKEND") == "django.core.cache.backends.redis.RedisCache"


@register()
def check_replay_cache(app_configs: Any, **kwargs: Any) -> list[Any]:
    store = setting("REPLAY_STORE")
    if not (isinstance(store, str) and store.startswith("cache:")):
        return []
    from httpseal.django.replay import cache_problems

    _errors, warnings = cache_problems(store.removeprefix("cache:"))
    return [Warning(message, id="httpseal.W002") for message in warnings]

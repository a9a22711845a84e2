"""Replay protection on Django and DRF: HTTPSEAL["REPLAY_STORE"] for the
generic adapters and the legacy classes, 503 when the store fails."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from httpseal.django.checks import check_settings

from tests.test_django_signature import ALL, MIDDLEWARE, SCHEMES, request_for, send

pytestmark = pytest.mark.django_db


class DownStore:
    def check_and_record(self, key, ttl_seconds):
        raise ConnectionError("refused")


@pytest.mark.parametrize(("scheme", "key_id"), SCHEMES)
def test_the_generic_adapters_accept_a_request_once(
    client, settings, keys_named_as_users, scheme, key_id, caplog
):
    settings.HTTPSEAL = {"SCHEMES": ALL, "REPLAY_STORE": "memory", "FOST_URL_SINGLE_USE": True}
    request = request_for(scheme, path="/signed/notes/")
    assert send(client, request).status_code == 200
    with caplog.at_level(logging.WARNING):
        assert send(client, request).status_code == 401
    assert "replay" in caplog.text
    settings.MIDDLEWARE = MIDDLEWARE
    behind_middleware = Client()  # a client loads the middleware once
    request = request_for(scheme, path="/signed/whoami/")
    assert send(behind_middleware, request).json()["user"] == key_id
    assert send(behind_middleware, request).json()["user"] is None


@pytest.mark.parametrize(
    ("scheme", "path", "accepted"),
    [
        ("drf-hmac", "/notes/", 201),
        ("fost", "/fost/notes/", 200),
        ("fost-url", "/fost/notes/", 200),
    ],
)
def test_the_legacy_classes_use_the_same_store(
    client, settings, keys_named_as_users, scheme, path, accepted
):
    settings.HTTPSEAL = {"REPLAY_STORE": "memory", "FOST_URL_SINGLE_USE": True}
    request = request_for(scheme, path=path)
    assert send(client, request).status_code == accepted
    assert send(client, request).status_code == 401


def test_fost_middleware_refuses_a_replayed_request(client, settings, keys_named_as_users):
    settings.HTTPSEAL = {"REPLAY_STORE": "memory"}
    request = request_for("fost", path="/whoami/")
    assert send(client, request).json()["user"] == "fost"
    assert send(client, request).json()["user"] is None


@pytest.mark.parametrize(
    ("path", "scheme", "middleware"),
    [
        ("/signed/whoami/", "cavage", MIDDLEWARE),
        ("/signed/notes/", "drf-hmac", None),
        ("/notes/", "drf-hmac", None),
        ("/fost/notes/", "fost", None),
        ("/whoami/", "fost", None),
    ],
)
def test_a_store_outage_is_503_everywhere(
    client, settings, keys_named_as_users, path, scheme, middleware, caplog
):
    settings.HTTPSEAL = {"SCHEMES": ALL, "REPLAY_STORE": DownStore()}
    if middleware:
        settings.MIDDLEWARE = middleware
    with caplog.at_level(logging.ERROR):
        response = send(client, request_for(scheme, path=path))
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "ConnectionError" in caplog.text


@pytest.mark.parametrize(
    ("store", "options", "message"),
    [
        ("ftp://later", {}, "must be 'memory', a redis:// URL"),
        (object(), {}, "check_and_record"),
        ("memory", {"MAX_SKEW": None}, "needs HTTPSEAL['MAX_SKEW']"),
    ],
)
def test_bad_replay_settings_are_system_check_errors(settings, store, options, message):
    settings.HTTPSEAL = {"REPLAY_STORE": store, **options}
    errors = check_settings(None)
    assert any(message in e.msg for e in errors), errors


def test_redis_as_the_django_replay_store(client, settings, keys_named_as_users, redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.HTTPSEAL = {"SCHEMES": ALL, "REPLAY_STORE": redis_url}
    request = request_for("drf-hmac", path="/signed/notes/")
    assert send(client, request).status_code == 200
    assert send(client, request).status_code == 401
    assert check_settings(None) == []


@pytest.mark.parametrize(
    ("backend", "refusal"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", "LocMemCache culls live entries"),
        ("django.core.cache.backends.filebased.FileBasedCache", "FileBasedCache culls"),
        ("django.core.cache.backends.db.DatabaseCache", "DatabaseCache culls"),
        ("django.core.cache.backends.dummy.DummyCache", "DummyCache keeps nothing"),
    ],
)
def test_caches_that_forget_live_entries_are_refused(settings, tmp_path, backend, refusal):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}
    settings.HTTPSEAL = {"REPLAY_STORE": "cache:default"}
    assert any(refusal in e.msg for e in check_settings(None))


def test_memcached_is_warned_about_and_a_missing_alias_refused(settings):
    from httpseal.django.checks import check_replay_cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "mc": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"},
    }
    settings.HTTPSEAL = {"REPLAY_STORE": "cache:mc"}
    assert [w.id for w in check_replay_cache(None)] == ["httpseal.W002"]
    assert check_settings(None) == []
    settings.HTTPSEAL = {"REPLAY_STORE": "cache:nowhere"}
    assert any("CACHES lacks" in e.msg for e in check_settings(None))


def test_a_redis_backed_django_cache_as_the_replay_store(
    client, settings, keys_named_as_users, redis_url
):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "replay": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
    }
    settings.HTTPSEAL = {"SCHEMES": ALL, "REPLAY_STORE": "cache:replay"}
    assert check_settings(None) == []
    for scheme, path in (("cavage", "/signed/notes/"), ("drf-hmac", "/notes/")):
        request = request_for(scheme, path=path)
        assert send(client, request).status_code in (200, 201)
        assert send(client, request).status_code == 401
    assert redis.Redis.from_url(redis_url).keys("*httpseal:replay:*")


def test_signed_urls_stay_reusable_unless_single_use(client, settings, keys_named_as_users):
    settings.HTTPSEAL = {"REPLAY_STORE": "memory"}
    request = request_for("fost-url", path="/fost/notes/")
    assert [send(client, request).status_code for _ in range(3)] == [200, 200, 200]
    settings.HTTPSEAL = {"FOST_URL_SINGLE_USE": True}
    assert any("needs HTTPSEAL['REPLAY_STORE']" in e.msg for e in check_settings(None))


@pytest.mark.parametrize("where", ["url", "cache", "deliveries"])
def test_deploy_checks_ask_redis_for_its_eviction_policy(settings, redis_url, where):
    import redis
    from django.core import checks

    if where == "cache":
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "replay": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            },
        }
        settings.HTTPSEAL = {"REPLAY_STORE": "cache:replay"}
    elif where == "url":
        settings.HTTPSEAL = {"REPLAY_STORE": redis_url}
    else:
        settings.HTTPSEAL = {"WEBHOOK_DELIVERIES": redis_url}

    def w003(deploy: bool) -> list[str]:
        found = checks.run_checks(include_deployment_checks=deploy)
        return [m.msg for m in found if m.id == "httpseal.W003"]

    server = redis.Redis.from_url(redis_url)
    server.config_set("maxmemory-policy", "allkeys-lru")
    try:
        assert w003(deploy=False) == []  # only a deployment check connects
        (message,) = w003(deploy=True)
        assert "allkeys-lru" in message
    finally:
        server.config_set("maxmemory-policy", "noeviction")
    assert w003(deploy=True) == []
    settings.HTTPSEAL = {"REPLAY_STORE": "redis://127.0.0.1:1/0"}  # unreachable: not asked
    assert w003(deploy=True) == []

"""The httpseal Django app: HMACKey model, admin, management command, the
new-user receiver and the settings checks."""

from __future__ import annotations

import re

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

from httpseal.django.models import HMACKey, generate_key

HEX40 = re.compile(r"^[0-9a-f]{40}$")


def test_generated_keys_are_40_hex_and_distinct():
    keys = {generate_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(HEX40.match(k) for k in keys)


@pytest.mark.django_db
def test_model_defaults_relation_and_repr(hmac_key, user):
    assert HEX40.match(hmac_key.key) and HEX40.match(hmac_key.secret)
    assert hmac_key.key != hmac_key.secret
    assert user.hmac_key == hmac_key
    assert hmac_key.secret not in repr(hmac_key) and hmac_key.secret not in str(hmac_key)


@pytest.mark.django_db
def test_rotate_replaces_key_and_secret(hmac_key, user):
    old_key, old_secret = hmac_key.key, hmac_key.secret
    new = HMACKey.rotate_for(user)
    assert (new.key, new.secret) != (old_key, old_secret)
    assert list(HMACKey.objects.filter(user=user)) == [new]


@pytest.mark.django_db
def test_management_command_creates_then_rotates(user, capsys):
    call_command("httpseal_key", "alice")
    first = capsys.readouterr().out
    key = HMACKey.objects.get(user=user)
    assert f"key: {key.key}" in first and f"secret: {key.secret}" in first
    with pytest.raises(CommandError, match="--rotate"):
        call_command("httpseal_key", "alice")
    call_command("httpseal_key", "alice", "--rotate")
    assert HMACKey.objects.get(user=user).key != key.key
    with pytest.raises(CommandError, match="no user"):
        call_command("httpseal_key", "nobody")


@pytest.mark.django_db
def test_new_users_get_keys_only_when_enabled(django_user_model, settings):
    plain = django_user_model.objects.create_user("bob")
    assert not HMACKey.objects.filter(user=plain).exists()
    settings.HTTPSEAL = {"AUTO_CREATE_KEYS": True}
    keyed = django_user_model.objects.create_user("carol")
    assert HMACKey.objects.filter(user=keyed).exists()
    keyed.save()  # not created again
    assert HMACKey.objects.filter(user=keyed).count() == 1


@pytest.mark.django_db
def test_admin_never_lists_secrets(admin_client, hmac_key):
    listing = admin_client.get("/admin/httpseal/hmackey/")
    assert listing.status_code == 200
    assert hmac_key.key in listing.content.decode()
    assert hmac_key.secret not in listing.content.decode()
    change = admin_client.get(f"/admin/httpseal/hmackey/{hmac_key.key}/change/")
    assert change.status_code == 200
    assert hmac_key.secret not in change.content.decode()


@pytest.mark.django_db
def test_admin_shows_a_new_secret_once(admin_client, django_user_model):
    dave = django_user_model.objects.create_user("dave")
    response = admin_client.post("/admin/httpseal/hmackey/add/", {"user": dave.pk}, follow=True)
    key = HMACKey.objects.get(user=dave)
    assert key.secret in response.content.decode()
    again = admin_client.get("/admin/httpseal/hmackey/")
    assert key.secret not in again.content.decode()


def test_settings_checks(settings):
    assert [e for e in checks.run_checks() if e.id.startswith("httpseal")] == []
    settings.HTTPSEAL = {"DRF_HMAC_HOST": "x-forwarded-for", "TYPO": 1, "DRF_HMAC_MAX_SKEW": -1}
    errors = [e.msg for e in checks.run_checks() if e.id == "httpseal.E001"]
    assert any("unknown key 'TYPO'" in e for e in errors)
    assert any("DRF_HMAC_HOST" in e for e in errors)
    assert any("DRF_HMAC_MAX_SKEW" in e for e in errors)


def _reported(prefix="httpseal"):
    return {(e.id, e.msg) for e in checks.run_checks() if e.id.startswith(prefix)}


def test_checks_name_bad_values_the_core_would_refuse(settings):
    settings.HTTPSEAL = {"CAVAGE_ALGORITHMS": ["md5"], "SCHEMES": ["cavage"]}
    assert any("unknown algorithm 'md5'" in msg for _, msg in _reported())
    settings.HTTPSEAL = {"MAX_SKEW": True, "FOST_URL_REQUIRE_EXPIRY": "no", "SCHEMES": ["nope"]}
    messages = " ".join(msg for _, msg in _reported())
    assert "'MAX_SKEW'" in messages
    assert "FOST_URL_REQUIRE_EXPIRY" in messages
    assert "unknown scheme 'nope'" in messages


def test_checks_report_middleware_order_and_a_missing_fost_backend(settings):
    auth = "django.contrib.auth.middleware.AuthenticationMiddleware"
    ours = "httpseal.django.middleware.SignatureMiddleware"
    settings.HTTPSEAL = {"SCHEMES": ["cavage"]}
    settings.MIDDLEWARE = [ours, auth]
    assert [i for i, _ in _reported()] == ["httpseal.E002"]
    settings.MIDDLEWARE = [auth, ours]
    assert _reported() == set()
    settings.MIDDLEWARE = [auth, "httpseal.django.fost.FostMiddleware"]
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [i for i, _ in _reported()] == ["httpseal.E003"]


def test_checks_warn_when_the_generic_adapters_have_no_schemes(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "httpseal.django.middleware.SignatureMiddleware"]
    settings.HTTPSEAL = {}
    assert [i for i, _ in _reported()] == ["httpseal.W001"]
    settings.MIDDLEWARE = settings.MIDDLEWARE[:-1]
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["httpseal.drf.SignatureAuthentication"]
    }
    assert [i for i, _ in _reported()] == ["httpseal.W001"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FOST_AUTHN_MAXIMUM_CLOCK_SKEW", -1),
        ("FOST_AUTHN_MAXIMUM_CLOCK_SKEW", "300"),
        ("FOST_AUTHN_MISSIGNED_SLEEP_TIME", float("nan")),
        ("FOST_AUTHN_GET_SECRET", "myapp.secrets.get"),
        ("FOST_AUTHN_ALLOW_UNSIGNED_QUERY", "yes"),
    ],
)
def test_checks_report_bad_fost_settings(settings, name, value):
    setattr(settings, name, value)
    reported = _reported()
    assert [i for i, _ in reported] == ["httpseal.E004"]
    assert name in next(iter(reported))[1]


@pytest.mark.django_db
def test_migrations_match_models():
    call_command("makemigrations", "httpseal", "--check", "--dry-run", verbosity=0)

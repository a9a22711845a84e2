"""The generic Django adapters: SignatureMiddleware and DRF's
SignatureAuthentication, every scheme, keys from the HMACKey model."""

from __future__ import annotations

import pytest

from httpseal.django.models import HMACKey

from tests import signed_requests as signed

ALL = ["cavage", "drf-hmac", "fost"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "httpseal.django.middleware.SignatureMiddleware",
]


@pytest.fixture
def keys(django_user_model):
    made = {}
    for key_id, secret in signed.SECRETS.items():
        user = django_user_model.objects.create_user(username=f"user-{key_id}")
        made[key_id] = HMACKey.objects.create(key=key_id, secret=secret, user=user)
    django_user_model.objects.create_user(username="admin")
    return made


def request_for(scheme, **kwargs):
    if scheme == "cavage":
        return signed.cavage("testserver", **kwargs)
    if scheme == "drf-hmac":
        return signed.drf("127.0.0.1", **kwargs)
    if scheme == "fost-url":
        return signed.fost_url("testserver", **kwargs)
    return signed.fost_request(**kwargs)


def send(client, request):
    method, path, query, headers, body = request
    meta = {}
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        meta[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    content_type = meta.pop("CONTENT_TYPE", "application/octet-stream")
    meta.pop("CONTENT_LENGTH", None)
    target = f"{path}?{query}" if query else path
    return client.generic(method, target, body, content_type=content_type, **meta)


SCHEMES = [("cavage", "cav"), ("drf-hmac", "drf"), ("fost", "fost"), ("fost-url", "fost")]


@pytest.mark.django_db
@pytest.mark.parametrize(("scheme", "key_id"), SCHEMES)
def test_every_scheme_on_drf(client, settings, keys, scheme, key_id):
    settings.HTTPSEAL = {"SCHEMES": ALL}
    response = send(client, request_for(scheme, path="/signed/notes/"))
    assert response.status_code == 200, response.content
    assert response.json() == {"user": f"user-{key_id}", "scheme": scheme.removesuffix("-url")}
    wrong = request_for(scheme, path="/signed/notes/", secret="0" * 40)
    response = send(client, wrong)
    assert response.status_code == 401
    assert 'HMAC realm="api"' in response["WWW-Authenticate"]


@pytest.mark.django_db
@pytest.mark.parametrize(("scheme", "key_id"), SCHEMES)
def test_every_scheme_through_the_middleware(client, settings, keys, scheme, key_id, caplog):
    settings.HTTPSEAL = {"SCHEMES": ALL}
    settings.MIDDLEWARE = MIDDLEWARE
    response = send(client, request_for(scheme, path="/signed/whoami/"))
    assert response.json() == {"user": f"user-{key_id}", "scheme": scheme.removesuffix("-url")}
    response = send(client, request_for(scheme, path="/signed/whoami/", secret="0" * 40))
    assert response.json() == {"user": None, "scheme": None}
    assert "signature refused" in caplog.text
    # Verified by the middleware, then reused (not verified again) by DRF.
    response = send(client, request_for(scheme, path="/signed/notes/"))
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_another_schemes_request_is_not_ours(client, settings, keys):
    settings.HTTPSEAL = {"SCHEMES": ["fost"]}
    response = send(client, request_for("cavage", path="/signed/notes/"))
    assert response.status_code == 401  # passed on, then IsAuthenticated refuses
    assert response.json()["detail"].startswith("Authentication credentials were not provided")


@pytest.mark.django_db
def test_a_key_restricted_to_one_scheme_is_refused_by_the_others(client, settings, keys):
    settings.HTTPSEAL = {"SCHEMES": ALL}
    keys["cav"].schemes = "fost"
    keys["cav"].save()
    assert send(client, request_for("cavage", path="/signed/notes/")).status_code == 401
    keys["cav"].schemes = "cavage"
    keys["cav"].save()
    assert send(client, request_for("cavage", path="/signed/notes/")).status_code == 200


@pytest.mark.django_db
def test_an_ordinary_key_may_not_act_as_another_user(client, settings, keys, caplog):
    settings.HTTPSEAL = {"SCHEMES": ["fost"]}
    settings.MIDDLEWARE = MIDDLEWARE
    request = request_for("fost", path="/signed/whoami/", act_as="admin")
    assert send(client, request).json()["user"] is None
    assert "may not act as 'admin'" in caplog.text
    keys["fost"].may_act_as = True
    keys["fost"].save()
    request = request_for("fost", path="/signed/whoami/", act_as="admin")
    assert send(client, request).json()["user"] == "admin"


@pytest.mark.django_db
def test_the_key_cache_answers_without_a_query_and_hands_out_copies(
    settings, keys, django_assert_num_queries
):
    from httpseal.django import engine

    settings.HTTPSEAL = {"SCHEMES": ALL, "KEY_CACHE_SECONDS": 60}
    first = engine.keys.get("cav")
    with django_assert_num_queries(0):
        second = engine.keys.get("cav")
        assert second.user.username == "user-cav"
    assert second == first and second is not first and second.user is not first.user
    second.user.username = "changed by a view"
    second.secret = "changed too"
    with django_assert_num_queries(0):
        third = engine.keys.get("cav")
    assert (third.user.username, third.secret) == ("user-cav", signed.CAVAGE_SECRET)
    keys["cav"].secret = "rotated"
    keys["cav"].save()  # empties the cache
    with django_assert_num_queries(1):
        assert engine.keys.get("cav").secret == "rotated"


@pytest.mark.django_db
@pytest.mark.parametrize("hands_on_key", [True, False])
def test_every_accepted_request_gets_its_own_user(settings, keys, hands_on_key):
    """A view changing ``request.user`` (or the key it was handed) changes
    neither the cached entry nor the next request's."""
    from django.test import RequestFactory

    from httpseal.django import engine

    settings.HTTPSEAL = {"SCHEMES": ALL, "KEY_CACHE_SECONDS": 60}

    def accepted():
        method, path, query, headers, body = request_for("cavage", path="/signed/notes/")
        meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in headers.items()}
        meta["CONTENT_TYPE"] = meta.pop("HTTP_CONTENT_TYPE")
        meta["CONTENT_LENGTH"] = meta.pop("HTTP_CONTENT_LENGTH")
        meta["QUERY_STRING"] = query
        request = RequestFactory().generic(method, path, body, **meta)
        outcome = engine.authenticate(request, ["cavage"], hands_on_key=hands_on_key)
        assert outcome.verified is not None and outcome.user.username == "user-cav"
        return outcome

    first = accepted()
    cached = engine.keys.get("cav", copy=False)
    first.user.username = "changed by a view"
    if hands_on_key:
        assert first.key.user is first.user
        first.key.name = "changed too"
    second = accepted()
    assert second.user is not first.user and second.user.username == "user-cav"
    assert cached.user.username == "user-cav" and cached.name != "changed too"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scheme", "options"), [("cavage", {}), ("drf-hmac", {"DRF_HMAC_HOST": "host"})]
)
def test_a_signed_host_django_does_not_allow_is_refused(
    client, settings, keys, scheme, options, caplog
):
    settings.HTTPSEAL = {"SCHEMES": ALL, **options}
    settings.ALLOWED_HOSTS = ["api.example"]
    if scheme == "cavage":
        request = signed.cavage("evil.example", path="/signed/notes/")
    else:
        request = signed.drf("evil.example", path="/signed/notes/")
    request[3]["Host"] = "evil.example"
    assert send(client, request).status_code == 401
    assert "the Host header is not allowed" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/signed/notes/", "/middleware/whoami/"])
@pytest.mark.parametrize("scheme", ["cavage", "drf-hmac"])
def test_a_body_over_djangos_cap_is_413(client, settings, keys, path, scheme, caplog):
    settings.HTTPSEAL = {"SCHEMES": ALL}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16
    response = send(client, request_for(scheme, path=path))
    assert response.status_code == 413
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in caplog.text
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 20
    assert send(client, request_for(scheme, path=path)).status_code == 200

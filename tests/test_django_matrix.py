"""The scheme x class matrix on Django: rotation per scheme, one DRF class per
scheme on one endpoint, and the middleware for one scheme with a DRF class
for another."""

from __future__ import annotations

import pytest

from tests import signed_requests as signed
from tests.test_django_signature import ALL, MIDDLEWARE, SCHEMES, request_for, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(django_user_model):
    """Users named as the key ids, for loaders that name no user."""
    return {
        key_id: django_user_model.objects.create_user(username=key_id) for key_id in signed.SECRETS
    }


@pytest.mark.parametrize(("scheme", "key_id"), SCHEMES)
def test_rotation_a_retired_and_a_current_secret_both_verify(
    client, settings, users, scheme, key_id
):
    settings.HTTPSEAL = {
        "SCHEMES": ALL,
        "KEY_LOADER": "tests.django_project.key_loaders.rotating",
    }
    current = send(client, request_for(scheme, path="/signed/notes/"))
    assert current.status_code == 200, current.content
    assert current.json()["user"] == key_id
    retired = request_for(scheme, path="/signed/notes/", secret="0" * 40)
    assert send(client, retired).status_code == 200
    neither = request_for(scheme, path="/signed/notes/", secret="1" * 40)
    assert send(client, neither).status_code == 401


@pytest.mark.parametrize(
    ("scheme", "key_id", "auth"),
    [
        ("drf-hmac", "drf", "HMACKey"),
        ("fost", "fost", "dict"),
        ("fost-url", "fost", "dict"),
        ("cavage", "cav", "Verified"),
    ],
)
def test_one_class_per_scheme_on_one_endpoint(client, keys_named_as_users, scheme, key_id, auth):
    response = send(client, request_for(scheme, path="/every/notes/"))
    assert response.status_code == 200, response.content
    assert response.json() == {"user": key_id, "auth": auth}
    wrong = send(client, request_for(scheme, path="/every/notes/", secret="1" * 40))
    assert wrong.status_code == 401
    # The first class's challenge, as DRF answers.
    assert wrong["WWW-Authenticate"] == 'HMAC realm="api"'


def test_middleware_for_one_scheme_and_a_drf_class_for_another(
    client, settings, keys_named_as_users
):
    settings.HTTPSEAL = {"SCHEMES": ["cavage"]}
    settings.MIDDLEWARE = MIDDLEWARE
    # drf-hmac is not the middleware's: the DRF class verifies it.
    response = send(client, request_for("drf-hmac", path="/notes/"))
    assert response.status_code == 201, response.content
    assert response.json()["user"] == "drf"
    # Cavage is the middleware's, and this endpoint does not accept it.
    response = send(client, request_for("cavage", path="/notes/"))
    assert response.status_code == 401
    assert send(client, request_for("cavage", path="/signed/whoami/")).json() == {
        "user": "cav",
        "scheme": "cavage",
    }

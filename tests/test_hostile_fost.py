"""Hostile input against the FOST scheme: relabelled headers, keys that decode
two ways, unsigned queries, huge header lists and loaders that raise."""

from __future__ import annotations

import datetime
import logging

import pytest
import requests
from django.core.exceptions import ObjectDoesNotExist
from rest_framework.test import APIClient

import httpseal
from httpseal.client import FostAuth

from tests import legacy_fost_signature as legacy


def stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def sign_values(secret, values, *, method="GET", path="/", body="", ts=None):
    ts = ts or stamp()
    _, sig = httpseal.fost_hmac_request_signature_with_headers(
        secret, method, path, ts, values, body
    )
    return ts, sig


def test_a_signed_value_cannot_be_relabelled_as_another_header():
    ts, sig = sign_values("s3cret", ["X-FOST-Headers X-Tenant", "admin"])
    forged = [
        ("Authorization", f"FOST alice:{sig}"),
        ("X-FOST-Timestamp", ts),
        ("X-FOST-Headers", "X-Dummy X-FOST-User"),
        ("X-Dummy", "X-FOST-Headers X-Tenant"),
        ("X-FOST-User", "admin"),
    ]
    with pytest.raises(httpseal.MalformedSignature, match="list itself first"):
        httpseal.verify_fost_request("GET", "/", "", forged, secret_loader=lambda k: "s3cret")
    # The honest request still verifies.
    honest = [
        ("Authorization", f"FOST alice:{sig}"),
        ("X-FOST-Timestamp", ts),
        ("X-FOST-Headers", "X-FOST-Headers X-Tenant"),
        ("X-Tenant", "admin"),
    ]
    verified = httpseal.verify_fost_request(
        "GET", "/", "", honest, secret_loader=lambda k: "s3cret"
    )
    assert verified.act_as is None and verified.signed["X-Tenant"] == "admin"


@pytest.mark.parametrize("listed", ["X-FOST-Headers X-A X-A", "X-FOST-Headers X-A x-a"])
def test_a_name_listed_twice_is_malformed(listed):
    values = [listed, "1", "1"]
    ts, sig = sign_values("s3cret", values)
    headers = [
        ("Authorization", f"FOST alice:{sig}"),
        ("X-FOST-Timestamp", ts),
        ("X-FOST-Headers", listed),
        ("X-A", "1"),
    ]
    with pytest.raises(httpseal.MalformedSignature, match="listed twice"):
        httpseal.verify_fost_request("GET", "/", "", headers, secret_loader=lambda k: "s3cret")


def test_a_huge_header_list_is_refused_before_any_work():
    listed = "X-FOST-Headers " + " ".join(["X-A"] * 16000)
    headers = [
        ("Authorization", "FOST alice:AAAA"),
        ("X-FOST-Timestamp", stamp()),
        ("X-FOST-Headers", listed),
        ("X-A", "v" * 65536),
    ]
    with pytest.raises(httpseal.MalformedSignature):
        httpseal.verify_fost_request("GET", "/", "", headers, secret_loader=lambda k: "s")


def meta_for(key, secret, *, method="GET", path="/whoami/", body="", query=""):
    ts = stamp()
    _, sig = legacy.fost_hmac_request_signature_with_headers(
        secret, method, path, ts, ["X-FOST-Headers"], body or query
    )
    return {
        "HTTP_AUTHORIZATION": f"FOST {key}:{sig}",
        "HTTP_X_FOST_TIMESTAMP": ts,
        "HTTP_X_FOST_HEADERS": "X-FOST-Headers",
    }


@pytest.mark.django_db
def test_a_percent_in_the_key_does_not_change_the_identity(client, settings, django_user_model):
    django_user_model.objects.create_user("admin")
    keys = {"adm%69n": "eve-secret"}  # a key issued to someone else, looked up as stored
    settings.FOST_AUTHN_GET_SECRET = lambda request, key: keys[key]
    response = client.get("/whoami/", **meta_for("adm%69n", "eve-secret"))
    assert response.json()["user"] is None
    django_user_model.objects.create_user("adm%69n")
    assert client.get("/whoami/", **meta_for("adm%69n", "eve-secret")).json()["user"] == "adm%69n"


@pytest.mark.django_db
def test_a_percent_in_a_signed_url_key_is_decoded_once(client, settings, django_user_model):
    django_user_model.objects.create_user("admin")
    seen = []

    def get_secret(request, key):
        seen.append(key)
        return {"adm%69n": "eve-secret"}[key]

    settings.FOST_AUTHN_GET_SECRET = get_secret
    expires = str(int(datetime.datetime.now().timestamp()) + 60)
    sig = httpseal.fost_hmac_url_signature("k", "eve-secret", "testserver", "/whoami/", "", expires)
    from urllib.parse import quote

    query = f"_k=adm%2569n&_e={expires}&_s={quote(sig, safe='')}"
    assert client.get("/whoami/", QUERY_STRING=query).json()["user"] is None
    assert seen == ["adm%69n"]


@pytest.mark.django_db
def test_a_query_beside_a_body_is_refused_unless_allowed(client, user, settings, caplog):
    secret = str(user.password)
    meta = meta_for("alice", secret, method="POST", body="{}")
    with caplog.at_level(logging.WARNING, logger="httpseal.fost"):
        response = client.post("/whoami/?to=mallory", "{}", content_type="text/plain", **meta)
    assert response.json()["user"] is None
    assert "query string" in caplog.text
    settings.FOST_AUTHN_ALLOW_UNSIGNED_QUERY = True
    response = client.post("/whoami/?to=mallory", "{}", content_type="text/plain", **meta)
    assert response.json()["user"] == "alice"


def test_the_client_refuses_to_leave_a_query_unsigned():
    auth = FostAuth("alice", "s3cret")
    request = requests.Request("POST", "http://h.example/p?to=alice", data=b"{}", auth=auth)
    with pytest.raises(ValueError, match="FOST_AUTHN_ALLOW_UNSIGNED_QUERY") as err:
        request.prepare()
    assert "allow_unsigned_query" in str(err.value)
    lax = FostAuth("alice", "s3cret", allow_unsigned_query=True)
    prepared = requests.Request("POST", "http://h.example/p?to=a", data=b"{}", auth=lax).prepare()
    assert prepared.headers["Authorization"].startswith("FOST alice:")
    with pytest.raises(ValueError):
        FostAuth("alice", "s", headers=["X-A", "x-a"])
    with pytest.raises(ValueError):
        FostAuth("alice", "s", headers=["X-FOST-User"], act_as="bob")


@pytest.mark.parametrize(
    "error", [KeyError("k"), LookupError("k"), ObjectDoesNotExist("k"), IndexError(0)]
)
def test_a_loader_that_says_unknown_key_is_unknown_key(error):
    def loader(key):
        raise error

    ts, sig = sign_values("s", ["X-FOST-Headers"])
    headers = {
        "Authorization": f"FOST k:{sig}",
        "X-FOST-Timestamp": ts,
        "X-FOST-Headers": "X-FOST-Headers",
    }
    with pytest.raises(httpseal.UnknownKey):
        httpseal.verify_fost_request("GET", "/", "", headers, secret_loader=loader)
    with pytest.raises(httpseal.UnknownKey):
        httpseal.verify_fost_url("h", "/", "_k=a&_e=1&_s=AAAA", secret_loader=loader, now=0)


def test_loader_rule_for_fost():
    ts, sig = sign_values("new", ["X-FOST-Headers"])
    headers = {
        "Authorization": f"FOST k:{sig}",
        "X-FOST-Timestamp": ts,
        "X-FOST-Headers": "X-FOST-Headers",
    }
    verify = httpseal.verify_fost_request
    assert verify("GET", "/", "", headers, secret_loader=lambda k: ["old", b"new"]).key == "k"
    pinned = httpseal.HmacKey("new", digest="sha1")
    assert verify("GET", "/", "", headers, secret_loader=lambda k: pinned).key == "k"
    with pytest.raises(httpseal.DisallowedAlgorithm):
        verify("GET", "/", "", headers, secret_loader=lambda k: httpseal.HmacKey("new"))
    with pytest.raises(TypeError, match="secret_loader returned int"):
        verify("GET", "/", "", headers, secret_loader=lambda k: 42)
    with pytest.raises(RuntimeError, match="database down"):
        verify(
            "GET",
            "/",
            "",
            headers,
            secret_loader=lambda k: (_ for _ in ()).throw(RuntimeError("database down")),
        )


@pytest.mark.django_db
def test_the_readme_loader_with_an_unknown_key_is_anonymous_and_401(client, settings, user):
    from django.contrib.auth.models import User

    settings.FOST_AUTHN_GET_SECRET = lambda request, key: User.objects.get(username=key).password
    assert client.get("/whoami/", **meta_for("nobody", "guess")).json()["user"] is None
    response = APIClient().get("/fost/notes/", **meta_for("nobody", "guess", path="/fost/notes/"))
    assert response.status_code == 401
    settings.FOST_AUTHN_GET_SECRET = lambda request, key: {}[key]
    assert client.get("/whoami/", **meta_for("nobody", "guess")).json()["user"] is None


@pytest.mark.django_db
def test_a_non_numeric_content_length_is_anonymous(client, user):
    meta = meta_for("alice", str(user.password), method="POST", body="{}")
    response = client.post(
        "/whoami/", "{}", content_type="text/plain", CONTENT_LENGTH="lots", **meta
    )
    assert response.status_code == 200 and response.json()["user"] is None


def test_percent_encoded_url_names_are_not_a_signed_url(client, settings, caplog):
    settings.FOST_AUTHN_MISSIGNED_SLEEP_TIME = 5  # a refusal would hang the test
    with caplog.at_level(logging.DEBUG, logger="httpseal.fost"):
        response = client.get("/whoami/", QUERY_STRING="%5Fk=a&%5Fs=b")
    assert response.json()["user"] is None
    assert "refused" not in caplog.text
    response = APIClient().get("/fost/notes/", QUERY_STRING="%5Fk=a&%5Fs=b")
    assert "not provided" in response.json()["detail"]


def test_signed_url_credentials_on_a_post_are_refused(client, caplog):
    with caplog.at_level(logging.WARNING, logger="httpseal.fost"):
        response = client.post("/whoami/?_k=alice&_s=c2ln")
    assert response.json()["user"] is None
    assert "GET and HEAD" in caplog.text


def test_the_authorization_scheme_is_case_insensitive(client, user, caplog):
    ts, sig = sign_values(user.password, ["X-FOST-Headers"], path="/whoami/")
    meta = {
        "HTTP_AUTHORIZATION": f"fost {user.username}:{sig}",
        "HTTP_X_FOST_TIMESTAMP": ts,
        "HTTP_X_FOST_HEADERS": "X-FOST-Headers",
    }
    assert client.get("/whoami/", **meta).json()["user"] == user.username

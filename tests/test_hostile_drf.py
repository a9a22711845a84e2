"""Hostile input against the django-rest-framework-hmac scheme: repeated form
keys, bodies whose signed bytes cannot be had, and the paths and hosts the
client and server must agree on."""

from __future__ import annotations

import datetime
import logging

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework_hmac.client import HMACSigner as LegacySigner

import httpseal
from httpseal.client import HMACAuth

from tests.test_drf_hmac import http_headers, owner, signed


def iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def refused(response, caplog, reason):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'HMAC realm="api"'
    assert reason in caplog.text


@pytest.mark.django_db
def test_a_repeated_form_key_is_refused(hmac_key, caplog):
    s = http_headers(signed(hmac_key, "POST", data={"title": "x"}))
    client = APIClient()
    ok = client.post("/notes/", "title=x", content_type="application/x-www-form-urlencoded", **s)
    assert ok.status_code == 201
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        forged = client.post(
            "/notes/", "title=EVIL&title=x", content_type="application/x-www-form-urlencoded", **s
        )
    refused(forged, caplog, "repeats a key")


@pytest.mark.django_db
def test_a_repeated_multipart_key_is_refused(hmac_key, caplog):
    s = http_headers(signed(hmac_key, "POST", data={"title": "x"}))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        forged = APIClient().post("/notes/", {"title": ["EVIL", "x"]}, format="multipart", **s)
    refused(forged, caplog, "repeats a key")


@pytest.mark.django_db
def test_deeply_nested_json_is_401_not_500(hmac_key, caplog):
    s = http_headers(signed(hmac_key, "POST", data={"a": 1}))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().post("/notes/", "[" * 5000, content_type="application/json", **s)
    refused(response, caplog, "nested too deeply")


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["json", "raw"])
def test_a_body_over_the_upload_limit_is_413(hmac_key, settings, caplog, mode):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.HTTPSEAL = {"DRF_HMAC_BODY": mode}
    data = {"title": "x" * 4096}
    s = http_headers(signed(hmac_key, "POST", data=data))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().post("/notes/", data, format="json", **s)
    assert response.status_code == 413
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in caplog.text


@pytest.mark.django_db
def test_an_unsupported_content_type_is_401(hmac_key, caplog):
    s = http_headers(signed(hmac_key, "POST", data={"a": 1}))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().post("/notes/", b"<a/>", content_type="application/xml", **s)
    refused(response, caplog, "unparseable body")


@pytest.mark.django_db
def test_a_non_numeric_content_length_in_raw_mode_is_401(hmac_key, settings, caplog):
    settings.HTTPSEAL = {"DRF_HMAC_BODY": "raw"}
    s = http_headers(signed(hmac_key, "POST", data={"a": 1}))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().post(
            "/notes/", b"{}", content_type="application/json", CONTENT_LENGTH="many", **s
        )
    refused(response, caplog, "Content-Length")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/anypath/a%20b", "/anypath/caf%C3%A9", "/anypath/a%2Fb"])
def test_the_client_signs_the_path_the_server_checks(live_server, hmac_key, path):
    auth = HMACAuth(hmac_key.key, hmac_key.secret, hostname="127.0.0.1")
    response = requests.get(live_server.url + path, auth=auth, timeout=10)
    assert response.status_code == 200, response.text
    # And a different path is still refused with the same signature.
    headers = dict(requests.Request("GET", live_server.url + path, auth=auth).prepare().headers)
    other = requests.get(live_server.url + "/anypath/other", headers=headers, timeout=10)
    assert other.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_host_mode_on_a_non_default_port(live_server, hmac_key, settings):
    settings.HTTPSEAL = {"DRF_HMAC_HOST": "host"}
    assert ":" in live_server.url.rpartition("/")[2]  # the live server is on a port of its own
    auth = HMACAuth(hmac_key.key, hmac_key.secret)
    got = requests.get(live_server.url + "/notes/", auth=auth, timeout=10)
    assert got.status_code == 200, got.text
    posted = requests.post(live_server.url + "/notes/", json={"a": 1}, auth=auth, timeout=10)
    assert posted.status_code == 201


def test_the_signed_host_leaves_out_only_the_default_port():
    from urllib.parse import urlsplit

    from httpseal.client._paths import django_path, host_header

    cases = {
        "http://Example.com/": "example.com",
        "http://example.com:80/": "example.com",
        "https://example.com:443/": "example.com",
        "https://example.com:80/": "example.com:80",
        "http://example.com:8000/": "example.com:8000",
        "http://user:pw@[::1]:8443/": "[::1]:8443",
    }
    for url, expected in cases.items():
        assert host_header(urlsplit(url)) == expected
    assert django_path("/caf%C3%A9/%2F%20") == "/café// "
    assert django_path("/%FF%C3%A9") == "/%FFé"
    assert django_path("") == "/"


def test_signature_text_is_decoded_strictly():
    secret = "0123456789abcdef0123456789abcdef01234567"
    ts = iso()
    headers = {"method": "GET", "hostname": "h", "path": "/", "timestamp": ts}
    good = LegacySigner(owner(secret)).calc_signature(headers).decode()
    httpseal.verify_drf(secret, "GET", "h", "/", ts, good)
    httpseal.verify_drf(secret, "GET", "h", "/", ts, f" {good} ")  # surrounding space is trimmed
    with pytest.raises(httpseal.MalformedSignature):
        httpseal.verify_drf(secret, "GET", "h", "/", ts, good.rstrip("="))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEFxz \t\n\r\x0b\x0c\xa0", max_size=20))
def test_stored_secrets_decode_exactly_as_bytes_fromhex(secret):
    args = ("GET", "h", "/", "2018-10-07T00:00:00Z")
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        with pytest.raises(ValueError):
            httpseal.sign_drf(secret, *args)
        return
    expected = httpseal.render_hmac(raw, "GET\nh\n/\n2018-10-07T00:00:00Z\n", encoding="base64")
    assert httpseal.sign_drf(secret, *args) == expected


def test_a_draft_cavage_signature_header_alone_is_not_drf_hmac(db, caplog):
    header = 'keyId="k",algorithm="hmac-sha256",headers="date",signature="c2ln"'
    with caplog.at_level(logging.DEBUG, logger="httpseal.drf"):
        response = APIClient().get("/notes/", HTTP_SIGNATURE=header)
    # Not ours: DRF's "not provided", and nothing refused in the log.
    assert response.status_code == 401
    assert "not provided" in response.json()["detail"]
    assert "refused" not in caplog.text


def test_a_bare_base64_signature_header_is_drf_hmac_and_refused(db, caplog):
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().get("/notes/", HTTP_SIGNATURE="c2ln")
    refused(response, caplog, "all required")

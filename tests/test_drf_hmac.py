"""django-rest-framework-hmac on current Django/DRF: wire compatibility with the
real 0.3.1 client, the DRF authentication class, and hostile input."""

from __future__ import annotations

import datetime
import json
import logging
import time
from types import SimpleNamespace

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework_hmac.client import HMACSigner as LegacySigner

import httpseal
from httpseal._drf_json import Unsignable, compact
from httpseal.client import BaseHMAC, HMACAuth, HMACSigner

SECRET = "0123456789abcdef0123456789abcdef01234567"


def iso(offset: float = 0) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def owner(secret: str = SECRET):
    return SimpleNamespace(hmac_key=SimpleNamespace(secret=secret))


def test_issue_vectors():
    headers = {
        "method": "POST",
        "hostname": "127.0.0.1",
        "path": "/notes/",
        "timestamp": "2018-10-07T00:00:00Z",
    }
    post = b"3tegmbNDlKJ6rOrckbJ9ty0TKMELJxb3kzVSOYdoPDg="
    get = b"+TS4nkt2nY0Sm+YamaBtmt9qBzZwVReinmU/0rUdZH8="
    assert LegacySigner(owner()).calc_signature(headers, {"title": "new idea"}) == post
    assert HMACSigner(owner()).calc_signature(headers, {"title": "new idea"}) == post
    assert HMACSigner(owner()).calc_signature({**headers, "method": "GET"}) == get
    args = ("POST", "127.0.0.1", "/notes/", "2018-10-07T00:00:00Z")
    assert httpseal.sign_drf(SECRET, *args, b'{"title":"new idea"}') == post.decode()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=32).map(bytes.hex),
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.from_regex(r"/[a-z0-9/_-]{0,30}", fullmatch=True),
    stamp=st.integers(0, 4_000_000_000),
    data=JSON,
)
def test_signatures_equal_the_original(secret, method, path, stamp, data):
    timestamp = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).isoformat()
    headers = {"method": method, "hostname": "10.0.0.1", "path": path, "timestamp": timestamp}
    theirs = LegacySigner(owner(secret)).calc_signature(headers, data)
    assert HMACSigner(owner(secret)).calc_signature(headers, data) == theirs
    body = json.dumps(data, separators=(",", ":")).encode() if data else b""
    httpseal.verify_drf(secret, method, "10.0.0.1", path, timestamp, theirs, body, now=float(stamp))


@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text() | st.integers() | st.floats() | st.none(), inner, max_size=4
            )
        ),
        max_leaves=20,
    )
)
def test_the_json_rule_serialises_as_json_dumps(data):
    expected = json.dumps(data, separators=(",", ":")).encode() if data else b""
    assert compact(data) == expected


def test_the_json_rule_refuses_what_json_cannot_hold():
    cyclic: list = []
    cyclic.append(cyclic)
    for data in ({"x": object()}, {"s": {1}}, {(1, 2): 3}, cyclic):
        with pytest.raises(Unsignable):
            compact(data)


def test_get_user_secret_is_the_override_point():
    class FromDict(BaseHMAC):
        def get_user_secret(self, user):
            return {"bob": SECRET}[user]

    headers = {"method": "GET", "hostname": "h", "path": "/", "timestamp": "1"}
    signer = type("Signer", (FromDict, HMACSigner), {})("bob")
    assert signer.calc_signature(headers) == HMACSigner(owner()).calc_signature(headers)
    assert signer.string_to_sign(headers, {"a": 1}) == 'GET\nh\n/\n1\n{"a":1}'
    assert signer._calc_signature_from_str("GET\nh\n/\n1\n") == signer.calc_signature(headers)


# -- DRF ----------------------------------------------------------------


def signed(hmac_key, method, path="/notes/", data=None, *, timestamp=None, host="127.0.0.1"):
    timestamp = timestamp or iso()
    headers = {"method": method, "hostname": host, "path": path, "timestamp": timestamp}
    signature = LegacySigner(owner(hmac_key.secret)).calc_signature(headers, data)
    return {"key": hmac_key.key, "signature": signature, "timestamp": timestamp}


def http_headers(s):
    return {
        "HTTP_KEY": s["key"],
        "HTTP_SIGNATURE": s["signature"].decode(),
        "HTTP_TIMESTAMP": s["timestamp"],
    }


def bare_headers(s):
    """How django-rest-framework-hmac's own tests passed them (bytes signature)."""
    return {"Key": s["key"], "Signature": s["signature"], "Timestamp": s["timestamp"]}


@pytest.mark.django_db
@pytest.mark.parametrize("style", [http_headers, bare_headers])
def test_get_and_post_under_the_test_client(hmac_key, style):
    client = APIClient()
    got = client.get("/notes/", **style(signed(hmac_key, "GET")))
    assert got.status_code == 200, got.content
    assert got.json() == {"user": "alice", "key": hmac_key.key}
    data = {"title": "new idea"}
    posted = client.post(
        "/notes/", data, format="json", **style(signed(hmac_key, "POST", data=data))
    )
    assert posted.status_code == 201
    assert posted.json() == {"user": "alice", "data": data}


@pytest.mark.django_db
def test_no_headers_means_not_ours(hmac_key):
    from httpseal.drf import HMACAuthentication

    request = APIClient().get("/notes/").wsgi_request
    from rest_framework.request import Request

    assert HMACAuthentication().authenticate(Request(request)) is None
    response = APIClient().get("/notes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'HMAC realm="api"'


def refused(hmac_key, extra, caplog, method="get", data=None, **kwargs):
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = getattr(APIClient(), method)("/notes/", data, format="json", **extra, **kwargs)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'HMAC realm="api"'
    assert caplog.records
    assert hmac_key.secret not in caplog.text
    return caplog.text


@pytest.mark.django_db
def test_unknown_key_and_wrong_secret(hmac_key, caplog):
    good = http_headers(signed(hmac_key, "GET"))
    assert "unknown key" in refused(hmac_key, {**good, "HTTP_KEY": "f" * 40}, caplog)
    wrong = SimpleNamespace(key=hmac_key.key, secret="ab" * 20)
    assert "does not match" in refused(hmac_key, http_headers(signed(wrong, "GET")), caplog)


@pytest.mark.django_db
def test_tampering(hmac_key, caplog):
    data = {"title": "new idea"}
    s = http_headers(signed(hmac_key, "POST", data=data))
    refused(hmac_key, s, caplog, "post", {"title": "other"})
    refused(hmac_key, s, caplog, "put", data)
    refused(hmac_key, http_headers(signed(hmac_key, "GET", path="/other/")), caplog)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [
        (iso(-3600), "too old"),
        (iso(3600), "in the future"),
        ("2018-10-07T00:00:00Z", "too old"),
        ("yesterday", "neither ISO 8601 nor Unix"),
        ("", "all required"),
    ],
)
def test_timestamps(hmac_key, caplog, timestamp, reason):
    s = signed(hmac_key, "GET", timestamp=timestamp or iso())
    headers = {**http_headers(s), "HTTP_TIMESTAMP": timestamp}
    assert reason in refused(hmac_key, headers, caplog)


@pytest.mark.django_db
def test_unix_timestamps_are_accepted(hmac_key):
    s = signed(hmac_key, "GET", timestamp=str(int(time.time())))
    assert APIClient().get("/notes/", **http_headers(s)).status_code == 200


@pytest.mark.django_db
def test_skew_setting(hmac_key, settings):
    s = http_headers(signed(hmac_key, "GET", timestamp=iso(-3600)))
    settings.HTTPSEAL = {"DRF_HMAC_MAX_SKEW": None}
    assert APIClient().get("/notes/", **s).status_code == 200
    settings.HTTPSEAL = {"DRF_HMAC_MAX_SKEW": 7200}
    assert APIClient().get("/notes/", **s).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_KEY": "x"},
        {"HTTP_SIGNATURE": "x"},
        {"HTTP_KEY": "é" * 40, "HTTP_SIGNATURE": "s", "HTTP_TIMESTAMP": "1"},
        {"HTTP_KEY": "k" * 65536, "HTTP_SIGNATURE": "s", "HTTP_TIMESTAMP": "1"},
        {"HTTP_KEY": "k", "HTTP_SIGNATURE": "é" * 65536, "HTTP_TIMESTAMP": "1"},
        {"HTTP_KEY": "k", "HTTP_SIGNATURE": "s", "HTTP_TIMESTAMP": "9" * 65536},
    ],
)
def test_hostile_headers(hmac_key, caplog, extra):
    refused(hmac_key, extra, caplog)


@pytest.mark.django_db
def test_hostile_values_for_a_real_key(hmac_key, caplog):
    base = http_headers(signed(hmac_key, "GET"))
    for name, value in [
        ("HTTP_SIGNATURE", "é" * 44),
        ("HTTP_SIGNATURE", "A" * 65536),
        ("HTTP_TIMESTAMP", "2018-10-07T00:00:00é"),
        ("HTTP_TIMESTAMP", "9" * 65536),
    ]:
        refused(hmac_key, {**base, name: value}, caplog)


@pytest.mark.django_db
def test_inactive_user(hmac_key, caplog):
    hmac_key.user.is_active = False
    hmac_key.user.save()
    assert "inactive" in refused(hmac_key, http_headers(signed(hmac_key, "GET")), caplog)


@pytest.mark.django_db
def test_unparseable_body_is_401(hmac_key, caplog):
    s = http_headers(signed(hmac_key, "POST", data={"a": 1}))
    with caplog.at_level(logging.WARNING, logger="httpseal.drf"):
        response = APIClient().post("/notes/", b"{not json", content_type="application/json", **s)
    assert response.status_code == 401
    assert "unparseable body" in caplog.text


@pytest.mark.django_db
def test_raw_body_and_host_options(hmac_key, settings):
    settings.HTTPSEAL = {"DRF_HMAC_BODY": "raw", "DRF_HMAC_HOST": "host"}
    body = b'{"title": "raw bytes, spaces kept"}'
    timestamp = iso()
    signature = httpseal.sign_drf(hmac_key.secret, "POST", "testserver", "/notes/", timestamp, body)
    headers = {"HTTP_KEY": hmac_key.key, "HTTP_SIGNATURE": signature, "HTTP_TIMESTAMP": timestamp}
    client = APIClient()
    ok = client.post("/notes/", body, content_type="application/json", **headers)
    assert ok.status_code == 201
    # The original's rule (re-serialized JSON) no longer verifies.
    legacy = http_headers(
        signed(hmac_key, "POST", data={"title": "raw bytes, spaces kept"}, host="testserver")
    )
    assert (
        client.post("/notes/", body, content_type="application/json", **legacy).status_code == 401
    )


@pytest.mark.django_db(transaction=True)
def test_real_http_with_the_requests_auth(live_server, hmac_key):
    auth = HMACAuth(hmac_key.key, hmac_key.secret, hostname="127.0.0.1")
    url = live_server.url + "/notes/"
    got = requests.get(url, auth=auth, timeout=10)
    assert got.status_code == 200 and got.json()["user"] == "alice"
    posted = requests.post(url, json={"title": "é and more"}, auth=auth, timeout=10)
    assert posted.status_code == 201, posted.text
    wrong = HMACAuth(hmac_key.key, "00" * 20, hostname="127.0.0.1")
    assert requests.get(url, auth=wrong, timeout=10).status_code == 401
    other_host = HMACAuth(hmac_key.key, hmac_key.secret, hostname="10.9.9.9")
    assert requests.get(url, auth=other_host, timeout=10).status_code == 401


def test_programming_mistakes():
    with pytest.raises(ValueError):
        httpseal.sign_drf("not hex", "GET", "h", "/", "t")
    with pytest.raises(TypeError):
        httpseal.sign_drf(SECRET, 1, "h", "/", "t")
    with pytest.raises(ValueError):
        HMACAuth("k", SECRET, body="xml")
    with pytest.raises(httpseal.MalformedSignature):
        httpseal.verify_drf(SECRET, "GET", "h", "/", iso(), "")


@settings(max_examples=300, deadline=None)
@given(
    timestamp=st.text(max_size=60),
    signature=st.one_of(st.text(max_size=60), st.binary(max_size=60)),
)
def test_any_header_values_are_a_signature_error(timestamp, signature):
    with pytest.raises(httpseal.SignatureError):
        httpseal.verify_drf(SECRET, "GET", "h", "/", timestamp, signature)


@pytest.mark.django_db
def test_a_corrupt_stored_secret_is_401_not_500(hmac_key, caplog):
    good = http_headers(signed(hmac_key, "GET"))
    hmac_key.secret = "not hex at all"
    hmac_key.save()
    assert "not hexadecimal" in refused(hmac_key, good, caplog)


@pytest.mark.django_db(transaction=True)
def test_httpx_client_over_real_http(live_server, hmac_key):
    import httpx

    from httpseal.client import HMACHttpxAuth

    auth = HMACHttpxAuth(hmac_key.key, hmac_key.secret, hostname="127.0.0.1")
    with httpx.Client(auth=auth, timeout=10) as client:
        assert client.get(live_server.url + "/notes/").status_code == 200
        posted = client.post(live_server.url + "/notes/", json={"a": [1, "é"]})
    assert posted.status_code == 201, posted.text
    assert "HMACHttpxAuth(key=" in repr(auth) and hmac_key.secret not in repr(auth)


@pytest.mark.django_db
def test_under_a_script_name_mount_the_path_info_is_signed(hmac_key):
    # The original signs PATH_INFO: the path below the mount point, decoded.
    client = APIClient()
    below_mount = http_headers(signed(hmac_key, "GET", path="/notes/"))
    got = client.get("/notes/", SCRIPT_NAME="/api", **below_mount)
    assert got.status_code == 200, got.content
    whole = http_headers(signed(hmac_key, "GET", path="/api/notes/"))
    assert client.get("/notes/", SCRIPT_NAME="/api", **whole).status_code == 401


@pytest.mark.django_db
def test_a_cavage_signature_header_is_passed_on(hmac_key):
    from rest_framework.request import Request

    from httpseal.drf import HMACAuthentication

    cavage = 'keyId="k",algorithm="hmac-sha256",headers="date",signature="c2ln"'
    request = APIClient().get("/notes/", HTTP_SIGNATURE=cavage).wsgi_request
    assert HMACAuthentication().authenticate(Request(request)) is None


@pytest.mark.django_db
def test_get_hmac_key_is_the_key_store_override(hmac_key):
    from rest_framework.request import Request

    from httpseal.drf import HMACAuthentication

    asked = []

    class Renamed(HMACAuthentication):
        @staticmethod
        def get_hmac_key(key):
            asked.append(key)
            return hmac_key if key == "renamed" else None

    s = {**signed(hmac_key, "GET"), "key": "renamed"}
    request = Request(APIClient().get("/notes/", **http_headers(s)).wsgi_request)
    user, key = Renamed().authenticate(request)
    assert (user.username, key, asked) == ("alice", hmac_key, ["renamed"])
    assert request._request.httpseal.scheme == "drf-hmac"

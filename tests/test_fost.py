"""FOST request and URL signing: agreement with a faithful port of
django-fost-authn 0.3.8, the middleware + backend, and the DRF class."""

from __future__ import annotations

import datetime
import logging
import time
from urllib.parse import quote

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

import httpseal
from httpseal.client import FostAuth, signed_url

from tests import legacy_fost_signature as legacy

PRINTABLE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


def test_issue_vectors():
    document, signature = httpseal.fost_hmac_request_signature(
        "secret-value", "GET", "/", "2011-04-27 03:26:37.625618"
    )
    assert document == "GET /\n2011-04-27 03:26:37.625618\nX-FOST-Headers\n"
    assert signature == "Ttq8K3g/jm7sOAVzCN+3k4FVAso="
    url = httpseal.fost_hmac_url_signature(
        "key", "secret", "host.example.com", "/path/to/file.html", "q=v&t=c", 12345
    )
    assert url == "+qS8ps0g6aJCuP/l8urqJdrHLVc="
    assert legacy.fost_hmac_request_signature(
        "secret-value", "GET", "/", "2011-04-27 03:26:37.625618"
    ) == (document, signature)


@settings(max_examples=300, deadline=None)
@given(
    secret=st.text(min_size=1, max_size=30),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=PRINTABLE.map(lambda p: "/" + p),
    timestamp=PRINTABLE,
    headers=st.dictionaries(
        st.from_regex(r"X-[A-Za-z-]{1,10}", fullmatch=True), PRINTABLE, max_size=4
    ),
    body=st.text(max_size=200),
)
def test_request_signatures_agree_with_the_original(secret, method, path, timestamp, headers, body):
    ours = httpseal.fost_hmac_request_signature(secret, method, path, timestamp, headers, body)
    assert ours == legacy.fost_hmac_request_signature(
        secret, method, path, timestamp, headers, body
    )
    values = [" ".join(["X-FOST-Headers", *headers]), *headers.values()]
    assert httpseal.fost_hmac_request_signature_with_headers(
        secret, method, path, timestamp, values, body.encode()
    ) == (ours[0].encode(), ours[1])


@settings(max_examples=300, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=30),
    host=st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,5})?", fullmatch=True),
    path=PRINTABLE.map(lambda p: "/" + p),
    query=st.lists(st.from_regex(r"[a-z_]{1,4}=[a-z0-9]{0,4}", fullmatch=True), max_size=5),
    expires=st.one_of(st.integers(0, 2**40), st.just("")),
)
def test_url_signatures_and_filtering_agree(secret, host, path, query, expires):
    query_string = "&".join(query)
    if not any(q.startswith("_s") and not q.startswith("_s=") for q in query):
        assert httpseal.filter_query_string(query_string) == legacy.filter_query_string(
            query_string
        )
    filtered = httpseal.filter_query_string(query_string)
    assert httpseal.fost_hmac_url_signature(
        "k", secret, host, path, filtered, expires
    ) == legacy.fost_hmac_url_signature("k", secret, host, path, filtered, expires)


def test_prefix_bug_is_fixed():
    query = "_sort=name&_k=key&_e=1&_s=sig&q=1"
    assert legacy.filter_query_string(query) == "q=1"  # the original drops _sort
    assert httpseal.filter_query_string(query) == "_sort=name&q=1"


# -- end to end ----------------------------------------------------------


def utc(offset: float = 0) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def fost_headers(
    secret, method, path, *, body="", query="", extra=None, timestamp=None, key="alice"
):
    timestamp = timestamp or utc()
    extra = extra or {}
    names = " ".join(["X-FOST-Headers", *extra])
    values = [names, *extra.values()]
    _, signature = legacy.fost_hmac_request_signature_with_headers(
        secret, method, path, timestamp, values, body or query
    )
    meta = {
        "HTTP_AUTHORIZATION": f"FOST {key}:{signature}",
        "HTTP_X_FOST_TIMESTAMP": timestamp,
        "HTTP_X_FOST_HEADERS": names,
    }
    for name, value in extra.items():
        meta["HTTP_" + name.upper().replace("-", "_")] = value
    return meta


@pytest.fixture
def secret(user):
    return str(user.password)


def whoami(client, meta=None, path="/whoami/", **kwargs):
    response = client.get(path, **(meta or {}), **kwargs)
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_signed_request_through_middleware(client, secret):
    assert whoami(client, fost_headers(secret, "GET", "/whoami/")) == {
        "user": "alice",
        "signed": {"X-FOST-Headers": "X-FOST-Headers"},
    }


@pytest.mark.django_db
def test_query_string_is_signed_when_the_body_is_empty(client, secret):
    meta = fost_headers(secret, "GET", "/whoami/", query="a=1")
    assert whoami(client, meta, QUERY_STRING="a=1")["user"] == "alice"
    assert whoami(client, meta, QUERY_STRING="a=2")["user"] is None


@pytest.mark.django_db
def test_post_body_is_signed(client, secret):
    body = '{"x": 1}'
    meta = fost_headers(secret, "POST", "/whoami/", body=body)
    ok = client.post("/whoami/", body, content_type="application/json", **meta)
    assert ok.json()["user"] == "alice"
    tampered = client.post("/whoami/", '{"x": 2}', content_type="application/json", **meta)
    assert tampered.json()["user"] is None


@pytest.mark.django_db
def test_acting_as_another_user(client, secret, django_user_model):
    django_user_model.objects.create_user("émile")
    extra = {"X-FOST-User": "émile".encode("utf-7").decode()}
    meta = fost_headers(secret, "GET", "/whoami/", extra=extra)
    body = whoami(client, meta)
    assert body["user"] == "émile"
    assert body["signed"]["X-FOST-User"] == "+AOk-mile"


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [-3600, 3600])
def test_clock_skew_both_ways(client, secret, offset, caplog):
    with caplog.at_level(logging.WARNING, logger="httpseal.fost"):
        body = whoami(client, fost_headers(secret, "GET", "/whoami/", timestamp=utc(offset)))
    assert body == {"user": None, "signed": {}}
    assert "timestamp" in caplog.text
    assert secret not in caplog.text


@pytest.mark.django_db
def test_clock_skew_setting(client, secret, settings):
    settings.FOST_AUTHN_MAXIMUM_CLOCK_SKEW = 7200
    assert whoami(client, fost_headers(secret, "GET", "/whoami/", timestamp=utc(-3600)))["user"]


@pytest.mark.django_db
def test_unknown_key_and_wrong_secret(client, secret, caplog):
    with caplog.at_level(logging.WARNING, logger="httpseal.fost"):
        assert whoami(client, fost_headers(secret, "GET", "/whoami/", key="nobody"))["user"] is None
        assert whoami(client, fost_headers("guess", "GET", "/whoami/"))["user"] is None
    assert "unknown key" in caplog.text and "does not match" in caplog.text
    assert secret not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [
        "FOST",
        "FOST nocolon",
        "FOST a:b:c",
        "FOST :sig",
        "FOST alice:",
        "FOST alice:sig extra",
        "FOST élève:sig",
        "FOST alice:" + "A" * 65536,
        "FOST " + "k" * 65536 + ":sig",
    ],
)
def test_malformed_authorization_is_anonymous_not_500(client, secret, authorization):
    meta = {**fost_headers(secret, "GET", "/whoami/"), "HTTP_AUTHORIZATION": authorization}
    assert whoami(client, meta) == {"user": None, "signed": {}}


@pytest.mark.django_db
def test_missing_fost_headers_are_anonymous(client, secret):
    meta = fost_headers(secret, "GET", "/whoami/")
    for name in ("HTTP_X_FOST_TIMESTAMP", "HTTP_X_FOST_HEADERS"):
        partial = {k: v for k, v in meta.items() if k != name}
        assert whoami(client, partial)["user"] is None
    listed = {**meta, "HTTP_X_FOST_HEADERS": "X-FOST-Headers X-Absent"}
    assert whoami(client, listed)["user"] is None
    garbled = {**meta, "HTTP_X_FOST_TIMESTAMP": "27/04/2011 é"}
    assert whoami(client, garbled)["user"] is None


@pytest.mark.django_db
def test_missigned_sleep_is_honoured(client, secret, settings, monkeypatch):
    slept = []
    monkeypatch.setattr("httpseal.django.fost.time.sleep", slept.append)
    settings.FOST_AUTHN_MISSIGNED_SLEEP_TIME = 0.25
    whoami(client, fost_headers("guess", "GET", "/whoami/"))
    assert slept == [0.25]
    whoami(client, fost_headers(secret, "GET", "/whoami/"))
    assert slept == [0.25]


@pytest.mark.django_db
def test_custom_get_secret(client, settings, user):
    settings.FOST_AUTHN_GET_SECRET = lambda request, key: {"alice": "api-secret"}.get(key)
    assert whoami(client, fost_headers("api-secret", "GET", "/whoami/"))["user"] == "alice"


# -- signed URLs ---------------------------------------------------------


def url_query(secret, path="/whoami/", query="", expires=None, host="testserver", key="alice"):
    expires = str(int(time.time()) + 60) if expires is None else expires
    signature = legacy.fost_hmac_url_signature(key, secret, host, path, query, expires)
    signed = f"_k={key}&_e={expires}&_s={quote(signature, safe='')}"
    return f"{query}&{signed}" if query else signed


@pytest.mark.django_db
def test_signed_url_valid(client, secret):
    assert whoami(client, QUERY_STRING=url_query(secret, query="q=v"))["user"] == "alice"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    ["expired", "host", "path", "query", "expiry", "garbage expiry", "no expiry", "far future"],
)
def test_signed_url_refusals(client, secret, settings, tamper):
    settings.HTTPSEAL = {"FOST_URL_MAX_LIFETIME": 3600}
    kwargs = {}
    query = url_query(secret, query="q=v")
    if tamper == "expired":
        query = url_query(secret, query="q=v", expires=str(int(time.time()) - 1))
    elif tamper == "host":
        kwargs["HTTP_HOST"] = "evil.example"
        settings.ALLOWED_HOSTS = ["*"]
    elif tamper == "path":
        query = url_query(secret, path="/other/", query="q=v")
    elif tamper == "query":
        query = query.replace("q=v", "q=w")
    elif tamper == "expiry":
        e = query.split("_e=")[1].split("&")[0]
        query = query.replace(f"_e={e}", f"_e={int(e) + 10}")
    elif tamper == "garbage expiry":
        query = url_query(secret, expires="soon")
    elif tamper == "no expiry":
        signature = legacy.fost_hmac_url_signature(
            "alice", secret, "testserver", "/whoami/", "", ""
        )
        query = f"_k=alice&_s={quote(signature, safe='')}"
    else:
        query = url_query(secret, expires=str(int(time.time()) + 86400))
    assert whoami(client, QUERY_STRING=query, **kwargs)["user"] is None


@pytest.mark.django_db
def test_urls_without_expiry_when_allowed(client, secret, settings):
    settings.HTTPSEAL = {"FOST_URL_REQUIRE_EXPIRY": False}
    signature = legacy.fost_hmac_url_signature("alice", secret, "testserver", "/whoami/", "", "")
    query = f"_k=alice&_s={quote(signature, safe='')}"
    assert whoami(client, QUERY_STRING=query)["user"] == "alice"


@pytest.mark.django_db
def test_signed_urls_are_get_and_head_only(client, secret):
    response = client.post(f"/whoami/?{url_query(secret)}")
    assert response.json()["user"] is None


# -- DRF and clients -----------------------------------------------------


@pytest.mark.django_db
def test_drf_fost_authentication(secret):
    api = APIClient()
    ok = api.get("/fost/notes/", **fost_headers(secret, "GET", "/fost/notes/"))
    assert ok.status_code == 200
    assert ok.json() == {"user": "alice", "signed": {"X-FOST-Headers": "X-FOST-Headers"}}
    url_ok = api.get("/fost/notes/", QUERY_STRING=url_query(secret, path="/fost/notes/"))
    assert url_ok.status_code == 200
    bad = api.get("/fost/notes/", **fost_headers("guess", "GET", "/fost/notes/"))
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"] == 'FOST realm="api"'
    anonymous = api.get("/fost/notes/")
    assert anonymous.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_clients_over_real_http(live_server, user, django_user_model):
    secret = str(user.password)
    django_user_model.objects.create_user("bob")
    base = live_server.url
    ok = requests.get(base + "/whoami/?a=1", auth=FostAuth("alice", secret), timeout=10)
    assert ok.json()["user"] == "alice"
    posted = requests.post(
        base + "/fost/notes/", json={"x": 1}, auth=FostAuth("alice", secret), timeout=10
    )
    assert posted.status_code == 200 and posted.json()["user"] == "alice"
    as_bob = requests.get(
        base + "/whoami/", auth=FostAuth("alice", secret, act_as="bob"), timeout=10
    )
    assert as_bob.json()["user"] == "bob"
    url = signed_url(base + "/whoami/?q=v&_sort=x", "alice", secret, expires_in=60)
    assert requests.get(url, timeout=10).json()["user"] == "alice"
    assert requests.get(url.replace("q=v", "q=w"), timeout=10).json()["user"] is None
    wrong = requests.get(base + "/whoami/", auth=FostAuth("alice", "guess"), timeout=10)
    assert wrong.json()["user"] is None


def test_programming_mistakes():
    with pytest.raises(ValueError):
        FostAuth("a:b", "s")
    with pytest.raises(ValueError):
        signed_url("http://h/", "k", "s", expires_in=0)
    with pytest.raises(TypeError):
        httpseal.fost_hmac_request_signature_with_headers("s", "GET", "/", "t", "not a list", "")
    with pytest.raises(TypeError):
        httpseal.verify_fost_request("GET", "/", "", [], secret_loader=None)


@settings(max_examples=300, deadline=None)
@given(
    authorization=st.text(max_size=120).map(lambda t: "FOST " + t),
    timestamp=st.text(max_size=40),
    listed=st.text(max_size=40),
    query=st.text(max_size=60),
)
def test_any_request_input_is_a_signature_error(authorization, timestamp, listed, query):
    headers = {
        "Authorization": authorization,
        "X-FOST-Timestamp": timestamp,
        "X-FOST-Headers": listed,
    }
    with pytest.raises(httpseal.SignatureError):
        httpseal.verify_fost_request("GET", "/", query, headers, b"", secret_loader=lambda key: "s")
    with pytest.raises(httpseal.SignatureError):
        httpseal.verify_fost_url("h", "/", "_k=a&_s=b&" + query, secret_loader=lambda key: "s")


@pytest.mark.django_db
def test_oversized_body_is_413_not_500(client, secret, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "x" * 4096
    meta = fost_headers(secret, "POST", "/whoami/", body=body)
    response = client.post("/whoami/", body, content_type="text/plain", **meta)
    assert response.status_code == 413


@pytest.mark.django_db(transaction=True)
def test_httpx_client_over_real_http(live_server, user):
    import httpx

    from httpseal.client import FostHttpxAuth

    auth = FostHttpxAuth("alice", str(user.password))
    with httpx.Client(auth=auth, timeout=10) as client:
        assert client.get(live_server.url + "/whoami/?x=1").json()["user"] == "alice"
        posted = client.post(live_server.url + "/fost/notes/", json={"x": 1})
    assert posted.status_code == 200 and posted.json()["user"] == "alice"
    assert str(user.password) not in repr(auth)

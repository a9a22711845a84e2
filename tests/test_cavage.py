"""draft-cavage HTTP Signatures: cross-compatibility with httpsig 1.3.0 and
Flask-Cavage 0.4.3, the Flask drop-in, the clients, and hostile input."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import logging
import re
import time

import flask_cavage
import httpsig
import httpx
import pytest
import requests
from flask import Flask, g
from hypothesis import given, settings
from hypothesis import strategies as st

import httpseal
from httpseal.client import CavageHttpxAuth, CavageSignedRequestAuth
from httpseal.flask import CavageSignature, HeadersMap, require_apikey_authentication

from examples.servers import serve

KEYS = {"access_key_1": "123456789", "access_key_2": "4381326329", "my-key": "dash-secret"}
GET_HEADERS = ["(request-target)", "host", "date"]
POST_HEADERS = [*GET_HEADERS, "content-length", "content-type", "digest"]
ALGORITHMS = ["hmac-sha1", "hmac-sha256", "hmac-sha512"]


def http_date(offset: float = 0) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def body_headers(body: bytes, host: str = "example.com") -> dict[str, str]:
    """The headers a body request signs by default, for ``body``."""
    return {
        "Host": host,
        "Date": http_date(),
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Digest": digest(body),
    }


def verify(method, path, query, headers, body=b"", **kwargs):
    kwargs.setdefault("secret_loader", KEYS.get)
    return httpseal.verify_cavage(method, path, query, list(headers.items()), body, **kwargs)


# -- against httpsig -----------------------------------------------------


def httpsig_signed(
    method, path, query, headers, names, algorithm, key_id="access_key_1", form="authorization"
):
    signer = httpsig.HeaderSigner(
        key_id, KEYS[key_id], algorithm=algorithm, headers=names, sign_header=form
    )
    target = path + ("?" + query if query else "")
    return dict(signer.sign(headers, method=method, path=target))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("form", ["authorization", "signature"])
def test_httpsig_signatures_verify(algorithm, form):
    headers = {"Host": "example.com", "Date": http_date()}
    signed = httpsig_signed("GET", "/foo", "a=1&b=2", headers, GET_HEADERS, algorithm, form=form)
    ok = verify("GET", "/foo", "a=1&b=2", signed, required_headers=GET_HEADERS)
    assert (ok.key_id, ok.algorithm) == ("access_key_1", algorithm)
    with pytest.raises(httpseal.BadSignature):
        verify("GET", "/foo", "a=1&b=3", signed, required_headers=GET_HEADERS)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_httpsig_body_signatures_verify(method):
    body = b'{"x": 1}'
    headers = body_headers(body)
    # httpsig signs the query for every method, as the draft says.
    signed = httpsig_signed(method, "/foo", "q=1", headers, POST_HEADERS, "hmac-sha256")
    assert verify(method, "/foo", "q=1", signed, body)
    with pytest.raises(httpseal.BadSignature):
        verify(method, "/foo", "q=2", signed, body)
    with pytest.raises(httpseal.DigestMismatch):
        verify(method, "/foo", "q=1", signed, body + b" ")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_flask_cavage_query_rule_only_when_asked(method):
    """A captured POST /transfer?to=alice must not verify as ?to=mallory."""
    body = b'{"amount": 100}'
    headers = body_headers(body, "bank.example")
    # Signed the Flask-Cavage way: the target of a body method carries no query.
    signed = httpsig_signed(method, "/transfer", "", headers, POST_HEADERS, "hmac-sha256")
    with pytest.raises(httpseal.BadSignature):
        verify(method, "/transfer", "to=mallory", signed, body)
    legacy = verify(method, "/transfer", "to=mallory", signed, body, query_rule="flask-cavage")
    assert legacy.key_id == "access_key_1"
    with pytest.raises(ValueError, match="query_rule"):
        verify(method, "/transfer", "", signed, body, query_rule="lenient")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_our_signatures_pass_httpsig(algorithm):
    headers = {"Host": "example.com", "Date": http_date(), "Content-Type": "text/plain"}
    names = [*GET_HEADERS, "content-type"]
    value = httpseal.sign_cavage(
        "access_key_2",
        KEYS["access_key_2"],
        "DELETE",
        "/items/7",
        "force=1",
        list(headers.items()),
        algorithm=algorithm,
        signed_headers=names,
    )
    verifier = httpsig.HeaderVerifier(
        {**headers, "Authorization": value},
        KEYS["access_key_2"],
        required_headers=names,
        method="DELETE",
        path="/items/7?force=1",
    )
    assert verifier.verify()


SIGNATURE = re.compile(r'signature="([^"]*)"')


@settings(max_examples=100, deadline=None)
@given(
    path=st.from_regex(r"/[a-z0-9/_.-]{0,30}", fullmatch=True),
    query=st.from_regex(r"([a-z]{1,5}=[a-z0-9]{0,5}&?){0,3}", fullmatch=True),
    date=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40
    ),
    algorithm=st.sampled_from(ALGORITHMS),
)
def test_signing_strings_agree_with_httpsig(path, query, date, algorithm):
    headers = {"Host": "h.example", "Date": date.strip() or "x", "X-Extra": "v"}
    names = [*GET_HEADERS, "x-extra"]
    ours = httpseal.sign_cavage(
        "access_key_1",
        KEYS["access_key_1"],
        "GET",
        path,
        query,
        list(headers.items()),
        algorithm=algorithm,
        signed_headers=names,
    )
    theirs = httpsig_signed("GET", path, query, headers, names, algorithm)["authorization"]
    assert SIGNATURE.search(ours).group(1) == SIGNATURE.search(theirs).group(1)


# -- the Flask drop-in against Flask-Cavage ------------------------------


def quickstart_app(module, **config) -> Flask:
    """Flask-Cavage's documented quick start, with the imports taken from ``module``."""
    app = Flask(f"quickstart_{module.__name__}")
    app.config.update(config)
    cavage_signature = module.CavageSignature(app)

    @cavage_signature.secret_loader
    def load_secret(access_key):
        return KEYS.get(access_key)

    @app.route("/hello_world_private", methods=["GET", "POST", "PUT"])
    @module.require_apikey_authentication
    def hello_world_private():
        return "<Whisper> Hello, world!"

    return app


def mk_headers():
    return {"date": email.utils.formatdate(usegmt=True), "content-type": "application/json"}


class Ours:
    CavageSignature = CavageSignature
    require_apikey_authentication = staticmethod(require_apikey_authentication)
    __name__ = "httpseal"


def test_quick_start_over_real_http():
    with serve(quickstart_app(Ours)) as base:
        url = base + "/hello_world_private"
        auth = CavageSignedRequestAuth("access_key_1", "123456789")
        ok = requests.get(url, auth=auth, headers=mk_headers(), json={}, timeout=10)
        wrong = CavageSignedRequestAuth("access_key_1", "not-the-secret")
        refused = requests.get(url, auth=wrong, headers=mk_headers(), json={}, timeout=10)
        posted = requests.post(url, auth=auth, headers=mk_headers(), json={"a": 1}, timeout=10)
        anonymous = requests.get(url, timeout=10)
    assert ok.status_code == 200 and ok.text == "<Whisper> Hello, world!"
    assert refused.status_code == 401 and refused.json() == {"message": "Access Denied"}
    assert refused.headers["WWW-Authenticate"] == (
        'Signature realm="HTTP-Signatures",headers="(request-target) host date"'
    )
    assert posted.status_code == 200
    assert anonymous.status_code == 401


def test_httpx_client_over_real_http():
    with serve(quickstart_app(Ours)) as base:
        auth = CavageHttpxAuth("access_key_2", "4381326329")
        with httpx.Client(auth=auth, timeout=10) as client:
            ok = client.put(base + "/hello_world_private?x=1", json={"k": "v"})
            got = client.get(base + "/hello_world_private?x=1")
    assert ok.status_code == 200
    assert got.status_code == 200


def flask_cavage_request(method, query, headers, body, names, algorithm="hmac-sha256"):
    """Headers signed by httpsig the way Flask-Cavage verifies."""
    target_query = query if method in ("GET", "HEAD", "DELETE") else ""
    return httpsig_signed(method, "/hello_world_private", target_query, headers, names, algorithm)


def judged(app, method, query, headers, body):
    client = app.test_client()
    with client:
        response = client.open(
            "/hello_world_private", method=method, query_string=query, headers=headers, data=body
        )
        return response.status_code, bool(g.get("cavage_verified", False))


CASES = [
    ("GET", "", b"", "hmac-sha256", False),
    ("GET", "a=1&b=%20x", b"", "hmac-sha1", False),
    ("GET", "a=1", b"", "hmac-sha512", True),
    ("POST", "", b'{"a": 1}', "hmac-sha256", False),
    ("PUT", "z=9", b'{"a": [1, 2]}', "hmac-sha512", False),
    ("POST", "", b'{"a": 1}', "hmac-sha256", True),
]


@pytest.mark.parametrize(("method", "query", "body", "algorithm", "tamper"), CASES)
def test_judged_alike_with_flask_cavage(method, query, body, algorithm, tamper):
    headers = {"Host": "localhost", "Date": http_date(), "Content-Type": "application/json"}
    if body:
        headers.update({"Content-Length": str(len(body)), "Digest": digest(body)})
    names = POST_HEADERS if body else GET_HEADERS
    signed = flask_cavage_request(method, query, headers, body, names, algorithm)
    if tamper:
        query, body = (
            (query + "&x=1", body) if method == "GET" else (query, body.replace(b"1", b"2"))
        )
    legacy = judged(quickstart_app(flask_cavage), method, query, signed, body)
    ours = judged(
        quickstart_app(Ours, CAVAGE_QUERY_RULE="flask-cavage"), method, query, signed, body
    )
    assert ours == legacy
    assert ours == ((401, False) if tamper else (200, True))


def test_flask_default_rule_refuses_an_unsigned_query():
    body = b'{"a": 1}'
    headers = body_headers(body, "localhost")
    signed = flask_cavage_request("POST", "to=alice", headers, body, POST_HEADERS)
    assert judged(quickstart_app(Ours), "POST", "to=mallory", signed, body) == (401, False)
    draft = httpsig_signed(
        "POST", "/hello_world_private", "to=alice", headers, POST_HEADERS, "hmac-sha256"
    )
    assert judged(quickstart_app(Ours), "POST", "to=alice", draft, body) == (200, True)
    assert judged(quickstart_app(Ours), "POST", "to=mallory", draft, body) == (401, False)
    with pytest.raises(httpseal.ImproperlyConfigured, match="CAVAGE_QUERY_RULE"):
        quickstart_app(Ours, CAVAGE_QUERY_RULE="lenient")


def test_key_ids_are_not_truncated():
    """Flask-Cavage loads the secret of 'my' for keyId 'my-key'; we use the whole id."""
    seen = []
    app = quickstart_app(Ours)
    app.extensions["httpseal"]["cavage"].secret_loader(lambda k: seen.append(k) or KEYS.get(k))
    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed(
        "GET", "/hello_world_private", "", headers, GET_HEADERS, "hmac-sha256", key_id="my-key"
    )
    assert judged(app, "GET", "", signed, b"") == (200, True)
    assert seen == ["my-key"]


def test_g_values_and_context_loader():
    app = quickstart_app(Ours)
    ext = app.extensions["httpseal"]["cavage"]
    ext.context_loader(lambda key_id: {"tenant": key_id.upper()})
    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed("GET", "/hello_world_private", "", headers, GET_HEADERS, "hmac-sha256")
    client = app.test_client()
    with client:
        assert client.get("/hello_world_private", headers=signed).status_code == 200
        assert g.cavage_verified is True
        assert g.cavage_key_id == "access_key_1"
        assert g.cavage_context == {"tenant": "ACCESS_KEY_1"}


def test_replay_checker_refusal():
    app = quickstart_app(Ours)
    seen_dates: set[str] = set()

    @app.extensions["httpseal"]["cavage"].replay_checker
    def once(headers):
        if headers["Date"] in seen_dates:
            return False
        seen_dates.add(headers["Date"])
        return True

    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed("GET", "/hello_world_private", "", headers, GET_HEADERS, "hmac-sha256")
    assert judged(app, "GET", "", signed, b"") == (200, True)
    assert judged(app, "GET", "", signed, b"") == (401, False)


def test_key_rotation_and_pinning():
    app = Flask(__name__)
    ext = CavageSignature(app)
    pinned = httpseal.HmacKey("123456789", digest="sha512")
    ext.secret_loader(
        lambda key_id: {"rot": ["new-secret", "123456789"], "pin": pinned}.get(key_id)
    )
    app.add_url_rule("/hello_world_private", "p", require_apikey_authentication(lambda: "ok"))
    headers = {"Host": "localhost", "Date": http_date()}
    for key_id, algorithm, expected in [
        ("rot", "hmac-sha256", 200),
        ("pin", "hmac-sha512", 200),
        ("pin", "hmac-sha256", 401),
    ]:
        signer = httpsig.HeaderSigner(key_id, "123456789", algorithm=algorithm, headers=GET_HEADERS)
        signed = dict(signer.sign(headers, method="GET", path="/hello_world_private"))
        assert judged(app, "GET", "", signed, b"")[0] == expected, (key_id, algorithm)


def test_algorithm_allow_list():
    app = quickstart_app(Ours)
    app.config["CAVAGE_ALGORITHMS"] = ["hmac-sha256"]
    headers = {"Host": "localhost", "Date": http_date()}
    for algorithm, expected in [("hmac-sha256", 200), ("hmac-sha1", 401)]:
        signed = httpsig_signed("GET", "/hello_world_private", "", headers, GET_HEADERS, algorithm)
        assert judged(app, "GET", "", signed, b"")[0] == expected


def test_bad_algorithm_config_fails_at_init():
    app = Flask(__name__)
    app.config["CAVAGE_ALGORITHMS"] = ["rsa-sha256"]
    with pytest.raises(httpseal.ImproperlyConfigured):
        CavageSignature(app)


@pytest.mark.parametrize(
    ("offset", "code"), [(-3600, "stale"), (3600, "future"), (-10 * 365 * 86400, "stale")]
)
def test_clock_skew(offset, code):
    headers = {"Host": "localhost", "Date": http_date(offset)}
    signed = httpsig_signed("GET", "/x", "", headers, GET_HEADERS, "hmac-sha256")
    with pytest.raises(httpseal.SignatureError) as info:
        verify("GET", "/x", "", signed, required_headers=GET_HEADERS)
    assert info.value.code == code
    assert verify("GET", "/x", "", signed, required_headers=GET_HEADERS, max_skew=None)
    assert verify("GET", "/x", "", signed, required_headers=GET_HEADERS, now=time.time() + offset)


def test_skew_config_in_flask():
    app = quickstart_app(Ours)
    headers = {"Host": "localhost", "Date": "Mon, 06 Jan 2014 10:00:00 GMT"}
    signed = httpsig_signed("GET", "/hello_world_private", "", headers, GET_HEADERS, "hmac-sha256")
    assert judged(quickstart_app(flask_cavage), "GET", "", signed, b"") == (200, True)  # the hole
    assert judged(app, "GET", "", signed, b"") == (401, False)
    app.config["CAVAGE_MAX_SKEW"] = None
    assert judged(app, "GET", "", signed, b"") == (200, True)


def signed_get(**overrides):
    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed("GET", "/hello_world_private", "", headers, GET_HEADERS, "hmac-sha256")
    for name, value in overrides.items():
        signed.pop(name.lower(), None)
        signed[name] = value
    return signed


GET_LIST = " ".join(GET_HEADERS)


def auth(key_id="access_key_1", algorithm="hmac-sha256", headers=GET_LIST, sig="AA=="):
    return (
        f'Signature keyId="{key_id}",algorithm="{algorithm}",headers="{headers}",signature="{sig}"'
    )


HOSTILE_AUTHORIZATION = [
    "",
    "Signature",
    "Signature ",
    "garbage",
    'Signature keyId="access_key_1',
    'Signature keyId="access_key_1",keyId="access_key_2",signature="AA=="',
    auth(headers="date"),
    auth(algorithm="hmac-md5"),
    auth(key_id="nobody"),
    auth(sig="%%%"),
    auth(key_id="é"),
    auth(headers="(request-target) host date x-absent"),
    auth(),
    "Signature " + "a" * 65536,
    auth(key_id="k" * 65536),
]


@pytest.mark.parametrize("authorization", HOSTILE_AUTHORIZATION)
def test_hostile_headers_give_401_never_500(authorization, caplog):
    app = quickstart_app(Ours)
    with caplog.at_level(logging.WARNING, logger="httpseal.flask"):
        status = judged(app, "GET", "", signed_get(Authorization=authorization), b"")
    assert status == (401, False)
    assert "123456789" not in caplog.text


def test_duplicate_authorization_headers_refused():
    app = quickstart_app(Ours)
    good = signed_get()
    headers = [("Host", good["host"]), ("Date", good["date"])]
    headers += [("Authorization", good["authorization"]), ("Authorization", good["authorization"])]
    client = app.test_client()
    assert client.get("/hello_world_private", headers=headers).status_code == 401


def test_unknown_digest_algorithm_is_401_not_500():
    body = b"{}"
    headers = {
        "Host": "localhost",
        "Date": http_date(),
        "Content-Type": "application/json",
        "Content-Length": "2",
        "Digest": "CRC32=AAAA",
    }
    signed = flask_cavage_request("POST", "", headers, body, POST_HEADERS)
    assert judged(quickstart_app(Ours), "POST", "", signed, body) == (401, False)
    with pytest.raises(httpseal.UnknownAlgorithm):
        verify("POST", "/hello_world_private", "", signed, body, required_headers=POST_HEADERS)


def test_too_few_headers_signed_is_401_not_500():
    body = b"{}"
    headers = {
        "Host": "localhost",
        "Date": http_date(),
        "Content-Type": "application/json",
        "Content-Length": "2",
    }
    signed = flask_cavage_request("POST", "", headers, body, GET_HEADERS)
    assert judged(quickstart_app(Ours), "POST", "", signed, body) == (401, False)
    with pytest.raises(httpseal.HeaderNotSigned):
        verify("POST", "/hello_world_private", "", signed, body, required_headers=POST_HEADERS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", "PUT"),
        ("path", "/other"),
        ("query", "a=2"),
        ("host", "evil.example"),
        ("date", "+1"),
    ],
)
def test_tampering_is_detected(field, value):
    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed("GET", "/p", "a=1", headers, GET_HEADERS, "hmac-sha256")
    method, path, query = "GET", "/p", "a=1"
    if field == "method":
        method = value
    elif field == "path":
        path = value
    elif field == "query":
        query = value
    else:
        # Replace the signed header's value (the dict's keys are lowercase).
        signed[field] = value if field == "host" else http_date(1)
    with pytest.raises(httpseal.BadSignature):
        verify(method, path, query, signed, required_headers=GET_HEADERS)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=300))
def test_any_authorization_value_is_a_signature_error(value):
    headers = {"Host": "h", "Date": http_date(), "Authorization": "Signature " + value}
    with pytest.raises(httpseal.SignatureError):
        verify("GET", "/", "", headers, required_headers=GET_HEADERS)


def test_programming_mistakes_are_type_and_value_errors():
    with pytest.raises(TypeError):
        httpseal.verify_cavage("GET", "/", "", [("a", "b")], secret_loader="not callable")
    with pytest.raises(TypeError):
        httpseal.verify_cavage("GET", "/", "", 42, secret_loader=KEYS.get)
    with pytest.raises(ValueError):
        httpseal.verify_cavage("GET", "/", "", [], secret_loader=KEYS.get, algorithms=["rsa-sha1"])
    with pytest.raises(ValueError):
        httpseal.verify_cavage("GET", "/", "", [], secret_loader=KEYS.get, max_skew=-1)
    with pytest.raises(ValueError):
        CavageSignedRequestAuth("", "secret")
    with pytest.raises(ValueError):
        httpseal.sign_cavage("k", "s", "GET", "/", "", [], signed_headers=["date"])


def test_requests_auth_signs_default_headers_per_method():
    auth = CavageSignedRequestAuth("access_key_1", "123456789")
    r = requests.Request("POST", "http://h.example:8080/p?q=1", json={"a": 1}, auth=auth).prepare()
    assert r.headers["Host"] == "h.example:8080"
    assert r.headers["Digest"] == digest(r.body)
    assert (
        'headers="(request-target) host date content-length content-type digest"'
        in r.headers["Authorization"]
    )
    ok = verify("POST", "/p", "q=1", dict(r.headers), r.body, required_headers=POST_HEADERS)
    assert ok.key_id == "access_key_1"


def test_custom_headers_map():
    class Strict(HeadersMap):
        get = (*HeadersMap.get, "x-tenant")

    app = Flask(__name__)
    ext = CavageSignature(app, headers_map=Strict)
    ext.secret_loader(KEYS.get)
    app.add_url_rule("/hello_world_private", "p", require_apikey_authentication(lambda: "ok"))
    plain = signed_get()
    assert judged(app, "GET", "", plain, b"")[0] == 401
    with_tenant = {"Host": "localhost", "Date": http_date(), "X-Tenant": "t1"}
    names = [*GET_HEADERS, "x-tenant"]
    signed = httpsig_signed("GET", "/hello_world_private", "", with_tenant, names, "hmac-sha256")
    assert judged(app, "GET", "", signed, b"")[0] == 200
    refused = app.test_client().get("/hello_world_private")
    assert 'headers="(request-target) host date x-tenant"' in refused.headers["WWW-Authenticate"]


def test_missing_secret_loader_is_401_and_logged(caplog):
    app = Flask(__name__)
    CavageSignature(app)
    app.add_url_rule("/p", "p", require_apikey_authentication(lambda: "ok"))
    with caplog.at_level(logging.ERROR, logger="httpseal.flask"):
        assert (
            app.test_client().get("/p", headers={"Authorization": "Signature x"}).status_code == 401
        )
    assert "no secret loader" in caplog.text


def test_async_view_protected():
    app = quickstart_app(Ours)

    @app.route("/async")
    @require_apikey_authentication
    async def async_view():
        return "async ok"

    headers = {"Host": "localhost", "Date": http_date()}
    signed = httpsig_signed("GET", "/async", "", headers, GET_HEADERS, "hmac-sha256")
    client = app.test_client()
    assert client.get("/async", headers=signed).data == b"async ok"
    assert client.get("/async").status_code == 401


def test_cavage_verifier_per_method_requirements():
    verifier = httpseal.CavageVerifier(
        secret_loader=KEYS.get,
        required_headers={"get": GET_HEADERS, "post": POST_HEADERS},
        algorithms=["hmac-sha256"],
    )
    headers = {"Host": "localhost", "Date": http_date()}
    get = httpsig_signed("GET", "/x", "", headers, GET_HEADERS, "hmac-sha256")
    assert verifier.verify("GET", "/x", "", get).headers == GET_HEADERS
    options = httpsig_signed("OPTIONS", "/x", "", headers, ["date"], "hmac-sha256")
    with pytest.raises(httpseal.HeaderNotSigned):  # falls back to get's requirements
        verifier.verify("OPTIONS", "/x", "", options)
    post = httpsig_signed("POST", "/x", "", headers, GET_HEADERS, "hmac-sha256")
    with pytest.raises(httpseal.HeaderNotSigned):
        verifier.verify("POST", "/x", "", post)
    sha1 = httpsig_signed("GET", "/x", "", headers, GET_HEADERS, "hmac-sha1")
    with pytest.raises(httpseal.DisallowedAlgorithm):
        verifier.verify("GET", "/x", "", sha1)
    assert "secret" not in repr(verifier).lower()
    with pytest.raises(TypeError):
        httpseal.CavageVerifier(secret_loader=KEYS.get, required_headers="date")


def test_other_schemes_are_left_alone(caplog):
    app = quickstart_app(Ours)
    with caplog.at_level(logging.DEBUG, logger="httpseal.flask"):
        response = app.test_client().get(
            "/hello_world_private", headers={"Authorization": "Bearer abc"}
        )
    assert response.status_code == 401
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_client_requests_pass_httpsig_and_the_digest(algorithm):
    auth = CavageSignedRequestAuth("access_key_1", KEYS["access_key_1"], algorithm=algorithm)
    r = requests.Request("PUT", "http://h.example/items/9", json={"n": 9}, auth=auth).prepare()
    verifier = httpsig.HeaderVerifier(
        dict(r.headers),
        KEYS["access_key_1"],
        required_headers=POST_HEADERS,
        method="PUT",
        path="/items/9",
    )
    assert verifier.verify()
    assert r.headers["Digest"] == digest(r.body)

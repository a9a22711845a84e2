"""RFC 9421 HTTP Message Signatures: against http-message-signatures in
both directions over generated requests, on Flask, the Django middleware and
DRF, and Accept-Signature negotiation end to end on loopback."""

from __future__ import annotations

import datetime
from urllib.parse import quote, urlsplit

import httpx
import pytest
import requests
from flask import Flask
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
)
from http_message_signatures.algorithms import HMAC_SHA256
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import httpseal
from httpseal.client import MessageSignatureAuth, MessageSignatureHttpxAuth
from httpseal.flask import SignatureAuth

from tests.loopback import serving

SECRET = b"a shared secret of some length"
KEYS = {"client-1": SECRET}
NOW = 1_796_205_600


class Keys(HTTPSignatureKeyResolver):
    def resolve_public_key(self, key_id: str) -> bytes:
        return KEYS[key_id]

    def resolve_private_key(self, key_id: str) -> bytes:
        return KEYS[key_id]


def verifier(**options) -> httpseal.Verifier:
    return httpseal.Verifier(schemes=["rfc9421"], key_loader=KEYS.get, **options)


# -- the peer in both directions ---------------------------------------------

methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])
segments = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8
).map(lambda s: quote(s, safe="~!$&'()*+,;=:@"))
paths = st.lists(segments, max_size=3).map(lambda parts: "/" + "/".join(parts))
queries = st.lists(
    st.tuples(st.text("abcXYZ_-.~", min_size=1, max_size=5), st.text(max_size=6)), max_size=3
).map(lambda pairs: "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs))
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20
)
bodies = st.one_of(st.just(b""), st.binary(max_size=64))


def peer_request(method: str, path: str, query: str, extra: str, body: bytes):
    url = f"https://api.example.com{path}" + (f"?{query}" if query else "")
    prepared = requests.Request(method, url, headers={"X-Extra": extra}).prepare()
    prepared.headers["Host"] = "api.example.com"
    if body:
        prepared.body = body
        prepared.headers["Content-Length"] = str(len(body))
    return prepared


def as_sent(prepared) -> tuple[str, str]:
    parts = urlsplit(prepared.url)
    return parts.path or "/", parts.query


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(method=methods, path=paths, query=queries, extra=header_values, body=bodies)
def test_their_signature_passes_our_verifier(method, path, query, extra, body):
    prepared = peer_request(method, path, query, extra, body)
    HTTPMessageSigner(signature_algorithm=HMAC_SHA256, key_resolver=Keys()).sign(
        prepared,
        key_id="client-1",
        created=datetime.datetime.fromtimestamp(NOW),
        label="sig1",
        covered_component_ids=("@method", "@authority", "@target-uri", "x-extra"),
        body=body if body else None,
    )
    sent_path, sent_query = as_sent(prepared)
    headers = list(prepared.headers.items())
    verified = verifier().verify(
        method, sent_path, sent_query, headers, body, now=NOW + 5, url_scheme="https"
    )
    assert verified is not None
    assert verified.key_id == "client-1"
    assert "@target-uri" in verified.covered
    # URL schemes are case-insensitive (RFC 3986), and signed in lowercase.
    assert verifier().verify(
        method, sent_path, sent_query, headers, body, now=NOW + 5, url_scheme="HTTPS"
    )
    # Anything it did not sign as sent is refused: another method, path or header.
    with pytest.raises(httpseal.BadSignature):
        verifier().verify(
            "OPTIONS", sent_path, sent_query, headers, body, now=NOW, url_scheme="https"
        )
    with pytest.raises(httpseal.BadSignature):
        verifier().verify(
            method, sent_path + "x", sent_query, headers, body, now=NOW, url_scheme="https"
        )
    changed = [(n, v + "!" if n == "X-Extra" else v) for n, v in headers]
    with pytest.raises(httpseal.BadSignature):
        verifier().verify(method, sent_path, sent_query, changed, body, now=NOW, url_scheme="https")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(method=methods, path=paths, query=queries, extra=header_values, body=bodies)
def test_our_signature_passes_their_verifier(method, path, query, extra, body):
    prepared = peer_request(method, path, query, extra, body)
    sent_path, sent_query = as_sent(prepared)
    signer = httpseal.Signer(
        "rfc9421",
        "client-1",
        SECRET,
        components=["@method", "@authority", "@path", "@query", "x-extra"]
        + (["content-digest"] if body else []),
    )
    added = signer.sign(
        method, sent_path, sent_query, list(prepared.headers.items()), body, url_scheme="https"
    )
    for name, value in added:
        prepared.headers[name] = value
    checker = HTTPMessageVerifier(signature_algorithm=HMAC_SHA256, key_resolver=Keys())
    (result,) = checker.verify(
        prepared,
        max_age=None,
        require_components=("@method", "@authority", "@path", "@query"),
        body=body,
    )
    assert result.parameters["keyid"] == "client-1"


def test_the_peers_defaults_pass_our_default_policy():
    # http-message-signatures signs @method @authority @target-uri by default;
    # @target-uri covers the path and the query.
    prepared = peer_request("POST", "/orders", "page=2", "x", b'{"a": 1}')
    HTTPMessageSigner(signature_algorithm=HMAC_SHA256, key_resolver=Keys()).sign(
        prepared, key_id="client-1", body=b'{"a": 1}'
    )
    path, query = as_sent(prepared)
    verified = verifier().verify(
        "POST", path, query, list(prepared.headers.items()), b'{"a": 1}', url_scheme="https"
    )
    assert verified is not None and verified.scheme == "rfc9421"
    # The same request over another body: the Content-Digest no longer matches.
    with pytest.raises(httpseal.DigestMismatch):
        verifier().verify(
            "POST", path, query, list(prepared.headers.items()), b'{"a": 2}', url_scheme="https"
        )


def test_rfc9421_b25_through_the_python_api():
    secret = __import__("base64").b64decode(
        "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="
    )
    headers = {
        "Host": "example.com",
        "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
        "Content-Type": "application/json",
    }
    signer = httpseal.Signer(
        "rfc9421",
        "test-shared-secret",
        secret,
        components=["date", "@authority", "content-type"],
        label="sig-b25",
        include_alg=False,
    )
    added = dict(signer.sign("POST", "/foo", "param=Value&Pet=dog", headers, now=1618884473))
    assert added["Signature"] == "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:"


# -- policy, replay and bad input through the Python API ---------------------


def signed(method="POST", path="/notes", query="", body=b'{"t": 1}', **options):
    nonce = options.pop("nonce", None)
    headers = {"Host": "api.example.com", "Content-Type": "application/json"}
    headers.update(
        httpseal.Signer("rfc9421", "client-1", SECRET, **options).sign(
            method, path, query, headers, body, now=NOW, nonce=nonce
        )
    )
    return method, path, query, headers, body


def test_a_nonce_is_spent_once_and_required_when_asked():
    store = httpseal.MemoryReplayStore()
    strict = verifier(replay_store=store, rfc9421_require_nonce=True)
    with pytest.raises(httpseal.HeaderNotSigned, match="nonce"):
        strict.verify(*signed(), now=NOW)
    request = signed(nonce="n-1")
    assert strict.verify(*request, now=NOW) is not None
    with pytest.raises(httpseal.ReplayedRequest):
        strict.verify(*request, now=NOW)
    # The same nonce on another request of the same key is spent too.
    with pytest.raises(httpseal.ReplayedRequest):
        strict.verify(*signed(body=b'{"t": 2}', nonce="n-1"), now=NOW)


def test_policy_options_and_their_mistakes():
    request = signed(components=["@method", "@authority", "@path", "@query", "content-digest"])
    with pytest.raises(httpseal.HeaderNotSigned, match="content-type"):
        verifier(rfc9421_required=["@method", "content-type"]).verify(*request, now=NOW)
    with pytest.raises(httpseal.MissingHeader, match="tag"):
        verifier(rfc9421_tag="app").verify(*request, now=NOW)
    assert verifier(rfc9421_tag="app").verify(*signed(tag="app"), now=NOW) is not None
    with pytest.raises(httpseal.StaleTimestamp):
        verifier().verify(*request, now=NOW + 301)
    with pytest.raises(httpseal.ExpiredURL):
        verifier().verify(*signed(expires_in=10), now=NOW + 11)
    for bad in (["Content-Type"], ["@nope"], ['"@query-param"'], "@method", [1]):
        with pytest.raises((TypeError, ValueError)):
            verifier(rfc9421_required=bad)
    for options in ({"label": "Sig"}, {"components": ["@bad"]}, {"content_digest": "md5"}):
        with pytest.raises(ValueError):
            httpseal.Signer("rfc9421", "client-1", SECRET, **options)
    with pytest.raises(ValueError, match="not an option"):
        httpseal.Signer("cavage", "client-1", SECRET, label="sig1")
    with pytest.raises(ValueError, match="url_scheme"):
        verifier().verify(*request, url_scheme="ftp")


@pytest.mark.parametrize(
    ("input_", "signature", "error"),
    [
        ("sig1=(", "sig1=:AA==:", httpseal.MalformedSignature),
        ('sig1=("@method");created=1;keyid="k";alg="ed25519"', "sig1=:AA==:", None),
        ("sig1=()", "", httpseal.MalformedSignature),
        ("é" * 10, "sig1=:AA==:", httpseal.MalformedSignature),
        ("sig1=();" + "a=1;" * 5000, "sig1=:AA==:", httpseal.MalformedSignature),
    ],
)
def test_hostile_fields_are_refusals(input_, signature, error):
    headers = [("Host", "h"), ("Signature-Input", input_), ("Signature", signature)]
    with pytest.raises(error or httpseal.SignatureError) as refused:
        verifier().verify("GET", "/", "", headers, now=NOW)
    assert refused.value.scheme == "rfc9421"


def test_other_schemes_do_not_claim_rfc9421_requests():
    request = signed()
    every = httpseal.Verifier(
        schemes=["cavage", "drf-hmac", "fost", "rfc9421"], key_loader=KEYS.get
    )
    assert every.verify(*request, now=NOW).scheme == "rfc9421"
    # Two Signature lines are one RFC 9421 field, not a repeated drf-hmac header.
    method, path, query, headers, body = request
    lines = [*headers.items(), ("Signature", "other=:AAAA:")]
    assert every.verify(method, path, query, lines, body, now=NOW).scheme == "rfc9421"


def test_accept_signature_says_what_is_required():
    strict = verifier(rfc9421_tag="app-1", rfc9421_require_nonce=True)
    assert strict.accept_signature(content=True, key_id="client-1") == (
        'sig1=("@method" "@authority" "@path" "@query" "content-digest")'
        ';created;keyid="client-1";nonce;tag="app-1";alg="hmac-sha256"'
    )
    assert httpseal.Verifier(schemes=["cavage"], key_loader=KEYS.get).accept_signature() is None


# -- on the frameworks ---------------------------------------------------------


def flask_app(**options) -> tuple[Flask, SignatureAuth]:
    app = Flask(__name__)
    auth = SignatureAuth(schemes=["rfc9421"], **options)
    auth.key_loader(KEYS.get)
    auth.init_app(app)

    @app.post("/notes")
    @auth.login_required
    def notes():
        return {"key": auth.current().key_id, "covered": list(auth.current().covered)}

    return app, auth


def test_flask_accepts_refuses_and_remembers_nonces():
    app, _ = flask_app(replay_store="memory")
    with serving(app) as url:
        client = MessageSignatureAuth("client-1", SECRET, nonce=True)
        ok = requests.post(url + "/notes", json={"t": 1}, auth=client, timeout=10)
        assert ok.status_code == 200, ok.text
        assert ok.json()["key"] == "client-1"
        assert "content-digest" in ok.json()["covered"]
        # The very same request again: the nonce is spent.
        replay = requests.post(
            url + "/notes", data=ok.request.body, headers=dict(ok.request.headers), timeout=10
        )
        assert replay.status_code == 401
        wrong = MessageSignatureAuth("client-1", b"not the secret")
        refused = requests.post(url + "/notes", json={"t": 1}, auth=wrong, timeout=10)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == 'Signature realm="api"'
        assert refused.headers["Accept-Signature"].startswith('sig1=("@method"')
        unsigned = requests.post(url + "/notes", json={}, timeout=10)
        assert unsigned.status_code == 401


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_accept_signature_negotiation_end_to_end(client):
    """The server's requirements change; the client adapts once, by itself."""
    app, auth = flask_app(replay_store="memory")
    with serving(app) as url:

        def post() -> tuple[int, int]:
            if client == "requests":
                auth_ = MessageSignatureAuth("client-1", SECRET)
                response = requests.post(url + "/notes", json={"t": 1}, auth=auth_, timeout=10)
                return response.status_code, len(response.history)
            with httpx.Client(auth=MessageSignatureHttpxAuth("client-1", SECRET)) as session:
                response = session.post(url + "/notes", json={"t": 1})
                return response.status_code, len(response.history)

        assert post() == (200, 0)
        # Now the server wants a tag, a nonce and the content type signed too.
        app.config.update(
            HTTPSEAL_RFC9421_TAG="app-1",
            HTTPSEAL_RFC9421_REQUIRE_NONCE=True,
            HTTPSEAL_RFC9421_REQUIRED=[
                "@method",
                "@authority",
                "@path",
                "@query",
                "content-type",
            ],
        )
        auth.init_app(app)
        assert post() == (200, 1)


def test_want_content_digest_is_honoured():
    app = Flask(__name__)
    seen = []

    @app.post("/digest")
    def digest():
        from flask import request as flask_request

        value = flask_request.headers.get("Content-Digest", "")
        seen.append(value.split("=")[0])
        if not value.startswith("sha-512="):
            return {"want": "sha-512"}, 401, {"Want-Content-Digest": "sha-256=1, sha-512=5"}
        return {"ok": True}

    with serving(app) as url:
        response = requests.post(
            url + "/digest", json={"a": 1}, auth=MessageSignatureAuth("client-1", SECRET)
        )
    assert response.status_code == 200
    assert seen == ["sha-256", "sha-512"]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["/signed/notes/", "/drf/rfc9421/", "/signed/whoami/"])
def test_django_and_drf_accept_refuse_and_remember_nonces(
    client, settings, keys_named_as_users, endpoint
):
    from tests import signed_requests

    key_id, secret = next(iter(signed_requests.SECRETS.items()))
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "httpseal.django.middleware.SignatureMiddleware"]
    settings.HTTPSEAL = {"SCHEMES": ["rfc9421"], "REPLAY_STORE": "memory"}
    body = b'{"title": "x"}'

    def post(**changes):
        headers = {"Host": "testserver", "Content-Type": "application/json"}
        headers.update(
            httpseal.Signer("rfc9421", key_id, secret).sign(
                "POST", endpoint, "", headers, body, nonce=changes.pop("nonce", None)
            )
        )
        headers.update(changes)
        meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in headers.items()}
        meta["CONTENT_TYPE"] = meta.pop("HTTP_CONTENT_TYPE")
        return client.post(endpoint, data=body, content_type="application/json", **meta)

    def accepted(response) -> bool:
        if endpoint == "/signed/whoami/":  # a plain view: anonymous when refused
            return response.json()["scheme"] == "rfc9421"
        return response.status_code == 200

    first = post(nonce="n-7")
    assert accepted(first), first.content
    assert first.json()["user"] == key_id
    assert not accepted(post(nonce="n-7")), "a spent nonce"
    refused = post(**{"Signature": "sig1=:AAAA:"})
    assert not accepted(refused)
    if endpoint != "/signed/whoami/":
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"] == 'Signature realm="api"'
        assert refused["Accept-Signature"].startswith('sig1=("@method"')


# -- responses -------------------------------------------------------------------


def test_a_signed_response_verifies_and_is_bound_to_its_request():
    method, path, query, request_headers, _ = signed()
    answered = (method, path, query, list(request_headers.items()))
    signer = httpseal.Signer("rfc9421", "client-1", SECRET)
    headers = {"Content-Type": "application/json"}
    body = b'{"ok": true}'
    components = ["@status", "content-digest", '"@method";req', '"signature";req']
    headers.update(
        signer.sign_response(200, headers, body, request=answered, components=components, now=NOW)
    )
    check = verifier()
    verified = check.verify_response(200, headers, body, request=answered, now=NOW)
    assert verified.key_id == "client-1"
    assert verified.covered == ("@status", "content-digest", '"@method";req', '"signature";req')
    with pytest.raises(httpseal.BadSignature):
        check.verify_response(500, headers, body, request=answered, now=NOW)
    with pytest.raises(httpseal.DigestMismatch):
        check.verify_response(200, headers, b'{"ok": false}', request=answered, now=NOW)
    # The answer to another request (another signature) does not verify.
    other = signed(body=b'{"t": 2}')
    other_request = (other[0], other[1], other[2], list(other[3].items()))
    with pytest.raises(httpseal.BadSignature):
        check.verify_response(200, headers, body, request=other_request, now=NOW)
    with pytest.raises(httpseal.MalformedSignature, match="request"):
        check.verify_response(200, headers, body, now=NOW)
    # Unsigned, or covering less than @status.
    with pytest.raises(httpseal.MissingHeader):
        check.verify_response(200, {"Content-Type": "text/plain"}, b"", now=NOW)
    bare = dict(signer.sign_response(200, {}, b"", components=[], now=NOW))
    with pytest.raises(httpseal.HeaderNotSigned, match="@status"):
        check.verify_response(200, bare, b"", now=NOW)


def test_our_response_signature_passes_their_verifier():
    prepared = peer_request("POST", "/orders", "", "x", b'{"a": 1}')
    response = requests.Response()
    response.request = prepared
    response.status_code = 201
    response.headers.update({"Content-Type": "application/json"})
    body = b'{"id": 7}'
    response._content = body
    added = httpseal.Signer("rfc9421", "client-1", SECRET).sign_response(
        201, dict(response.headers), body
    )
    response.headers.update(dict(added))
    checker = HTTPMessageVerifier(signature_algorithm=HMAC_SHA256, key_resolver=Keys())
    (result,) = checker.verify(response, max_age=None, body=body)
    covered = [str(c) for c in result.covered_components]
    assert covered[:2] == ['"@status"', '"content-digest"']


def test_flask_signs_its_responses_to_rfc9421_requests():
    app, _ = flask_app(rfc9421_sign_responses=True)
    with serving(app) as url:
        response = requests.post(
            url + "/notes", json={"t": 1}, auth=MessageSignatureAuth("client-1", SECRET), timeout=10
        )
    assert response.status_code == 200
    sent = response.request
    parts = urlsplit(sent.url)
    answered = ("POST", parts.path, parts.query, list(sent.headers.items()))
    verified = verifier().verify_response(
        200, list(response.headers.items()), response.content, request=answered
    )
    assert verified.key_id == "client-1"
    assert '"signature";req' in verified.covered


@pytest.mark.django_db
def test_django_signs_its_responses_to_rfc9421_requests(client, settings, keys_named_as_users):
    from tests import signed_requests

    key_id, secret = next(iter(signed_requests.SECRETS.items()))
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "httpseal.django.middleware.SignatureMiddleware"]
    settings.HTTPSEAL = {"SCHEMES": ["rfc9421"], "RFC9421_SIGN_RESPONSES": True}
    headers = {"Host": "testserver", "Content-Type": "application/json"}
    body = b'{"title": "x"}'
    headers.update(
        httpseal.Signer("rfc9421", key_id, secret).sign("POST", "/signed/notes/", "", headers, body)
    )
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in headers.items()}
    meta["CONTENT_TYPE"] = meta.pop("HTTP_CONTENT_TYPE")
    response = client.post("/signed/notes/", data=body, content_type="application/json", **meta)
    assert response.status_code == 200
    answered = ("POST", "/signed/notes/", "", list(headers.items()))
    check = httpseal.Verifier(schemes=["rfc9421"], key_loader=signed_requests.SECRETS.get)
    verified = check.verify_response(
        200, list(response.items()), response.content, request=answered
    )
    assert verified.key_id == key_id


# -- nonces the server issues ------------------------------------------------------


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_issued_nonces_end_to_end(client):
    """The server demands a nonce of its own; the client echoes the one its
    401 carried, once."""
    app, _ = flask_app(replay_store="memory", rfc9421_issue_nonces=True)
    app.secret_key = "flask secret"
    with serving(app) as url:
        if client == "requests":
            response = requests.post(
                url + "/notes", json={"t": 1}, auth=MessageSignatureAuth("client-1", SECRET)
            )
            first, retried = response.history[0], response
            sent = response.request.headers
        else:
            with httpx.Client(auth=MessageSignatureHttpxAuth("client-1", SECRET)) as session:
                retried = session.post(url + "/notes", json={"t": 1})
            first, sent = retried.history[0], retried.request.headers
        assert first.status_code == 401
        assert 'nonce="' in first.headers["Accept-Signature"]
        assert retried.status_code == 200
        issued = first.headers["Accept-Signature"].split('nonce="')[1].split('"')[0]
        assert f'nonce="{issued}"' in sent["Signature-Input"]
        # A nonce of the client's own choosing is refused, and so is a second
        # use of the issued one.
        own = MessageSignatureAuth("client-1", SECRET, nonce=True)
        assert requests.post(url + "/notes", json={}, auth=own).history[0].status_code == 401
        body = retried.request.body if client == "requests" else retried.request.content
        replayed = requests.post(url + "/notes", data=body, headers=dict(sent))
        assert replayed.status_code == 401


def test_issued_nonces_need_a_store_and_a_real_secret():
    with pytest.raises(ValueError, match="replay_store"):
        verifier(rfc9421_issue_nonces=True)
    with pytest.raises(ValueError, match="16 bytes"):
        verifier(rfc9421_issue_nonces=True, rfc9421_nonce_secret=b"short", replay_store="memory")
    with pytest.raises(ValueError, match="goes with"):
        verifier(rfc9421_nonce_secret=b"x" * 32)
    # Two verifiers sharing the secret recognise each other's nonces.
    shared = {"rfc9421_issue_nonces": True, "rfc9421_nonce_secret": b"k" * 32}
    issuing = verifier(replay_store=httpseal.MemoryReplayStore(), **shared)
    checking = verifier(replay_store=httpseal.MemoryReplayStore(), **shared)
    asked = issuing.accept_signature(now=NOW)
    nonce = asked.split('nonce="')[1].split('"')[0]
    assert checking.verify(*signed(nonce=nonce), now=NOW) is not None


def test_a_key_moves_from_cavage_to_rfc9421():
    """Allowed on both during a migration, pinned to RFC 9421 afterwards."""
    cavage_headers = {"Host": "api.example.com"}
    cavage_headers.update(
        httpseal.Signer("cavage", "client-1", SECRET).sign("GET", "/a", "", cavage_headers, now=NOW)
    )
    rfc_request = signed(method="GET", path="/a", body=b"")

    def check(key):
        both = httpseal.Verifier(schemes=["cavage", "rfc9421"], key_loader=lambda _: key)
        rfc = both.verify(*rfc_request, now=NOW)
        try:
            cav = both.verify("GET", "/a", "", cavage_headers, now=NOW)
        except httpseal.DisallowedScheme:
            cav = None
        return cav is not None, rfc is not None

    assert check(SECRET) == (True, True)
    assert check(httpseal.HmacKey(SECRET, schemes=["rfc9421"])) == (False, True)

"""The one pipeline: every scheme through ``httpseal.Verifier``, the rule per
scheme for "is this request ours", one order of checks, rotation, scheme
pinning, and the error table."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import httpseal
from httpseal import Verifier

ALL = ["cavage", "drf-hmac", "fost"]
CAVAGE_SECRET = "cavage-secret"
DRF_SECRET = "00112233445566778899aabbccddeeff00112233"
FOST_SECRET = "fost-secret"
NOW = 1_780_000_000


def loader(key_id: str):
    return {"cav": CAVAGE_SECRET, "drf": DRF_SECRET, "fost": FOST_SECRET}.get(key_id)


def verifier(schemes=ALL, **kwargs) -> Verifier:
    return Verifier(schemes=schemes, key_loader=kwargs.pop("key_loader", loader), **kwargs)


def http_date(at: float = NOW) -> str:
    return formatdate(at, usegmt=True)


def cavage_request(method="GET", path="/p", query="a=1", at=NOW, secret=CAVAGE_SECRET):
    headers = {"Host": "example.com", "Date": http_date(at)}
    auth = httpseal.sign_cavage(
        "cav",
        secret,
        method,
        path,
        query,
        headers,
        signed_headers=["(request-target)", "host", "date"],
    )
    return method, path, query, {**headers, "Authorization": auth}, b""


def drf_request(path="/p", at=NOW, secret=DRF_SECRET, body=b'{"a":1}'):
    stamp = str(at)
    signature = httpseal.sign_drf(secret, "POST", "example.com", path, stamp, body)
    headers = {"Host": "example.com", "Key": "drf", "Signature": signature, "Timestamp": stamp}
    return "POST", path, "", headers, body


def fost_timestamp(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at))


def fost_request(path="/p", query="", at=NOW, secret=FOST_SECRET):
    stamp = fost_timestamp(at)
    _, signature = httpseal.fost_hmac_request_signature(secret, "GET", path, stamp, {}, query)
    headers = {
        "Authorization": f"FOST fost:{signature}",
        "X-FOST-Timestamp": stamp,
        "X-FOST-Headers": "X-FOST-Headers",
    }
    return "GET", path, query, headers, b""


def fost_url(path="/p", expires=NOW + 60):
    query = f"a=1&_e={expires}"
    signature = httpseal.fost_hmac_url_signature(
        "fost", FOST_SECRET, "example.com", path, "a=1", expires
    )
    from urllib.parse import quote

    return (
        "GET",
        path,
        f"{query}&_k=fost&_s={quote(signature, safe='')}",
        {"Host": "example.com"},
        b"",
    )


def run(request, schemes=ALL, **kwargs):
    method, path, query, headers, body = request
    return verifier(schemes, **kwargs).verify(method, path, query, headers, body, now=NOW)


@pytest.mark.parametrize(
    ("request_", "scheme", "key_id", "algorithm"),
    [
        (cavage_request(), "cavage", "cav", "hmac-sha256"),
        (drf_request(), "drf-hmac", "drf", "hmac-sha256"),
        (fost_request(), "fost", "fost", "hmac-sha1"),
        (fost_url(), "fost", "fost", "hmac-sha1"),
    ],
    ids=["cavage", "drf-hmac", "fost-request", "fost-url"],
)
def test_every_scheme_verifies_through_one_verifier(request_, scheme, key_id, algorithm):
    verified = run(request_)
    assert (verified.scheme, verified.key_id, verified.algorithm) == (scheme, key_id, algorithm)
    assert verified.secret_index == 0
    assert verified.covered
    # The same request is not ours for a verifier of the other schemes.
    others = [s for s in ALL if s != scheme]
    assert run(request_, others) is None


def test_timestamps_are_reported():
    assert run(cavage_request()).timestamp == NOW
    assert run(drf_request()).timestamp == NOW
    assert run(fost_request()).timestamp == NOW
    assert run(fost_url()).timestamp is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer x"},
        {"Host": "example.com", "Date": http_date()},
    ],
)
def test_requests_without_credentials_are_not_ours(headers):
    assert verifier().verify("GET", "/", "", headers) is None


def test_percent_encoded_url_names_are_not_fost_credentials():
    assert verifier().verify("GET", "/", "%5Fk=a&%5Fs=b", {"Host": "h"}) is None


def test_signed_url_credentials_on_a_post_are_refused():
    with pytest.raises(httpseal.MalformedSignature, match="GET and HEAD"):
        verifier().verify("POST", "/", "_k=a&_s=b", {"Host": "h"})


def test_scheme_names_are_case_insensitive():
    method, path, query, headers, _ = cavage_request()
    headers["Authorization"] = "signature " + headers["Authorization"].split(" ", 1)[1]
    assert verifier().verify(method, path, query, headers, now=NOW).scheme == "cavage"
    method, path, query, headers, _ = fost_request()
    headers["Authorization"] = "fost\t" + headers["Authorization"].split(" ", 1)[1]
    assert verifier().verify(method, path, query, headers, now=NOW).scheme == "fost"


def test_a_draft_cavage_signature_header_is_not_drf_hmac():
    method, path, query, headers, _ = cavage_request()
    params = headers.pop("Authorization").split(" ", 1)[1]
    headers["Signature"] = params
    assert verifier(["drf-hmac"]).verify(method, path, query, headers, now=NOW) is None
    assert verifier().verify(method, path, query, headers, now=NOW).scheme == "cavage"


def test_incomplete_drf_credentials_are_ours_and_refused():
    for headers in ({"Key": "drf"}, {"Timestamp": "1"}, {"Signature": "c2ln"}):
        with pytest.raises(httpseal.MissingHeader, match="all required"):
            verifier(["drf-hmac"]).verify("GET", "/", "", headers)


def test_arguments_are_checked_before_credentials_are_looked_for():
    v = verifier()
    with pytest.raises(TypeError, match="headers"):
        v.verify("GET", "/", "", 42)
    with pytest.raises(TypeError, match="drf_data"):
        v.verify("GET", "/", "", {}, drf_data=42)
    with pytest.raises(TypeError, match="method"):
        v.verify(b"GET", "/", "", {})
    with pytest.raises(ValueError, match="now"):
        v.verify("GET", "/", "", {}, now=float("nan"))
    with pytest.raises(TypeError, match="environ"):
        v.verify_environ([("REQUEST_METHOD", "GET")])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"schemes": "cavage"}, TypeError),
        ({"schemes": ["cavage", "cavage"]}, ValueError),
        ({"schemes": ["Cavage"]}, ValueError),
        ({"schemes": []}, ValueError),
        ({"schemes": ["flask-hmac"], "flask_hmac_header": "HMAC: x"}, ValueError),
        ({"schemes": ["flask-hmac"], "flask_hmac_header": ""}, ValueError),
        ({"schemes": ["flask-hmac"], "flask_hmac_encoding": "base32"}, ValueError),
        ({"schemes": ["flask-hmac"], "flask_hmac_digest": "md5"}, ValueError),
        ({"schemes": ALL, "key_loader": "not callable"}, TypeError),
        ({"schemes": ALL, "max_skew": -1}, ValueError),
        ({"schemes": ALL, "drf_hostname": "peer"}, ValueError),
        ({"schemes": ALL, "cavage_query_rule": "loose"}, ValueError),
        ({"schemes": ALL, "cavage_algorithms": ["hmac-md5"]}, ValueError),
    ],
)
def test_bad_configuration_fails_at_construction(kwargs, error):
    kwargs.setdefault("key_loader", loader)
    with pytest.raises(error):
        Verifier(**kwargs)


@pytest.mark.parametrize(
    "make", [cavage_request, drf_request, fost_request], ids=["cavage", "drf-hmac", "fost"]
)
def test_one_order_of_checks_a_stale_forgery_is_a_bad_signature(make):
    stale = NOW - 3600
    secret = {cavage_request: "wrong", drf_request: "ff" * 20, fost_request: "wrong"}[make]
    with pytest.raises(httpseal.BadSignature):
        run(make(at=stale, secret=secret))
    with pytest.raises(httpseal.StaleTimestamp):
        run(make(at=stale))


@pytest.mark.parametrize(
    "make",
    [cavage_request, drf_request, fost_request, fost_url],
    ids=["cavage", "drf-hmac", "fost", "url"],
)
def test_rotation_reports_which_secret_matched(make):
    def rotating(key_id):
        return ["6f6c64", None, "", loader(key_id)]

    assert run(make(), key_loader=rotating).secret_index == 3


@pytest.mark.parametrize(
    ("make", "own"),
    [(cavage_request, "cavage"), (fost_request, "fost")],
    ids=["cavage", "fost"],
)
def test_a_key_pinned_to_one_scheme_is_refused_by_the_others(make, own):
    digest = "sha256" if own == "cavage" else "sha1"
    secret = CAVAGE_SECRET if own == "cavage" else FOST_SECRET
    for pinned_to in ALL:
        key = httpseal.HmacKey(secret, digest=digest, schemes=[pinned_to])
        if pinned_to == own:
            assert run(make(), key_loader=lambda _k, key=key: key).scheme == own
        else:
            with pytest.raises(httpseal.DisallowedScheme):
                run(make(), key_loader=lambda _k, key=key: key)


def test_drf_secrets_are_hex_and_a_stored_secret_that_is_not_is_a_refusal():
    assert run(drf_request(), key_loader=lambda _k: DRF_SECRET.upper()).scheme == "drf-hmac"
    with pytest.raises(httpseal.MalformedSignature, match="hexadecimal"):
        run(drf_request(), key_loader=lambda _k: "not hex")


def test_unknown_keys_and_loader_mistakes():
    with pytest.raises(httpseal.UnknownKey):
        run(cavage_request(), key_loader=lambda _k: None)

    def raises(_k):
        raise KeyError(_k)

    with pytest.raises(httpseal.UnknownKey):
        run(fost_request(), key_loader=raises)
    with pytest.raises(TypeError, match="key_loader returned int"):
        run(drf_request(), key_loader=lambda _k: 7)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20),
        min_size=1,
        max_size=120,
    )
)
def test_the_loader_is_asked_for_each_key_id_as_named(key_ids):
    # More key ids than a verifier keeps `str` objects for, in any order and
    # repeated, and ids too long to keep: each request's loader call gets its
    # own key id, and verifies with that key's secret.
    key_ids = [*key_ids, "long-" * 60]
    asked = []

    def secret_of(key_id):
        asked.append(key_id)
        return "secret:" + key_id

    checking = Verifier(schemes=["cavage"], key_loader=secret_of)
    for key_id in key_ids + key_ids[::-1]:
        signer = httpseal.Signer("cavage", key_id, "secret:" + key_id)
        headers = {"Host": "example.com", "Date": http_date()}
        headers.update(signer.sign("GET", "/p", "", headers))
        verified = checking.verify("GET", "/p", "", headers, b"", now=NOW)
        assert verified is not None and verified.key_id == key_id
        assert asked[-1] == key_id and type(asked[-1]) is str
    assert len(asked) == 2 * len(key_ids)


def test_drf_data_is_asked_for_only_for_drf_requests():
    calls = []

    def data():
        calls.append(1)
        return b'{"a":1}'

    method, path, query, headers, _ = drf_request()
    verified = verifier().verify(method, path, query, headers, b"a=1", drf_data=data, now=NOW)
    assert verified.scheme == "drf-hmac" and calls == [1]
    method, path, query, headers, body = cavage_request()
    verifier().verify(method, path, query, headers, body, drf_data=data, now=NOW)
    assert calls == [1]


def test_drf_hostname_can_be_the_peer_address():
    stamp = str(NOW)
    signature = httpseal.sign_drf(DRF_SECRET, "GET", "10.0.0.7", "/p", stamp)
    headers = {"Host": "example.com", "Key": "drf", "Signature": signature, "Timestamp": stamp}
    v = verifier(drf_hostname="remote_addr")
    assert v.verify("GET", "/p", "", headers, remote_addr="10.0.0.7", now=NOW).scheme == "drf-hmac"
    with pytest.raises(httpseal.BadSignature):
        v.verify("GET", "/p", "", headers, remote_addr="10.0.0.8", now=NOW)


def test_fost_and_drf_sign_the_decoded_path():
    method, _, query, headers, body = fost_request(path="/caf\u00e9/")
    assert verifier().verify(method, "/caf%C3%A9/", query, headers, body, now=NOW).scheme == "fost"
    method, _, query, headers, body = drf_request(path="/a b")
    assert verifier().verify(method, "/a%20b", query, headers, body, now=NOW).scheme == "drf-hmac"


def environ_for(method, path, query, headers, **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    environ.update(extra)
    return environ


@pytest.mark.parametrize(
    "make",
    [cavage_request, drf_request, fost_request, fost_url],
    ids=["cavage", "drf-hmac", "fost", "url"],
)
def test_a_wsgi_environ_is_read_in_one_pass(make):
    method, path, query, headers, body = make()
    environ = environ_for(method, path, query, headers, CONTENT_TYPE="", CONTENT_LENGTH="")
    assert verifier().verify_environ(environ, body, now=NOW).scheme == run(make()).scheme


def test_environ_path_as_sent_and_bare_test_client_names():
    method, path, query, headers, body = cavage_request(path="/a%2Fb")
    environ = environ_for(method, "/a/b", query, headers, RAW_URI="/a%2Fb?" + query)
    assert verifier().verify_environ(environ, now=NOW).scheme == "cavage"
    method, path, query, headers, body = drf_request()
    environ = environ_for(method, path, query, {"Host": "example.com"})
    environ.update(
        Key=headers["Key"], Signature=headers["Signature"], Timestamp=headers["Timestamp"]
    )
    assert verifier().verify_environ(environ, body, now=NOW).scheme == "drf-hmac"
    # host= replaces the environ's Host header.
    environ["HTTP_HOST"] = "other.example"
    assert (
        verifier().verify_environ(environ, body, host="example.com", now=NOW).scheme == "drf-hmac"
    )


URI_TEXT = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="?#"), max_size=30
)


@settings(max_examples=200)
@given(
    scheme=st.sampled_from(["cavage", "rfc9421"]),
    path=URI_TEXT.map(lambda p: "/" + p),
    query=URI_TEXT,
    form=st.sampled_from(["RAW_URI", "REQUEST_URI", "absolute", "authority only"]),
    remote_addr=st.sampled_from(["", "10.0.0.7", "caf\u00e9"]),
)
def test_an_environ_reads_as_the_request_it_describes(scheme, path, query, form, remote_addr):
    """Whatever a WSGI server puts in the request URI, ``verify_environ``
    reads the request that ``verify`` is given as text."""
    secret = "environ-secret"
    check = Verifier(schemes=["cavage", "rfc9421"], key_loader={"k": secret}.get)
    headers = {"Host": "example.com", "Date": http_date()}
    sent_path = "/" if form == "authority only" else path
    try:
        signed = httpseal.Signer(scheme, "k", secret).sign(
            "GET", sent_path, query, headers, b"", now=NOW
        )
    except ValueError:  # a request no client could send
        assume(False)
    uri = {"absolute": f"http://example.com{path}", "authority only": "http://example.com"}.get(
        form, path
    )
    environ = environ_for(
        "GET", "/ignored", query, {**headers, **dict(signed)}, REMOTE_ADDR=remote_addr
    )
    environ["REQUEST_URI" if form == "REQUEST_URI" else "RAW_URI"] = f"{uri}?{query}"

    def outcome(call):
        try:
            found = call()
        except httpseal.SignatureError as exc:
            return exc.code
        return (found.scheme, found.key_id) if found else None

    as_environ = outcome(lambda: check.verify_environ(environ, b"", now=NOW))
    as_text = outcome(
        lambda: check.verify(
            "GET",
            sent_path,
            query,
            {**headers, **dict(signed)},
            b"",
            remote_addr=remote_addr,
            now=NOW,
        )
    )
    assert as_environ == as_text == (scheme, "k")


def test_the_error_table_is_pinned():
    table = {
        cls.__name__: cls.code
        for cls in vars(httpseal).values()
        if isinstance(cls, type) and issubclass(cls, httpseal.SignatureError)
    }
    assert table == {
        "SignatureError": "signature_error",
        "MalformedSignature": "malformed",
        "UnknownAlgorithm": "unknown_algorithm",
        "DisallowedAlgorithm": "disallowed_algorithm",
        "MissingHeader": "missing_header",
        "HeaderNotSigned": "header_not_signed",
        "UnknownKey": "unknown_key",
        "BadSignature": "bad_signature",
        "DigestMismatch": "digest_mismatch",
        "StaleTimestamp": "stale",
        "FutureTimestamp": "future",
        "ExpiredURL": "expired",
        "ReplayedRequest": "replayed",
        "DisallowedScheme": "disallowed_scheme",
        "ExpiredKey": "expired_key",
        "RevokedKey": "revoked_key",
        "UndecryptableKey": "undecryptable_key",
    }
    assert httpseal.BadSignature.__module__ == "httpseal"
    assert httpseal.BadSignature.__doc__
    assert issubclass(httpseal.DisallowedScheme, httpseal.SignatureError)


def test_refusals_name_their_scheme_and_key():
    method, path, query, headers, body = cavage_request(secret="wrong")
    with pytest.raises(httpseal.BadSignature) as info:
        verifier().verify(method, path, query, headers, body, now=NOW)
    assert (info.value.scheme, info.value.key_id) == ("cavage", "cav")
    with pytest.raises(httpseal.MalformedSignature) as info:
        verifier().verify("GET", "/", "", {"Authorization": "FOST"}, now=NOW)
    assert (info.value.scheme, info.value.key_id) == ("fost", None)
    assert httpseal.SignatureError("x").scheme is None


def test_a_callable_body_is_read_only_for_requests_with_credentials():
    reads = []

    def body():
        reads.append(1)
        return b'{"a":1}'

    method, path, query, headers, _ = drf_request()
    assert verifier().verify(method, path, query, headers, body, now=NOW).scheme == "drf-hmac"
    assert reads == [1]
    assert verifier().verify("POST", "/p", "", {"Host": "example.com"}, body, now=NOW) is None
    assert reads == [1]
    with pytest.raises(httpseal.BadSignature):  # the bytes it returns are what is verified
        verifier().verify(method, path, query, headers, lambda: b'{"a":2}', now=NOW)
    with pytest.raises(TypeError, match="body must be"):
        verifier().verify(method, path, query, headers, lambda: 7, now=NOW)

    def unreadable():
        raise httpseal.MalformedSignature("the body cannot be read")

    with pytest.raises(httpseal.MalformedSignature) as info:
        verifier().verify_environ(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": path,
                "HTTP_KEY": "drf",
                "HTTP_SIGNATURE": headers["Signature"],
                "HTTP_TIMESTAMP": headers["Timestamp"],
            },
            unreadable,
            now=NOW,
        )
    assert (info.value.scheme, info.value.key_id) == ("drf-hmac", "drf")


def test_drf_hmac_given_its_data_never_reads_the_body():
    method, path, query, headers, body = drf_request()

    def unreadable():
        raise AssertionError("the body was read")

    verified = verifier().verify(method, path, query, headers, unreadable, drf_data=body, now=NOW)
    assert verified.scheme == "drf-hmac"
    with pytest.raises(httpseal.BadSignature):  # what is given is what is verified
        verifier().verify(method, path, query, headers, unreadable, drf_data=b"{}", now=NOW)


def test_flask_hmac_tokens_through_the_verifier():
    asked = []

    def keys(key_id):
        asked.append(key_id)
        return ["retired", "current"]

    token = httpseal.render_hmac("current", "/orders/7")
    hmac_only = Verifier(schemes=["flask-hmac"], key_loader=keys)
    verified = hmac_only.verify("GET", "/orders/7", "", {"hmac": token})
    assert (verified.scheme, verified.key_id, verified.secret_index) == ("flask-hmac", "", 1)
    assert (verified.algorithm, verified.covered, asked) == ("hmac-sha256", ("path",), [""])
    with pytest.raises(httpseal.BadSignature):
        hmac_only.verify("GET", "/orders/8", "", {"HMAC": token})
    assert hmac_only.verify("GET", "/orders/7", "", {}) is None
    # Another header, encoding and digest, as Flask-HMAC's settings allow.
    hexed = httpseal.render_hmac("current", "/p", digest="sha512", encoding="hex")
    custom = Verifier(
        schemes=["flask-hmac"],
        key_loader=keys,
        flask_hmac_header="X-Token",
        flask_hmac_encoding="hex",
        flask_hmac_digest="sha512",
    )
    assert custom.verify("GET", "/p", "", {"x-token": hexed}).algorithm == "hmac-sha512"
    with pytest.raises(httpseal.BadSignature):
        custom.verify("GET", "/p", "", {"x-token": token})
    with pytest.raises(ValueError, match="render_hmac"):
        httpseal.Signer("flask-hmac", "", "current")


# -- the two-step path of adapters whose key loader is async -----------------------


def _never_called(key_id: str):
    raise AssertionError("the loader must not be called when secrets are given")


@pytest.mark.parametrize(
    ("request_", "found"),
    [
        (cavage_request(), ("cavage", "cav")),
        (drf_request(), ("drf-hmac", "drf")),
        (fost_request(), ("fost", "fost")),
        ((("GET", "/p", "", {"Host": "example.com"}, b"")), None),
    ],
)
def test_credentials_name_the_scheme_and_key_without_checking(request_, found):
    method, path, query, headers, _ = request_
    assert verifier(key_loader=_never_called).credentials(method, path, query, headers) == found


def test_credentials_that_are_malformed_are_refused():
    with pytest.raises(httpseal.MalformedSignature):
        verifier().credentials("GET", "/", "", {"Authorization": 'Signature keyId="k"'})


def test_given_secrets_replace_the_loader():
    method, path, query, headers, body = cavage_request()
    checking = verifier(key_loader=_never_called)
    given = checking.verify(method, path, query, headers, body, now=NOW, secrets=CAVAGE_SECRET)
    assert given is not None and given.key_id == "cav"
    rotated = checking.verify(
        method, path, query, headers, body, now=NOW, secrets=["old", CAVAGE_SECRET]
    )
    assert rotated is not None and rotated.secret_index == 1
    with pytest.raises(httpseal.UnknownKey):
        checking.verify(method, path, query, headers, body, now=NOW, secrets=[])
    with pytest.raises(httpseal.BadSignature):
        checking.verify(method, path, query, headers, body, now=NOW, secrets="wrong")


def test_record_false_leaves_the_replay_entry_to_the_caller():
    method, path, query, headers, body = cavage_request()
    store = httpseal.MemoryReplayStore()
    checking = verifier(replay_store=store)
    deferred = checking.verify(method, path, query, headers, body, now=NOW, record=False)
    assert deferred is not None and len(store) == 0
    key, ttl = deferred.replay_entry
    assert key.startswith("httpseal:replay:") and len(key) == len("httpseal:replay:") + 64
    assert 0 < ttl <= 301  # the window, both ends inclusive
    # The same request gives the same entry; recording it is what refuses the copy.
    again = checking.verify(method, path, query, headers, body, now=NOW, record=False)
    assert again.replay_entry == (key, ttl)
    recorded = checking.verify(method, path, query, headers, body, now=NOW)
    assert recorded.replay_entry is None and len(store) == 1

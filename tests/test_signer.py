"""The native signers: what ``httpseal.Signer`` signs, ``httpseal.Verifier``
accepts, for every scheme and any request; mistakes are refused when the
signer is built, never per request or silently."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import httpseal
from httpseal import HmacKey, Signer, Verifier

SECRETS = {"cav": "cavage-secret", "drf": "00112233445566778899aabbccddeeff", "fost": "fost-s"}
NOW = 1_780_000_000


def verifier(*schemes: str) -> Verifier:
    return Verifier(schemes=list(schemes), key_loader=SECRETS.get)


def signer(scheme: str, **options) -> Signer:
    key_id = {"cavage": "cav", "drf-hmac": "drf", "fost": "fost"}[scheme]
    return Signer(scheme, key_id, SECRETS[key_id], **options)


def signed(signer: Signer, method, path, query, headers, body=b""):
    added = signer.sign(method, path, query, list(headers.items()), body, now=NOW)
    return {**headers, **dict(added)}


paths = st.lists(
    st.text(string.ascii_letters + string.digits + "-._~%20é", min_size=1, max_size=8),
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))
queries = st.text(string.ascii_letters + string.digits + "=&-", max_size=20)
bodies = st.binary(max_size=200)


@settings(max_examples=60, deadline=None)
@given(path=paths, query=queries, body=bodies, method=st.sampled_from(["GET", "POST", "PUT"]))
def test_every_scheme_verifies_what_it_signs(path, query, body, method):
    base = {"Host": "api.example", "Content-Type": "application/octet-stream"}
    base["Content-Length"] = str(len(body))
    for scheme in ("cavage", "drf-hmac"):
        headers = signed(signer(scheme), method, path, query, base, body)
        verified = verifier(scheme).verify(method, path, query, headers, body, now=NOW)
        assert verified is not None and verified.scheme == scheme
    fost_body = body if not query else b""
    headers = signed(signer("fost"), method, path, query, base, fost_body)
    verified = verifier("fost").verify(method, path, query, headers, fost_body, now=NOW)
    assert verified is not None and verified.key_id == "fost"


@settings(max_examples=60, deadline=None)
@given(path=paths, query=queries, body=bodies, method=st.sampled_from(["GET", "POST", "PUT"]))
def test_the_verifier_rebuilds_the_signers_input(path, query, body, method):
    """What a server logs in debug mode is byte for byte what the client MACed,
    whatever the key the server holds (none is looked up)."""
    base = {"Host": "api.example", "Content-Type": "application/octet-stream"}
    base["Content-Length"] = str(len(body))
    for scheme in ("cavage", "drf-hmac", "fost"):
        sent = body if scheme != "fost" or not query else b""
        one = signer(scheme)
        headers = signed(one, method, path, query, base, sent)
        expected = one.signing_input(method, path, query, list(headers.items()), sent, now=NOW)
        nobody = Verifier(schemes=[scheme], key_loader=lambda key_id: None)
        assert nobody.signing_input(method, path, query, headers, sent) == expected
    assert nobody.signing_input(method, path, query, base, body) is None


def test_signing_input_of_credentials_that_do_not_parse_is_their_error():
    every = verifier("cavage", "drf-hmac", "fost")
    with pytest.raises(httpseal.MalformedSignature):
        every.signing_input("GET", "/", "", {"Authorization": 'Signature keyId="k"'})
    with pytest.raises(TypeError):
        every.signing_input("GET", "/", "", {}, drf_data=1)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/p", "HTTP_HOST": "h"}
    headers = signed(signer("cavage"), "GET", "/p", "", {"Host": "h"})
    environ["HTTP_AUTHORIZATION"], environ["HTTP_DATE"] = headers["Authorization"], headers["Date"]
    assert every.signing_input_environ(environ).startswith(b"(request-target): get /p\nhost: h\n")


def test_a_tampered_request_is_refused():
    headers = signed(signer("cavage"), "GET", "/p", "a=1", {"Host": "h"})
    with pytest.raises(httpseal.BadSignature):
        verifier("cavage").verify("GET", "/p", "a=2", headers, now=NOW)
    headers = signed(signer("drf-hmac"), "POST", "/p", "", {"Host": "h"}, b"{}")
    with pytest.raises(httpseal.BadSignature):
        verifier("drf-hmac").verify("POST", "/p", "", headers, b"[]", now=NOW)


@pytest.mark.parametrize("user", ["admin", "José", "a+b", "line\r\nX-Injected: 1"])
def test_fost_acts_as_any_user_name_without_breaking_a_header(user):
    headers = signed(signer("fost", act_as=user), "GET", "/p", "", {"Host": "h"})
    assert all("\r" not in v and "\n" not in v for v in headers.values())
    assert verifier("fost").verify("GET", "/p", "", headers, now=NOW).act_as == user


def test_an_existing_timestamp_is_signed_as_it_is():
    stamp = "2026-05-28T20:26:40Z"
    added = dict(
        signer("drf-hmac").sign("GET", "/", "", [("Host", "h"), ("Timestamp", stamp)], now=NOW)
    )
    assert added["Timestamp"] == stamp
    date = "Thu, 28 May 2026 20:26:40 GMT"
    added = dict(signer("cavage").sign("GET", "/", "", [("Host", "h"), ("Date", date)], now=NOW))
    assert "Date" not in added
    added = dict(signer("cavage").sign("GET", "/", "", [("Host", "h")], now=NOW))
    assert added["Date"] == "Thu, 28 May 2026 20:26:40 GMT"


def test_signing_input_is_what_the_server_rebuilds():
    drf = signer("drf-hmac", hostname="10.0.0.1")
    got = drf.signing_input("POST", "/a%20b", "", [("Timestamp", "1")], b'{"a":1}')
    assert got == b'POST\n10.0.0.1\n/a b\n1\n{"a":1}'
    cavage = signer("cavage", headers=["(request-target)", "host"])
    got = cavage.signing_input("GET", "/p", "x=1", [("Host", "h")])
    assert got == b"(request-target): get /p?x=1\nhost: h"


def test_signed_urls_verify_and_drop_old_signature_parameters():
    query = signer("fost").sign_url("api.example", "/p", "a=1&_s=old&_k=x", expires=NOW + 60)
    assert query.startswith("a=1&_k=fost&_e=")
    headers = {"Host": "api.example"}
    verified = verifier("fost").verify("GET", "/p", query, headers, now=NOW)
    assert verified is not None and verified.covered[-1] == "expires"
    with pytest.raises(ValueError, match="only FOST signs URLs"):
        signer("cavage").sign_url("h", "/", "", expires=NOW)


@pytest.mark.parametrize(
    ("args", "options", "error", "match"),
    [
        (("rfc9999", "k", "s"), {}, ValueError, "unknown scheme"),
        (("cavage", "", "s"), {}, ValueError, "key id"),
        (("cavage", "k\n", "s"), {}, ValueError, "key id"),
        (("cavage", 7, "s"), {}, TypeError, "key_id"),
        (("cavage", "k", 7), {}, TypeError, "secret"),
        (("cavage", "k", ""), {}, ValueError, "empty"),
        (("cavage", "k", "s"), {"algorithm": "md5"}, ValueError, "md5"),
        (("cavage", "k", "s"), {"headers": "date"}, TypeError, "not a str"),
        (("cavage", "k", "s"), {"headers": ["date", "Date"]}, ValueError, "twice"),
        (("cavage", "k", "s"), {"hostname": "h"}, ValueError, "not an option"),
        (("drf-hmac", "k", "0 1"), {}, ValueError, "hexadecimal"),
        (("drf-hmac", "k", "zz"), {}, ValueError, "hexadecimal"),
        (("drf-hmac", "k", "00"), {"algorithm": "hmac-sha1"}, ValueError, "hmac-sha256"),
        (("drf-hmac", "k", "00"), {"act_as": "x"}, ValueError, "not an option"),
        (("fost", "a:b", "s"), {}, ValueError, "':'"),
        (("fost", "k", "s"), {"headers": ["X-FOST-Headers"]}, ValueError, "X-FOST-Headers"),
        (("fost", "k", "s"), {"query_rule": "draft"}, ValueError, "not an option"),
        (("fost", "k", HmacKey("s", schemes=["cavage"])), {}, ValueError, "may not sign"),
        (("fost", "k", HmacKey("s", digest="sha256")), {}, ValueError, "digest"),
    ],
)
def test_mistakes_are_refused_at_construction(args, options, error, match):
    with pytest.raises(error, match=match):
        Signer(*args, **options)


def test_requests_that_cannot_be_signed_say_why():
    with pytest.raises(ValueError, match="header 'x-missing' is to be signed"):
        signer("cavage", headers=["x-missing"]).sign("GET", "/", "", [])
    with pytest.raises(ValueError, match="not both"):
        signer("fost").sign("POST", "/", "a=1", [], b"body")
    with pytest.raises(ValueError, match="hostname"):
        signer("drf-hmac").sign("GET", "/", "", [])
    with pytest.raises(TypeError):
        signer("cavage").sign("GET", "/", "", [("Host", 1)])


def test_one_hex_decoder_for_drf_secrets():
    # Python's bytes.fromhex accepts whitespace between byte pairs only; so does the core.
    for text in ("00 ff", "00\x0bff", " 00ff\n"):
        assert HmacKey.from_hex(text).sign(b"x") == HmacKey(bytes.fromhex(text)).sign(b"x")
    for text in ("0 0ff", "0", "zz", "00\u00a0ff"):
        with pytest.raises(ValueError):
            bytes.fromhex(text)
        with pytest.raises(ValueError):
            HmacKey.from_hex(text)


def test_repr_never_shows_the_secret():
    text = repr(Signer("cavage", "k", "very-secret"))
    assert text == 'Signer(scheme="cavage", key_id="k")'
    assert "very-secret" not in text

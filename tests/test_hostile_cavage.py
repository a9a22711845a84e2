"""Hostile input against draft-cavage verification: weak defaults, repeated
header listings, parameter floods and loaders that raise."""

from __future__ import annotations

import email.utils
import time

import pytest
from flask import Flask, g

import httpseal
from httpseal.flask import CavageSignature, require_apikey_authentication

DATE = email.utils.formatdate(usegmt=True)


def sign(method, path, query, headers, names, secret="s3cret"):
    return httpseal.sign_cavage(
        "k", secret, method, path, query, list(headers.items()), signed_headers=names
    )


def test_core_defaults_require_target_host_and_date():
    headers = {"Host": "h", "Date": DATE}
    date_only = {**headers, "Authorization": sign("GET", "/public", "", headers, ["date"])}
    for verify in (
        lambda *a: httpseal.verify_cavage(*a, secret_loader=lambda k: "s3cret"),
        httpseal.CavageVerifier(secret_loader=lambda k: "s3cret").verify,
    ):
        with pytest.raises(httpseal.HeaderNotSigned):
            verify("DELETE", "/admin/users/1", "", date_only)
        with pytest.raises(httpseal.HeaderNotSigned):
            verify("GET", "/public", "", date_only)
    full = {**headers, "Authorization": sign("GET", "/public", "a=1", headers, None)}
    assert httpseal.verify_cavage(
        "GET", "/public", "a=1", full, secret_loader=lambda k: "s3cret"
    ).headers == ["(request-target)", "host", "date"]


def test_body_methods_need_the_content_headers_by_default():
    body = b"{}"
    headers = {"Host": "h", "Date": DATE, "Content-Type": "application/json"}
    headers.update({"Content-Length": "2", "Digest": httpseal.body_digest(body)})
    short = {
        **headers,
        "Authorization": sign("POST", "/p", "", headers, ["(request-target)", "host", "date"]),
    }
    with pytest.raises(httpseal.HeaderNotSigned):
        httpseal.verify_cavage("POST", "/p", "", short, body, secret_loader=lambda k: "s3cret")
    full = {**headers, "Authorization": sign("POST", "/p", "", headers, None)}
    assert httpseal.verify_cavage("POST", "/p", "", full, body, secret_loader=lambda k: "s3cret")


def test_a_signature_without_a_timestamp_is_refused_while_freshness_is_on():
    headers = {"Host": "h"}
    names = ["(request-target)", "host"]
    signed = {**headers, "Authorization": sign("GET", "/", "", headers, names)}
    kwargs = {"secret_loader": lambda k: "s3cret", "required_headers": names}
    with pytest.raises(httpseal.HeaderNotSigned, match="date"):
        httpseal.verify_cavage("GET", "/", "", signed, **kwargs)
    assert httpseal.verify_cavage("GET", "/", "", signed, max_skew=None, **kwargs)


def test_a_header_listed_many_times_cannot_exhaust_memory():
    names = "(request-target) host date " + " ".join(["x-a"] * 16000)
    auth = f'Signature keyId="k",algorithm="hmac-sha256",headers="{names}",signature="AAAA"'
    headers = [("Host", "h"), ("Date", DATE), ("X-A", "v" * 65536), ("Authorization", auth)]
    with pytest.raises(httpseal.MalformedSignature, match="listed twice"):
        httpseal.verify_cavage(
            "GET", "/", "", headers, secret_loader=lambda k: "s", required_headers=["date"]
        )
    many = " ".join(f"x-{i}" for i in range(65))
    auth = f'Signature keyId="k",algorithm="hmac-sha256",headers="date {many}",signature="AAAA"'
    with pytest.raises(httpseal.MalformedSignature, match="more than 64"):
        httpseal.verify_cavage(
            "GET",
            "/",
            "",
            [("Date", DATE), ("Authorization", auth)],
            secret_loader=lambda k: "s",
            required_headers=["date"],
        )


def test_a_flood_of_unknown_parameters_is_refused():
    flood = ",".join(f"p{i}=x" for i in range(90_000))  # about 1 MB
    auth = f'Signature keyId="k",signature="AAAA",{flood}'
    with pytest.raises(httpseal.MalformedSignature, match="parameters"):
        httpseal.verify_cavage(
            "GET", "/", "", [("Authorization", auth)], secret_loader=lambda k: "s"
        )


@pytest.mark.parametrize("error", [KeyError("k"), LookupError("k"), IndexError(0)])
def test_a_loader_raising_a_lookup_error_means_unknown_key(error):
    def loader(key):
        raise error

    headers = {"Host": "h", "Date": DATE}
    signed = {**headers, "Authorization": sign("GET", "/", "", headers, None)}
    with pytest.raises(httpseal.UnknownKey):
        httpseal.verify_cavage("GET", "/", "", signed, secret_loader=loader)
    with pytest.raises(httpseal.UnknownKey):
        httpseal.CavageVerifier(secret_loader={}.__getitem__).verify("GET", "/", "", signed)


def test_a_loader_of_the_wrong_type_or_failing_propagates():
    headers = {"Host": "h", "Date": DATE}
    signed = {**headers, "Authorization": sign("GET", "/", "", headers, None)}
    for loaded in (42, [b"ok", 3.5], [["nested"]], {"a": "b"}):
        with pytest.raises(TypeError, match="secret_loader returned"):
            httpseal.verify_cavage("GET", "/", "", signed, secret_loader=lambda k, v=loaded: v)

    def broken(key):
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError, match="database down"):
        httpseal.verify_cavage("GET", "/", "", signed, secret_loader=broken)
    with pytest.raises(TypeError, match="secret_loader must be callable"):
        httpseal.CavageVerifier(secret_loader="not callable")


def test_flask_loader_keyerror_is_401_not_500():
    app = Flask("loader")
    ext = CavageSignature(app)
    keys = {"k": "s3cret"}
    ext.secret_loader(lambda key: keys[key])

    @app.route("/p")
    @require_apikey_authentication
    def view():
        return "ok"

    headers = {"Host": "localhost", "Date": email.utils.formatdate(time.time(), usegmt=True)}
    value = httpseal.sign_cavage("other", "x", "GET", "/p", "", list(headers.items()))
    client = app.test_client()
    with client:
        response = client.get("/p", headers={**headers, "Authorization": value})
        assert response.status_code == 401 and g.cavage_verified is False
    value = httpseal.sign_cavage("k", "s3cret", "GET", "/p", "", list(headers.items()))
    assert client.get("/p", headers={**headers, "Authorization": value}).status_code == 200

"""draft-cavage verification: httpseal's one native call vs httpsig's
HeaderVerifier plus Flask-Cavage's digest check, and a Flask request through
each extension."""

from __future__ import annotations

import base64
import email.utils
import functools
import hashlib

import flask_cavage
import httpsig
from flask import Flask

import httpseal
import httpseal.flask

from bench.harness import compare, paired_median_ns

KEYS = {"access_key_1": "123456789"}
NAMES = ["(request-target)", "host", "date", "content-length", "content-type", "digest"]
BODY = b'{"items": [' + b", ".join(b'{"id": %d}' % i for i in range(80)) + b"]}"
BODY = BODY[:1024]


def signed_headers() -> dict[str, str]:
    headers = {
        "Host": "api.example.com",
        "Date": email.utils.formatdate(usegmt=True),
        "Content-Type": "application/json",
        "Content-Length": str(len(BODY)),
        "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
    }
    signer = httpsig.HeaderSigner("access_key_1", "123456789", "hmac-sha256", headers=NAMES)
    return dict(signer.sign(headers, method="POST", path="/orders"))


def legacy_verify(headers: dict[str, str]) -> bool:
    """httpsig's verifier and Flask-Cavage's digest check, as Flask-Cavage runs them."""
    verifier = httpsig.HeaderVerifier(
        headers, KEYS["access_key_1"], required_headers=NAMES, path="/orders", method="POST"
    )
    if not verifier.verify():
        return False
    kind, value = headers["digest"].split("=", 1)
    computed = flask_cavage.CavageSignature.digest_functions_hash[kind](BODY).digest()
    return computed == base64.b64decode(value.encode())


VERIFIER = httpseal.CavageVerifier(secret_loader=KEYS.get, required_headers=NAMES)


def native_verify(headers: dict[str, str]) -> httpseal.Verified:
    return VERIFIER.verify("POST", "/orders", "", headers, BODY)


PIPELINE = httpseal.Verifier(
    schemes=["cavage", "drf-hmac", "fost"], key_loader=KEYS.get, cavage_required_headers=NAMES
)


def pipeline_verify(headers: dict[str, str]) -> httpseal.Verified | None:
    return PIPELINE.verify("POST", "/orders", "", headers, BODY)


def app_with(module) -> Flask:
    app = Flask(f"bench_{module.__name__}")
    ext = module.CavageSignature(app)
    ext.secret_loader(KEYS.get)
    app.add_url_rule(
        "/orders", "orders", module.require_apikey_authentication(lambda: "ok"), methods=["POST"]
    )
    return app


def main() -> None:
    headers = signed_headers()
    assert legacy_verify(headers) and native_verify(headers).key_id == "access_key_1"
    # Each side is the call itself, bound to its arguments: no wrapper frame
    # of the benchmark's own is timed with either.
    peer = functools.partial(legacy_verify, headers)
    compare(
        "verify POST, 6 headers + 1 KB Digest vs httpsig+Flask-Cavage",
        *paired_median_ns(
            functools.partial(VERIFIER.verify, "POST", "/orders", "", headers, BODY),
            peer,
            number=5000,
            peer_number=200,
        ),
        target=50,
    )
    assert pipeline_verify(headers).scheme == "cavage"
    compare(
        "the same through Verifier (all three schemes configured)",
        *paired_median_ns(
            functools.partial(PIPELINE.verify, "POST", "/orders", "", headers, BODY),
            peer,
            number=5000,
            peer_number=200,
        ),
        target=50,
    )
    ours, theirs = app_with(httpseal.flask).test_client(), app_with(flask_cavage).test_client()
    assert ours.post("/orders", headers=headers, data=BODY).status_code == 200
    assert theirs.post("/orders", headers=headers, data=BODY).status_code == 200
    compare(
        "Flask test-client POST through the extension",
        *paired_median_ns(
            lambda: ours.post("/orders", headers=headers, data=BODY),
            lambda: theirs.post("/orders", headers=headers, data=BODY),
            number=200,
        ),
    )

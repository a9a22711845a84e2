"""RFC 9421 (hmac-sha256): httpseal's verification and signing vs
http-message-signatures' for the same request — a POST with a 1 KB JSON body
covering @method @authority @path @query and content-digest."""

from __future__ import annotations

import datetime
import time

import requests
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
)
from http_message_signatures.algorithms import HMAC_SHA256

import httpseal

from bench.harness import compare, paired_median_ns

SECRET = b"a shared secret of thirty-two b!"
BODY = (b'{"items": [' + b", ".join(b'{"id": %d}' % i for i in range(80)) + b"]}")[:1024]
COMPONENTS = ("@method", "@authority", "@path", "@query", "content-digest")


class Keys(HTTPSignatureKeyResolver):
    def resolve_public_key(self, key_id: str) -> bytes:
        return SECRET

    def resolve_private_key(self, key_id: str) -> bytes:
        return SECRET


PEER_SIGNER = HTTPMessageSigner(signature_algorithm=HMAC_SHA256, key_resolver=Keys())
PEER_VERIFIER = HTTPMessageVerifier(signature_algorithm=HMAC_SHA256, key_resolver=Keys())
OURS = httpseal.Verifier(schemes=["rfc9421"], key_loader=lambda key_id: SECRET)
SIGNER = httpseal.Signer("rfc9421", "client-1", SECRET)


def unsigned():
    prepared = requests.Request(
        "POST",
        "https://api.example.com/orders?page=2",
        headers={"Content-Type": "application/json"},
        data=BODY,
    ).prepare()
    prepared.headers["Host"] = "api.example.com"
    return prepared


def peer_sign():
    prepared = unsigned()
    PEER_SIGNER.sign(
        prepared,
        key_id="client-1",
        created=datetime.datetime.now(),
        label="sig1",
        covered_component_ids=COMPONENTS[:-1],
        body=BODY,
    )
    return prepared


def our_sign(headers: dict[str, str]) -> list[tuple[str, str]]:
    return SIGNER.sign("POST", "/orders", "page=2", headers, BODY, url_scheme="https")


def main() -> None:
    signed = peer_sign()
    headers = dict(signed.headers)
    now = time.time()

    def ours() -> object:
        return OURS.verify("POST", "/orders", "page=2", headers, BODY, url_scheme="https", now=now)

    def peer() -> object:
        return PEER_VERIFIER.verify(signed, body=BODY, require_components=COMPONENTS)

    assert ours().key_id == "client-1" and peer()
    compare(
        "RFC 9421 verify, 1 KB body vs http-message-signatures",
        *paired_median_ns(ours, peer, number=5000, peer_number=200),
        target=50,
    )
    base = dict(unsigned().headers)
    assert any(name == "Signature" for name, _ in our_sign(base))
    compare(
        "RFC 9421 sign (Content-Digest added) vs http-message-signatures",
        *paired_median_ns(lambda: our_sign(base), peer_sign, number=5000, peer_number=200),
    )

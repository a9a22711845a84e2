"""The workload a profile-guided build of httpseal's native core is trained on
(.ci/pgo.sh): every scheme signed and verified through the calls the
framework adapters make, rejections included, so that the profile weighs
each path as a server exercises it. It uses httpseal alone — no framework,
no service — and runs in a few seconds."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable

import httpseal
from httpseal.webhooks import FORMATS, WebhookEndpoint, sign

ROUNDS = 4000
SECRET = "a secret of the usual length"  # noqa: S105 - a test key
KEYS = {"client-1": SECRET}
# drf-hmac stores its secrets in hexadecimal.
HEX_SECRET = SECRET.encode().hex()
BODIES = [
    b"",
    b'{"id": 1}',
    b'{"items": [' + b", ".join(b'{"id": %d}' % i for i in range(80)) + b"]}",
]


def refused(verify: Callable[..., object], *args: object) -> None:
    """Runs a verification that must fail (the rejection paths are trained too)."""
    try:
        verify(*args)
    except httpseal.SignatureError:
        return
    raise AssertionError("a tampered request was accepted")


def base_headers(body: bytes) -> dict[str, str]:
    headers = {"Host": "api.example.com", "Content-Type": "application/json"}
    if body:
        headers["Content-Length"] = str(len(body))
    return headers


def tampered(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same headers with the last one's value changed (its signature)."""
    *kept, (name, value) = headers
    return [*kept, (name, value[:-6] + "AAAAA=")]


def signed_requests() -> None:
    """Every scheme: signed by `Signer`, verified by `Verifier` and by each
    scheme's own entry point, accepted and refused."""
    verifier = httpseal.Verifier(
        schemes=["rfc9421", "cavage", "drf-hmac", "fost"], key_loader=KEYS.get
    )
    cavage = httpseal.CavageVerifier(secret_loader=KEYS.get)
    signers = [
        httpseal.Signer("cavage", "client-1", SECRET),
        httpseal.Signer("cavage", "client-1", SECRET, sign_header="signature"),
        httpseal.Signer("drf-hmac", "client-1", HEX_SECRET),
        httpseal.Signer("fost", "client-1", SECRET),
        httpseal.Signer("rfc9421", "client-1", SECRET),
    ]
    hex_keys = {"client-1": HEX_SECRET}
    drf_verifier = httpseal.Verifier(schemes=["drf-hmac"], key_loader=hex_keys.get)
    for round_ in range(ROUNDS):
        body = BODIES[round_ % len(BODIES)]
        method, query = ("POST", "") if body else ("GET", "page=2&sort=name")
        for signer in signers:
            headers = base_headers(body)
            added = signer.sign(method, "/orders", query, headers, body)
            request = [*headers.items(), *added]
            target = drf_verifier if signer.scheme == "drf-hmac" else verifier
            target.verify(method, "/orders", query, request, body)
            refused(target.verify, method, "/orders", query, tampered(request), body)
            if signer.scheme == "cavage":
                cavage.verify(method, "/orders", query, dict(request), body)
        if round_ % 10 == 0:
            # A request with no credentials is passed on, not refused.
            assert verifier.verify("GET", "/", "", {"Host": "a"}, b"") is None


def legacy_entry_points() -> None:
    """The single-scheme calls the drop-in extensions make."""
    key = httpseal.HmacKey(SECRET)
    data = b"/orders?page=2"
    token = httpseal.render_hmac(SECRET, data)
    fost = httpseal.Signer("fost", "client-1", SECRET)
    for round_ in range(ROUNDS):
        httpseal.compare_hmacs(SECRET, data, token)
        httpseal.compare_hmacs(SECRET, data, token[:-2] + "AA")
        httpseal.verify_hmac_token([key], data, token)
        stamp = str(int(time.time()))
        body = BODIES[round_ % len(BODIES)]
        signature = httpseal.sign_drf(HEX_SECRET, "POST", "api.example.com", "/orders", stamp, body)
        httpseal.verify_drf(
            HEX_SECRET, "POST", "api.example.com", "/orders", stamp, signature, body
        )
        expires = int(time.time()) + 300
        query = fost.sign_url("api.example.com", "/files/report.pdf", "v=1", expires=expires)
        httpseal.verify_fost_url(
            "api.example.com", "/files/report.pdf", query, secret_loader=KEYS.get
        )


def webhooks() -> None:
    secret = "whsec_" + base64.b64encode(hashlib.sha256(b"webhooks").digest()).decode()
    for format in FORMATS:
        key = secret if format == "standard-webhooks" else SECRET
        endpoint = WebhookEndpoint(format, key)
        for round_ in range(ROUNDS):
            body = BODIES[1 + round_ % 2]
            headers = sign(format, key, body, msg_id="msg_1")
            endpoint.verify(headers, body)
            refused(endpoint.verify, headers, body + b" ")


def replay_and_keys() -> None:
    store = httpseal.MemoryReplayStore()
    verifier = httpseal.Verifier(schemes=["cavage"], key_loader=KEYS.get, replay_store=store)
    signer = httpseal.Signer("cavage", "client-1", SECRET)
    encryption = httpseal.KeyEncryption([b"k" * 32])
    stored = encryption.encrypt(SECRET, record="client-1")
    for round_ in range(ROUNDS):
        body = b'{"id": %d}' % round_
        headers = base_headers(body)
        request = [*headers.items(), *signer.sign("POST", "/orders", "", headers, body)]
        verifier.verify("POST", "/orders", "", request, body)
        refused(verifier.verify, "POST", "/orders", "", request, body)
        encryption.decrypt(stored, record="client-1")


def main() -> None:
    signed_requests()
    legacy_entry_points()
    webhooks()
    replay_and_keys()


if __name__ == "__main__":
    main()

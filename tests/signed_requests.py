"""Correctly signed requests of every scheme, for the framework tests: each
helper returns ``(method, path, query, headers, body)`` signed now."""

from __future__ import annotations

import datetime
import json
import time
from email.utils import formatdate
from urllib.parse import quote

import httpseal

CAVAGE_SECRET = "cavage-secret"
DRF_SECRET = "00112233445566778899aabbccddeeff00112233"
FOST_SECRET = "fost-secret"
SECRETS = {"cav": CAVAGE_SECRET, "drf": DRF_SECRET, "fost": FOST_SECRET}
BODY = {"title": "é and more", "n": 1}


def load_key(key_id: str) -> str | None:
    return SECRETS.get(key_id)


def cavage(host: str, path: str = "/p", secret: str = CAVAGE_SECRET, key_id: str = "cav"):
    body = json.dumps(BODY).encode()
    headers = {
        "Host": host,
        "Date": formatdate(time.time(), usegmt=True),
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Digest": httpseal.body_digest(body),
    }
    headers["Authorization"] = httpseal.sign_cavage(
        key_id,
        secret,
        "POST",
        path,
        "a=1",
        headers,
        signed_headers=[
            "(request-target)",
            "host",
            "date",
            "content-type",
            "content-length",
            "digest",
        ],
    )
    return "POST", path, "a=1", headers, body


def drf(hostname: str, path: str = "/p", secret: str = DRF_SECRET, key_id: str = "drf"):
    """Sent with JSON's default spacing, signed over the compact form (the
    original's rule)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(BODY).encode()
    compact = json.dumps(BODY, separators=(",", ":")).encode()
    signature = httpseal.sign_drf(secret, "POST", hostname, path, stamp, compact)
    headers = {
        "Content-Type": "application/json",
        "Key": key_id,
        "Signature": signature,
        "Timestamp": stamp,
    }
    return "POST", path, "", headers, body


def fost_request(path: str = "/p", secret: str = FOST_SECRET, key_id: str = "fost", act_as=None):
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    signed = {"X-FOST-User": act_as} if act_as else {}
    _, signature = httpseal.fost_hmac_request_signature(secret, "GET", path, stamp, signed, "a=1")
    headers = {
        "Authorization": f"FOST {key_id}:{signature}",
        "X-FOST-Timestamp": stamp,
        "X-FOST-Headers": " ".join(["X-FOST-Headers", *signed]),
        **signed,
    }
    return "GET", path, "a=1", headers, b""


def fost_url(host: str, path: str = "/p", secret: str = FOST_SECRET, key_id: str = "fost"):
    expires = int(time.time()) + 60
    signature = httpseal.fost_hmac_url_signature(key_id, secret, host, path, "a=1", expires)
    query = f"a=1&_e={expires}&_k={key_id}&_s={quote(signature, safe='')}"
    return "GET", path, query, {}, b""

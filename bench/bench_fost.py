"""FOST verification: httpseal's native call vs the Python port of
django-fost-authn's verification (request and URL)."""

from __future__ import annotations

import datetime
import time
from urllib.parse import parse_qsl, quote

import httpseal

from bench.harness import compare, paired_median_ns
from tests import legacy_fost_signature as legacy

SECRET = "pbkdf2_sha256$1000000$salt$hash-of-the-password-field"
BODY = b'{"items": [1, 2, 3], "note": "' + b"x" * 400 + b'"}'


def legacy_request(meta: dict[str, str], method: str, path: str, body: bytes) -> bool:
    """django-fost-authn's _request_signature, minus Django and the user lookup."""
    signed_time = datetime.datetime.strptime(
        meta["HTTP_X_FOST_TIMESTAMP"][:19].replace("T", " "), "%Y-%m-%d %H:%M:%S"
    )
    utc_now = datetime.datetime.utcnow()
    skew = max(signed_time - utc_now, utc_now - signed_time)
    if not skew < datetime.timedelta(0, 300):
        return False
    _, authorization = meta["HTTP_AUTHORIZATION"].split()
    _, hmac = authorization.split(":")
    values = []
    for header in meta["HTTP_X_FOST_HEADERS"].split():
        values.append(meta["HTTP_" + header.upper().replace("-", "_")])
    _, signature = legacy.fost_hmac_request_signature_with_headers(
        SECRET, method, path, meta["HTTP_X_FOST_TIMESTAMP"], values, body.decode()
    )
    return signature == hmac


def legacy_url(host: str, path: str, query: str) -> bool:
    params = dict(parse_qsl(query))  # decoded, as Django's request.GET
    if datetime.datetime.utcfromtimestamp(int(params["_e"])) < datetime.datetime.utcnow():
        return False
    signature = legacy.fost_hmac_url_signature(
        params["_k"], SECRET, host, path, legacy.filter_query_string(query), params["_e"]
    )
    return signature == params["_s"]


def main() -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    names = "X-FOST-Headers X-FOST-User"
    _, signature = legacy.fost_hmac_request_signature_with_headers(
        SECRET, "POST", "/api/orders/", stamp, [names, "alice"], BODY.decode()
    )
    meta = {
        "HTTP_AUTHORIZATION": f"FOST alice:{signature}",
        "HTTP_X_FOST_TIMESTAMP": stamp,
        "HTTP_X_FOST_HEADERS": names,
        "HTTP_X_FOST_USER": "alice",
    }
    headers = {
        "Authorization": meta["HTTP_AUTHORIZATION"],
        "X-Fost-Timestamp": stamp,
        "X-Fost-Headers": names,
        "X-Fost-User": "alice",
        "Content-Type": "application/json",
    }
    secrets = {"alice": SECRET}

    def ours() -> httpseal.FostVerified:
        return httpseal.verify_fost_request(
            "POST", "/api/orders/", "", headers, BODY, secret_loader=secrets.get
        )

    assert legacy_request(meta, "POST", "/api/orders/", BODY) and ours().act_as == "alice"
    compare(
        "FOST request verification vs port of the original",
        *paired_median_ns(
            ours, lambda: legacy_request(meta, "POST", "/api/orders/", BODY), number=20000
        ),
    )

    expires = str(int(time.time()) + 3600)
    url_signature = legacy.fost_hmac_url_signature(
        "alice", SECRET, "files.example.com", "/f/report.pdf", "v=2", expires
    )
    query = f"v=2&_k=alice&_e={expires}&_s={quote(url_signature, safe='')}"

    def ours_url() -> httpseal.FostVerified:
        return httpseal.verify_fost_url(
            "files.example.com", "/f/report.pdf", query, secret_loader=secrets.get
        )

    assert legacy_url("files.example.com", "/f/report.pdf", query) and ours_url().key == "alice"
    compare(
        "FOST signed-URL verification vs port of the original",
        *paired_median_ns(
            ours_url, lambda: legacy_url("files.example.com", "/f/report.pdf", query), number=20000
        ),
    )

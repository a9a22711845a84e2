# ruff: noqa: UP031  (the original formats with %, kept as written)
"""A faithful Python 3 port of django-fost-authn 0.3.8's fost_authn/signature.py
(the original is Python 2 only). Only the str/bytes handling changes: Python 2
strings were bytes, so text is encoded as UTF-8 where the original hashed it,
and ``.encode("base64")[:-1]`` becomes ``base64.encodebytes(...)[:-1]``.
Kept as the oracle the compatibility tests compare httpseal against."""

import base64
import hashlib
import hmac


def _bytes(value):
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sha1_hmac(secret, document):
    digest = hmac.new(_bytes(secret), _bytes(document), hashlib.sha1).digest()
    return base64.encodebytes(digest)[:-1].decode("ascii")


def filter_query_string(query):
    return "&".join(
        [
            q
            for q in query.split("&")
            if not (q.startswith("_k=") or q.startswith("_e=") or q.startswith("_s"))
        ]
    )


def fost_hmac_url_signature(key, secret, host, path, query_string, expires):
    if query_string:
        document = "%s%s?%s\n%s" % (host, path, query_string, expires)
    else:
        document = "%s%s\n%s" % (host, path, expires)
    return sha1_hmac(secret, document)


def fost_hmac_request_signature(secret, method, path, timestamp, headers={}, body=""):  # noqa: B006
    signed_headers, header_values = "X-FOST-Headers", []
    for header, value in headers.items():
        signed_headers += " " + header
        header_values.append(value)
    return fost_hmac_request_signature_with_headers(
        secret, method, path, timestamp, [signed_headers, *header_values], body
    )


def fost_hmac_request_signature_with_headers(secret, method, path, timestamp, headers, body):
    document = "%s %s\n%s\n%s\n%s" % (method, path, timestamp, "\n".join(headers), body)
    return document, sha1_hmac(secret, document)

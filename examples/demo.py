"""httpseal demo: for each of the four legacy wire formats, the legacy library's
own client against httpseal's server over real HTTP on loopback, httpseal's
client against the legacy server (or its own computation, where the legacy
server no longer runs), and tampered, stale and replayed requests refused with
the reason httpseal logged."""

from __future__ import annotations

import base64
import email.utils
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests

import httpseal
from httpseal.client import CavageSignedRequestAuth, FostAuth, HMACAuth, signed_url

from examples.servers import (
    CAVAGE_KEYS,
    FLASK_HMAC_KEY,
    FOST_SECRET,
    django_app,
    flask_cavage_app,
    flask_hmac_app,
    legacy_flask_cavage_app,
    serve,
)

ROW = "  {:<38} {:<32} {:>6}  {}"


@dataclass
class Case:
    client: str
    server: str
    send: Callable[[], int]  # the status code (or 200/401 for an in-process check)
    refused = False  # what the demo expects; a surprise fails the run


class Refused(Case):
    refused = True


class ReasonCollector(logging.Handler):
    """Keeps the last refusal reason httpseal logged, to show beside the status."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            # "<scheme> signature refused <request> (key ...): <reason>" -> "<reason>"
            self.last = record.getMessage().split("\n")[0].rpartition(": ")[2]


def status(response: requests.Response) -> int:
    return response.status_code


def now_date() -> str:
    return email.utils.formatdate(usegmt=True)


# -- Flask-HMAC ------------------------------------------------------------


def flask_hmac_cases(base: str) -> Iterator[Case]:
    import flask_hmac

    path = "/api/orders"
    url = base + path

    def legacy_token(data: str) -> str:
        # Flask-HMAC's own MAC, encoded as its documentation says: URL-safe
        # base64 with the '=' stripped (its render_hmac fails on Python 3).
        mac = flask_hmac.Hmac().make_hmac(FLASK_HMAC_KEY.encode(), data.encode()).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def get(token: str) -> int:
        return status(requests.get(url, headers={"HMAC": token}, timeout=5))

    yield Case("Flask-HMAC's make_hmac token", "httpseal Hmac", lambda: get(legacy_token(path)))

    def same_token() -> int:
        # Flask-HMAC's server cannot run on Python 3 (bytes.replace(str)), so
        # compare with the token it computes.
        return 200 if httpseal.render_hmac(FLASK_HMAC_KEY, path) == legacy_token(path) else 401

    yield Case("httpseal render_hmac", "= Flask-HMAC's token", same_token)
    yield Refused("token for another path", "httpseal Hmac", lambda: get(legacy_token("/api/x")))
    yield Refused(
        "token made with the wrong key",
        "httpseal Hmac",
        lambda: get(httpseal.render_hmac("guess", path)),
    )
    yield Refused(
        "padded token (one '=' added)", "httpseal Hmac", lambda: get(legacy_token(path) + "=")
    )


# -- Flask-Cavage (draft-cavage) ---------------------------------------------------


def flask_cavage_cases(base: str, legacy_base: str) -> Iterator[Case]:
    from httpsig.requests_auth import HTTPSignatureAuth

    url = base + "/hello_world_private"
    post_headers = ["(request-target)", "host", "date", "content-length", "content-type", "digest"]
    httpsig_auth = HTTPSignatureAuth(
        "access_key_1", CAVAGE_KEYS["access_key_1"], "hmac-sha256", post_headers
    )
    body = json.dumps({"amount": 100}).encode()

    def httpsig_post(
        date: str | None = None, send_body: bytes | None = None
    ) -> requests.PreparedRequest:
        headers = {
            "Date": date or now_date(),
            "Content-Type": "application/json",
            "Digest": httpseal.body_digest(body),
        }
        request = requests.Request("POST", url, data=body, headers=headers, auth=httpsig_auth)
        prepared = request.prepare()
        if send_body is not None:
            prepared.body = send_body
        return prepared

    def send(prepared: requests.PreparedRequest) -> int:
        return status(requests.Session().send(prepared, timeout=5))

    yield Case(
        "httpsig's HTTPSignatureAuth", "httpseal CavageSignature", lambda: send(httpsig_post())
    )
    ours = CavageSignedRequestAuth("access_key_1", CAVAGE_KEYS["access_key_1"])
    yield Case(
        "httpseal CavageSignedRequestAuth",
        "Flask-Cavage 0.4.3",
        lambda: status(
            requests.post(
                legacy_base + "/hello_world_private",
                json={"a": 1},
                headers={"Date": now_date()},
                auth=ours,
                timeout=5,
            )
        ),
    )
    yield Case(
        "httpseal CavageSignedRequestAuth",
        "httpseal CavageSignature",
        lambda: status(requests.get(url, auth=ours, timeout=5)),
    )
    yield Refused(
        "httpsig, body changed after signing",
        "httpseal CavageSignature",
        lambda: send(httpsig_post(send_body=b'{"amount": 900}')),
    )
    yield Refused(
        "httpsig, Date from 2014",
        "httpseal CavageSignature",
        lambda: send(httpsig_post(date="Mon, 06 Jan 2014 10:00:00 GMT")),
    )
    wrong = HTTPSignatureAuth("access_key_1", "guess", "hmac-sha256", post_headers)
    yield Refused(
        "httpsig with the wrong secret",
        "httpseal CavageSignature",
        lambda: send(
            requests.Request(
                "POST",
                url,
                data=body,
                auth=wrong,
                headers={
                    "Date": now_date(),
                    "Content-Type": "application/json",
                    "Digest": httpseal.body_digest(body),
                },
            ).prepare()
        ),
    )
    # Another request (two identical requests signed in the same second are one).
    body = json.dumps({"amount": 101}).encode()
    captured = httpsig_post()
    yield Case("httpsig request, sent", "httpseal (replay store)", lambda: send(captured))
    yield Refused(
        "the same request again (replay)", "httpseal (replay store)", lambda: send(captured)
    )


# -- django-rest-framework-hmac -------------------------------------------------


def drf_cases(base: str, key) -> Iterator[Case]:
    from rest_framework_hmac.client import HMACSigner as LegacySigner

    url = base + "/notes/"
    data = {"title": "from the original client"}

    def legacy_signed(stamp: str, secret_user=key.user) -> dict[str, str]:
        # The original client signs a dict; the server signs REMOTE_ADDR.
        signature = LegacySigner(secret_user).calc_signature(
            {"method": "POST", "hostname": "127.0.0.1", "path": "/notes/", "timestamp": stamp},
            data,
        )
        return {"Key": key.key, "Timestamp": stamp, "Signature": signature.decode()}

    def post(headers: dict[str, str]) -> int:
        return status(requests.post(url, json=data, headers=headers, timeout=5))

    def stamp_now() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    yield Case(
        "rest_framework_hmac's HMACSigner",
        "httpseal HMACAuthentication",
        lambda: post(legacy_signed(stamp_now())),
    )
    yield Case(
        "httpseal HMACAuth", "rest_framework_hmac (in process)", lambda: _legacy_drf_judges(key)
    )
    auth = HMACAuth(key.key, key.secret, hostname="127.0.0.1")
    yield Case(
        "httpseal HMACAuth",
        "httpseal HMACAuthentication",
        lambda: status(requests.post(url, json={"title": "from httpseal"}, auth=auth, timeout=5)),
    )

    class Impostor:
        class hmac_key:  # the attribute the original client reads
            secret = "00" * 20

    yield Refused(
        "HMACSigner with the wrong secret",
        "httpseal HMACAuthentication",
        lambda: post(legacy_signed(stamp_now(), Impostor)),
    )
    yield Refused(
        "HMACSigner, signed in 2018",
        "httpseal HMACAuthentication",
        lambda: post(legacy_signed("2018-10-07T00:00:00Z")),
    )
    data["title"] = "another note"  # two identical requests in one second are one
    captured = legacy_signed(stamp_now())
    yield Case("HMACSigner request, sent", "httpseal (replay store)", lambda: post(captured))
    yield Refused(
        "the same request again (replay)", "httpseal (replay store)", lambda: post(captured)
    )


def _legacy_drf_judges(key) -> int:
    """The original's HMACAuthentication, in process: it reads bare ``Key``,
    ``Signature`` and ``Timestamp`` entries of ``request.META``, which no HTTP
    server sets, so it only ever worked behind its test client."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.parsers import JSONParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory
    from rest_framework_hmac.authentication import HMACAuthentication as Legacy

    headers: dict[str, str] = {}
    body = json.dumps({"title": "from httpseal"}).encode()
    HMACAuth(key.key, key.secret, hostname="127.0.0.1").sign(
        "POST", "http://127.0.0.1/notes/", headers, body
    )
    request = APIRequestFactory().post(
        "/notes/",
        body,
        content_type="application/json",
        REMOTE_ADDR="127.0.0.1",
        Key=headers["Key"],
        Timestamp=headers["Timestamp"],
        Signature=headers["Signature"].encode(),
    )
    try:
        user, _ = Legacy().authenticate(Request(request, parsers=[JSONParser()]))
    except AuthenticationFailed:
        return 401
    return 200 if user == key.user else 401


# -- django-fost-authn ---------------------------------------------------------


def fost_cases(base: str) -> Iterator[Case]:
    from tests import legacy_fost_signature as legacy

    url = base + "/report/"

    def legacy_headers(stamp: str, secret: str = FOST_SECRET, query: str = "day=mon") -> dict:
        _, signature = legacy.fost_hmac_request_signature(
            secret, "GET", "/report/", stamp, {}, query
        )
        return {
            "Authorization": f"FOST reporter:{signature}",
            "X-FOST-Timestamp": stamp,
            "X-FOST-Headers": "X-FOST-Headers",
        }

    def get(headers: dict[str, str], query: str = "?day=mon") -> int:
        return status(requests.get(url + query, headers=headers, timeout=5))

    def stamp_now() -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())

    yield Case(
        "fost_authn.signature (ported)",
        "httpseal FostMiddleware",
        lambda: get(legacy_headers(stamp_now())),
    )

    def same_signature() -> int:
        # django-fost-authn is Python 2 only; compare with what it computes.
        headers: dict[str, str] = {}
        FostAuth("reporter", FOST_SECRET).sign("GET", url + "?day=mon", headers, None)
        stamp = headers["X-FOST-Timestamp"]
        _, theirs = legacy.fost_hmac_request_signature(
            FOST_SECRET, "GET", "/report/", stamp, {}, "day=mon"
        )
        return 200 if headers["Authorization"] == f"FOST reporter:{theirs}" else 401

    yield Case("httpseal FostAuth", "= fost_authn's signature", same_signature)
    expires = int(time.time()) + 60
    link_signature = legacy.fost_hmac_url_signature(
        "reporter", FOST_SECRET, base.split("//")[1], "/report/", "day=mon", expires
    )
    legacy_link = (
        f"?day=mon&_k=reporter&_e={expires}&_s={requests.utils.quote(link_signature, safe='')}"
    )
    yield Case(
        "fost_authn signed URL (ported)", "httpseal FostMiddleware", lambda: get({}, legacy_link)
    )
    link = signed_url(url + "?day=mon", "reporter", FOST_SECRET, expires_in=60)
    yield Refused(
        "httpseal signed_url, query edited",
        "httpseal FostMiddleware",
        lambda: status(requests.get(link.replace("mon", "tue"), timeout=5)),
    )
    yield Refused(
        "fost_authn, wrong secret",
        "httpseal FostMiddleware",
        lambda: get(legacy_headers(stamp_now(), "guess")),
    )
    yield Refused(
        "fost_authn, signed an hour ago",
        "httpseal FostMiddleware",
        lambda: get(
            legacy_headers(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 3600)))
        ),
    )
    captured = legacy_headers(stamp_now(), query="day=tue")  # not the first request again
    yield Case(
        "fost_authn request, sent", "httpseal (replay store)", lambda: get(captured, "?day=tue")
    )
    yield Refused(
        "the same request again (replay)",
        "httpseal (replay store)",
        lambda: get(captured, "?day=tue"),
    )


# -- running it --------------------------------------------------------------------


def run(title: str, cases: Iterator[Case], collector: ReasonCollector) -> tuple[int, int, int]:
    """Sends each case and prints its row; returns (accepted, refused, surprises)."""
    print(f"\n{title}")
    print(ROW.format("client", "server", "status", "why"))
    accepted = refused = surprises = 0
    for case in cases:
        collector.last = ""
        code = case.send()
        ok = code < 400
        accepted, refused = accepted + ok, refused + (not ok)
        why = "accepted" if ok else collector.last or "refused"
        if code >= 500:
            why = "server error"
        if ok == case.refused:
            surprises += 1
            why += "  <-- UNEXPECTED: should have been " + ("refused" if ok else "accepted")
        print(ROW.format(case.client, case.server, code, why), flush=True)
    return accepted, refused, surprises


def main() -> int:
    collector = ReasonCollector()
    log = logging.getLogger("httpseal")
    log.addHandler(collector)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("flask_cavage_legacy").setLevel(logging.ERROR)  # its own chatter
    totals = []
    with serve(flask_hmac_app()) as base:
        totals.append(
            run(
                "Flask-HMAC (a token over the path; no time, so no replay check)",
                flask_hmac_cases(base),
                collector,
            )
        )
    with serve(flask_cavage_app()) as base, serve(legacy_flask_cavage_app()) as legacy:
        totals.append(
            run(
                "Flask-Cavage (draft-cavage HTTP Signatures)",
                flask_cavage_cases(base, legacy),
                collector,
            )
        )
    app, key = django_app()
    with serve(app) as base:
        totals.append(run("django-rest-framework-hmac", drf_cases(base, key), collector))
        totals.append(run("django-fost-authn", fost_cases(base), collector))
    accepted, refused, surprises = (sum(column) for column in zip(*totals, strict=True))
    print(f"\n{accepted} accepted, {refused} refused", end="")
    if surprises:
        print(f"; {surprises} did not get the expected answer (marked above)")
        return 1
    print(", each as expected")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""httpseal demo: real servers on loopback, a real HTTP client, signed and
tampered requests, and a table of what each server accepted or rejected."""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests

import httpseal
from httpseal.client import CavageSignedRequestAuth, FostAuth, HMACAuth, signed_url

from examples.servers import django_app, flask_cavage_app, flask_hmac_app, serve

ROW = "{:<12} {:<44} {:>6}  {}"


@dataclass
class Outcome:
    scheme: str
    case: str
    status: int
    reason: str


class ReasonCollector(logging.Handler):
    """Keeps the last refusal reason httpseal logged, to show beside the status."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        # "<scheme> refused <request>: <reason>" -> "<reason>"
        self.last = record.getMessage().rpartition(": ")[2]


def flask_hmac_cases(base: str) -> Iterator[tuple[str, Callable[[], requests.Response]]]:
    key, path = "demo-shared-secret", "/api/orders"
    good = httpseal.render_hmac(key, path)
    yield "signed GET", lambda: requests.get(base + path, headers={"HMAC": good}, timeout=5)
    yield "signed POST", lambda: requests.post(base + path, headers={"HMAC": good}, timeout=5)
    yield "no HMAC header", lambda: requests.get(base + path, timeout=5)
    yield (
        "token for another path",
        lambda: requests.get(
            base + path, headers={"HMAC": httpseal.render_hmac(key, "/api/admin")}, timeout=5
        ),
    )
    yield (
        "token signed with the wrong key",
        lambda: requests.get(
            base + path, headers={"HMAC": httpseal.render_hmac("guess", path)}, timeout=5
        ),
    )
    yield (
        "padded token (one '=' added)",
        lambda: requests.get(base + path, headers={"HMAC": good + "="}, timeout=5),
    )
    yield "garbage token", lambda: requests.get(base + path, headers={"HMAC": "%%%"}, timeout=5)


def flask_cavage_cases(base: str) -> Iterator[tuple[str, Callable[[], requests.Response]]]:
    url = base + "/hello_world_private"
    auth = CavageSignedRequestAuth("access_key_1", "123456789")

    def headers(**extra: str) -> dict[str, str]:
        return {
            "date": email.utils.formatdate(usegmt=True),
            "content-type": "application/json",
            **extra,
        }

    yield "signed GET", lambda: requests.get(url, auth=auth, headers=headers(), json={}, timeout=5)
    yield (
        "signed POST with Digest",
        lambda: requests.post(url, auth=auth, headers=headers(), json={"a": 1}, timeout=5),
    )
    yield (
        "wrong secret",
        lambda: requests.get(
            url, auth=CavageSignedRequestAuth("access_key_1", "guess"), headers=headers(), timeout=5
        ),
    )
    yield (
        "Date from 2014 (replayed)",
        lambda: requests.get(
            url, auth=auth, headers=headers(date="Mon, 06 Jan 2014 10:00:00 GMT"), timeout=5
        ),
    )

    def tampered_body() -> requests.Response:
        prepared = requests.Request("POST", url, auth=auth, headers=headers(), json={"a": 1})
        request = prepared.prepare()
        request.body = b'{"a": 2}'
        return requests.Session().send(request, timeout=5)

    yield "body changed after signing", tampered_body

    def query_changed() -> requests.Response:
        prepared = requests.Request(
            "POST", url + "?to=alice", auth=auth, headers=headers(), json={"amount": 100}
        ).prepare()
        prepared.url = url + "?to=mallory"
        return requests.Session().send(prepared, timeout=5)

    yield "POST query changed (?to=mallory)", query_changed
    yield (
        "unknown keyId",
        lambda: requests.get(
            url, auth=CavageSignedRequestAuth("nobody", "x"), headers=headers(), timeout=5
        ),
    )
    yield "no signature", lambda: requests.get(url, timeout=5)


def drf_cases(key):
    def cases(base: str) -> Iterator[tuple[str, Callable[[], requests.Response]]]:
        url = base + "/notes/"
        auth = HMACAuth(key.key, key.secret, hostname="127.0.0.1")
        yield "signed GET", lambda: requests.get(url, auth=auth, timeout=5)
        yield "signed POST (JSON)", lambda: requests.post(url, json={"t": 1}, auth=auth, timeout=5)
        wrong = HMACAuth(key.key, "00" * 20, hostname="127.0.0.1")
        yield "wrong secret", lambda: requests.get(url, auth=wrong, timeout=5)

        def replayed() -> requests.Response:
            stamp = "2018-10-07T00:00:00Z"
            signature = httpseal.sign_drf(key.secret, "GET", "127.0.0.1", "/notes/", stamp)
            headers = {"Key": key.key, "Timestamp": stamp, "Signature": signature}
            return requests.get(url, headers=headers, timeout=5)

        yield "correctly signed in 2018 (replay)", replayed
        unknown = HMACAuth("f" * 40, key.secret, hostname="127.0.0.1")
        yield "unknown Key", lambda: requests.get(url, auth=unknown, timeout=5)

    return cases


def fost_cases(base: str) -> Iterator[tuple[str, Callable[[], requests.Response]]]:
    url = base + "/report/"
    auth = FostAuth("reporter", "fost-demo-secret")
    yield "signed request", lambda: requests.get(url + "?day=mon", auth=auth, timeout=5)
    yield "wrong secret", lambda: requests.get(url, auth=FostAuth("reporter", "x"), timeout=5)
    link = signed_url(url + "?day=mon", "reporter", "fost-demo-secret", expires_in=60)
    yield "signed URL", lambda: requests.get(link, timeout=5)
    yield "signed URL, query edited", lambda: requests.get(link.replace("mon", "tue"), timeout=5)
    old = signed_url(url, "reporter", "fost-demo-secret", expires_in=1)
    old = old.replace(old.split("_e=")[1].split("&")[0], "1000000000")
    yield "signed URL, expiry edited", lambda: requests.get(old, timeout=5)


def run_scheme(scheme: str, app, cases, collector: ReasonCollector) -> list[Outcome]:
    outcomes = []
    with serve(app) as base:
        for case, send in cases(base):
            collector.last = ""
            response = send()
            reason = "accepted" if response.status_code < 400 else collector.last or "refused"
            outcomes.append(Outcome(scheme, case, response.status_code, reason))
    return outcomes


def main() -> None:
    collector = ReasonCollector()
    logging.getLogger("httpseal").addHandler(collector)
    logging.getLogger("httpseal").setLevel(logging.DEBUG)
    logging.getLogger("httpseal").propagate = False
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    outcomes = run_scheme("Flask-HMAC", flask_hmac_app(), flask_hmac_cases, collector)
    outcomes += run_scheme("Flask-Cavage", flask_cavage_app(), flask_cavage_cases, collector)
    app, key = django_app()
    outcomes += run_scheme("DRF HMAC", app, drf_cases(key), collector)
    outcomes += run_scheme("FOST", app, fost_cases, collector)
    print(ROW.format("scheme", "request", "status", "why"))
    print(ROW.format("-" * 12, "-" * 44, "-" * 6, "-" * 40))
    for o in outcomes:
        print(ROW.format(o.scheme, o.case, o.status, o.reason))
    accepted = sum(o.status < 400 for o in outcomes)
    print(f"\n{accepted} accepted, {len(outcomes) - accepted} rejected")


if __name__ == "__main__":
    main()

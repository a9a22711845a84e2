"""Webhook endpoints on Flask, Django and DRF, on real servers on loopback:
accepted, tampered, stale and malformed deliveries (400, never 500), and
the secrets read from settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from flask import Flask, g
from werkzeug.serving import make_server

from httpseal import webhooks
from httpseal.flask import webhook

from tests.django_project.views import WEBHOOK_SECRET

STRIPE = "whsec_flask_test_secret"
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"id": "evt_1", "type": "invoice.paid"}'


def flask_app() -> Flask:
    app = Flask(__name__)
    app.config["HTTPSEAL_WEBHOOK_SECRETS"] = {"standard-webhooks": [WHSEC]}
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20

    @app.post("/stripe")
    @webhook("stripe", STRIPE)
    def stripe_hook():
        return {"scheme": g.httpseal.scheme}

    @app.post("/standard")
    @webhook("standard-webhooks")
    async def standard_hook():
        return {"id": g.httpseal.delivery_id}

    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def test_flask_webhooks(caplog):
    with serving(flask_app()) as url:
        post = lambda path, headers, body=BODY: requests.post(  # noqa: E731
            url + path, data=body, headers=headers, timeout=10
        )
        signed = webhooks.sign("stripe", STRIPE, BODY)
        assert post("/stripe", signed).json() == {"scheme": "stripe"}
        assert post("/stripe", signed, BODY + b" ").status_code == 400
        stale = webhooks.sign("stripe", STRIPE, BODY, timestamp=time.time() - 301)
        assert post("/stripe", stale).status_code == 400
        assert post("/stripe", {"Stripe-Signature": "t=x,v1=??"}).status_code == 400
        assert post("/stripe", {}).status_code == 400
        standard = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_9")
        assert post("/standard", standard).json() == {"id": "msg_9"}
        assert post("/standard", standard, b"x" * (2 << 20)).status_code == 413
    assert any("stripe webhook refused" in r.getMessage() for r in caplog.records)
    assert all(STRIPE not in r.getMessage() for r in caplog.records)


def test_flask_secrets_are_checked_when_decorating():
    with pytest.raises(ValueError, match="base64"):
        webhook("standard-webhooks", "whsec_not base64!")


@pytest.mark.django_db(transaction=True)
def test_django_and_drf_webhooks_on_a_live_server(live_server, settings):
    settings.HTTPSEAL = {"WEBHOOK_SECRETS": {"standard-webhooks": WHSEC}}
    url = live_server.url

    def post(path, headers, body=BODY):
        return requests.post(url + path, data=body, headers=headers, timeout=10)

    signed = webhooks.sign("stripe", WEBHOOK_SECRET, BODY)
    accepted = post("/hooks/stripe/", signed)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"scheme": "stripe", "bytes": len(BODY)}
    assert post("/hooks/stripe/", signed, BODY + b"!").status_code == 400
    assert post("/hooks/stripe/", {"Stripe-Signature": "garbage"}).status_code == 400
    standard = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_3")
    assert post("/hooks/standard/", standard).json() == {"id": "msg_3"}
    old = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_3", timestamp=1)
    assert post("/hooks/standard/", old).status_code == 400
    github = webhooks.sign("github", "github-test-secret", BODY, msg_id="d-1")
    answer = post("/hooks/github/", github)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"anonymous": True, "scheme": "github", "delivery": "d-1"}
    assert post("/hooks/github/", github, b"{}").status_code == 400
    assert post("/hooks/github/", {}).status_code == 400


@pytest.mark.django_db
def test_django_webhooks_need_no_csrf_token(settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    signed = webhooks.sign("stripe", WEBHOOK_SECRET, BODY)
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in signed.items()}
    response = client.post("/hooks/stripe/", data=BODY, content_type="application/json", **meta)
    assert response.status_code == 200


@pytest.mark.django_db
def test_django_webhook_without_a_secret_is_a_configuration_error(client, settings):
    from httpseal.errors import ImproperlyConfigured

    settings.HTTPSEAL = {}
    with pytest.raises(ImproperlyConfigured, match="WEBHOOK_SECRETS"):
        client.post("/hooks/standard/", data=BODY, content_type="application/json")


@pytest.mark.django_db
def test_manage_py_check_judges_webhook_secrets(settings):
    from httpseal.django.conf import problems

    settings.HTTPSEAL = {"WEBHOOK_SECRETS": {"standard-webhooks": "whsec_not base64!"}}
    assert any("WEBHOOK_SECRETS" in p and "base64" in p for p in problems())
    settings.HTTPSEAL = {"WEBHOOK_SECRETS": {"paypal": "x"}}
    assert any("unknown webhook format" in p for p in problems())
    settings.HTTPSEAL = {"WEBHOOK_SECRETS": {"stripe": ["whsec_a", "whsec_b"]}}
    assert problems() == []

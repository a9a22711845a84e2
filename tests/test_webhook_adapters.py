"""Webhook endpoints on Flask, Django and DRF, on real servers on loopback:
accepted, tampered, stale and malformed deliveries (400, never 500), and
the secrets read from settings."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from flask import Flask, g

from httpseal import webhooks
from httpseal.flask import webhook

from tests.django_project.views import WEBHOOK_SECRET
from tests.loopback import serving

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


# -- deliveries handled once -------------------------------------------------------


def counting_app(deliveries, outcomes: list[int]) -> tuple[Flask, list[str]]:
    """A Flask endpoint whose handler answers the next of ``outcomes`` (200
    once they run out), sleeping a little so that copies overlap."""
    app = Flask(__name__)
    ran: list[str] = []

    @app.post("/standard")
    @webhook("standard-webhooks", WHSEC, deliveries=deliveries)
    def standard_hook():
        ran.append(g.httpseal.delivery_id)
        time.sleep(0.2)
        status = outcomes.pop(0) if outcomes else 200
        return {"ran": len(ran)}, status

    return app, ran


def test_a_delivery_is_handled_once_and_a_failed_one_retried():
    app, ran = counting_app("memory", [500])
    delivery = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_once")
    with serving(app) as url:
        post = lambda: requests.post(url + "/standard", data=BODY, headers=delivery, timeout=10)  # noqa: E731
        assert post().status_code == 500  # the handler failed: not recorded
        assert post().status_code == 200  # the sender's retry runs it again
        again = post()
        assert again.status_code == 200 and again.json() == {"message": "already handled"}
        # A retry signed anew (a later timestamp, the same id) is the same delivery.
        later = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_once")
        assert requests.post(url + "/standard", data=BODY, headers=later, timeout=10).json() == {
            "message": "already handled"
        }
    assert ran == ["msg_once", "msg_once"]


def test_concurrent_copies_across_two_apps_sharing_redis(redis_url):
    first, ran_first = counting_app(redis_url, [])
    second, ran_second = counting_app(redis_url, [])
    delivery = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_shared")
    with serving(first) as one, serving(second) as two:
        results: list[int] = []

        def send(url: str) -> None:
            answer = requests.post(url + "/standard", data=BODY, headers=delivery, timeout=10)
            results.append(answer.status_code)

        threads = [threading.Thread(target=send, args=(u,)) for u in (one, two, one, two)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # One copy ran; the others were told it is being handled (409) or done.
        assert len(ran_first) + len(ran_second) == 1
        assert sorted(results).count(200) >= 1 and set(results) <= {200, 409}
        done = requests.post(one + "/standard", data=BODY, headers=delivery, timeout=10)
        assert done.json() == {"message": "already handled"}


def test_an_unreachable_ledger_is_a_503():
    app, ran = counting_app("redis://127.0.0.1:1/0", [])
    delivery = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_down")
    with serving(app) as url:
        answer = requests.post(url + "/standard", data=BODY, headers=delivery, timeout=10)
    assert answer.status_code == 503 and ran == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hooks/standard/", "/hooks/stripe/"])
def test_django_handles_a_delivery_once(client, settings, path):
    settings.HTTPSEAL = {
        "WEBHOOK_SECRETS": {"standard-webhooks": WHSEC},
        "WEBHOOK_DELIVERIES": "memory",
    }
    if path == "/hooks/standard/":
        signed = webhooks.sign("standard-webhooks", WHSEC, BODY, msg_id="msg_dj")
    else:
        signed = webhooks.sign("stripe", WEBHOOK_SECRET, BODY)
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in signed.items()}
    first = client.post(path, data=BODY, content_type="application/json", **meta)
    assert first.status_code == 200 and "detail" not in first.json()
    again = client.post(path, data=BODY, content_type="application/json", **meta)
    assert again.json() == {"detail": "already handled"}


@pytest.mark.django_db
def test_django_ledger_on_a_redis_backed_cache(client, settings, redis_url):
    from httpseal.django.conf import problems

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "hooks": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
    }
    settings.HTTPSEAL = {"WEBHOOK_DELIVERIES": "cache:default"}
    assert any("WEBHOOK_DELIVERIES" in p and "LocMemCache" in p for p in problems())
    settings.HTTPSEAL = {"WEBHOOK_DELIVERIES": "cache:hooks"}
    assert problems() == []
    signed = webhooks.sign("stripe", WEBHOOK_SECRET, BODY)
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in signed.items()}
    first = client.post("/hooks/stripe/", data=BODY, content_type="application/json", **meta)
    assert first.status_code == 200 and "detail" not in first.json()
    again = client.post("/hooks/stripe/", data=BODY, content_type="application/json", **meta)
    assert again.json() == {"detail": "already handled"}


@pytest.mark.django_db(transaction=True)
def test_drf_handles_a_delivery_once_on_a_live_server(live_server, settings, redis_url):
    from tests.django_project import views

    settings.HTTPSEAL = {"WEBHOOK_DELIVERIES": redis_url}
    views.slack_runs.clear()

    def post(path, body, headers=None):
        signed = headers or webhooks.sign("slack", views.SLACK_SECRET, body)
        signed["Content-Type"] = "application/json"
        return requests.post(live_server.url + path, data=body, headers=signed, timeout=10)

    failing = b'{"status": 500}'
    failed = webhooks.sign("slack", views.SLACK_SECRET, failing)
    assert post("/hooks/slack/", failing, dict(failed)).status_code == 500
    # Not recorded: the same delivery runs again (and fails again).
    assert post("/hooks/slack/", failing, dict(failed)).status_code == 500
    raising = b'{"status": "raise"}'
    raised = webhooks.sign("slack", views.SLACK_SECRET, raising)
    assert post("/hooks/slack/", raising, dict(raised)).status_code == 500
    assert post("/hooks/slack/", raising, dict(raised)).status_code == 500
    good = webhooks.sign("slack", views.SLACK_SECRET, b'{"n": 2}')
    assert post("/hooks/slack/", b'{"n": 2}', dict(good)).json() == {"runs": 5}
    again = post("/hooks/slack/", b'{"n": 2}', dict(good))
    assert again.status_code == 200 and again.json() == {"detail": "already handled"}
    assert views.slack_runs == [500, 500, "raise", "raise", 200]
    assert (
        post("/hooks/slack/", b'{"n": 2}', dict(good) | {"X-Slack-Signature": "v0=00"}).status_code
        == 400
    )
    tampered = post("/hooks/slack/", b'{"n": 3}', dict(good))
    assert tampered.status_code == 400
    assert post("/hooks/slack/", b'{"n": 3}', {"X-Slack-Signature": "v0=zz"}).status_code == 400
    stale = webhooks.sign("slack", views.SLACK_SECRET, b"{}", timestamp=time.time() - 301)
    assert post("/hooks/slack/", b"{}", dict(stale)).status_code == 400
    # The class-based view keeps its own ledger in memory.
    delivery = webhooks.sign("slack", views.SLACK_SECRET, b"{}")
    assert post("/hooks/slack-view/", b"{}", dict(delivery)).json() == {"runs": 6}
    assert post("/hooks/slack-view/", b"{}", dict(delivery)).json() == {"detail": "already handled"}


@pytest.mark.django_db
def test_drf_handled_once_needs_a_ledger_and_a_webhook_class(client, settings):
    from httpseal.errors import ImproperlyConfigured

    settings.HTTPSEAL = {}
    body = b"{}"
    signed = webhooks.sign("slack", "slack-test-secret", body)
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in signed.items()}
    with pytest.raises(ImproperlyConfigured, match="WEBHOOK_DELIVERIES"):
        client.post("/hooks/slack/", data=body, content_type="application/json", **meta)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hooks/standard/", "/hooks/stripe/", "/hooks/github/"])
def test_django_webhook_bodies_over_the_cap_are_413(client, settings, path):
    settings.HTTPSEAL = {"WEBHOOK_SECRETS": {"standard-webhooks": WHSEC}}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    body = b'{"pad": "' + b"x" * 200 + b'"}'
    signed = webhooks.sign("stripe", WEBHOOK_SECRET, body)
    meta = {f"HTTP_{n.upper().replace('-', '_')}": v for n, v in signed.items()}
    response = client.post(path, data=body, content_type="application/json", **meta)
    assert response.status_code == 413

"""Inbound webhooks in the core: each format against its official library in
both directions, the published examples, and the bad-input list."""

from __future__ import annotations

import datetime
import time

import pytest
import standardwebhooks
import stripe
import svix.webhooks
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

import httpseal
from httpseal import webhooks

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_stripe_endpoint_secret"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"

# Bodies as senders send them: UTF-8 text (the official libraries decode it).
bodies = st.text(max_size=200).map(str.encode)
ids = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=30)


def now() -> int:
    return int(time.time())


@settings(max_examples=100)
@given(body=bodies, msg_id=ids)
def test_standard_webhooks_both_ways(body, msg_id):
    stamp = now()
    theirs = standardwebhooks.Webhook(WHSEC)
    signature = theirs.sign(
        msg_id, datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc), body.decode()
    )
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature,
    }
    verified = webhooks.verify("standard-webhooks", WHSEC, headers, body)
    assert (verified.scheme, verified.delivery_id, verified.timestamp) == (
        "standard-webhooks",
        msg_id,
        stamp,
    )
    ours = webhooks.sign("standard-webhooks", WHSEC, body, msg_id=msg_id)
    theirs.verify(body, ours, json_parse=False)
    with pytest.raises(httpseal.BadSignature):
        webhooks.verify("standard-webhooks", WHSEC, headers, body + b" ")


@settings(max_examples=50)
@given(body=bodies, msg_id=ids)
def test_svix_both_ways_with_its_header_names(body, msg_id):
    stamp = now()
    theirs = svix.webhooks.Webhook(WHSEC)
    signature = theirs.sign(
        msg_id, datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc), body.decode()
    )
    headers = {"svix-id": msg_id, "svix-timestamp": str(stamp), "svix-signature": signature}
    assert webhooks.verify("standard-webhooks", WHSEC, headers, body).delivery_id == msg_id
    ours = webhooks.sign("standard-webhooks", WHSEC, body, msg_id=msg_id)
    theirs.verify(body, ours)


@settings(max_examples=100)
@given(body=bodies)
def test_stripe_both_ways(body):
    stamp = now()
    mac = stripe.WebhookSignature._compute_signature(f"{stamp}.{body.decode()}", STRIPE_SECRET)
    header = f"t={stamp},v1={mac},v0=ignored"
    assert webhooks.verify("stripe", STRIPE_SECRET, {"Stripe-Signature": header}, body)
    ours = webhooks.sign("stripe", STRIPE_SECRET, body)
    assert stripe.WebhookSignature.verify_header(
        body.decode(), ours["Stripe-Signature"], STRIPE_SECRET, tolerance=300
    )


def test_stripe_construct_event_accepts_our_signature():
    body = b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded"}'
    ours = webhooks.sign("stripe", STRIPE_SECRET, body)
    event = stripe.Webhook.construct_event(body.decode(), ours["Stripe-Signature"], STRIPE_SECRET)
    assert event["id"] == "evt_1"


@settings(max_examples=100)
@given(body=bodies)
def test_slack_both_ways(body):
    stamp = str(now())
    theirs = SignatureVerifier(SLACK_SECRET)
    signature = theirs.generate_signature(timestamp=stamp, body=body)
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    assert webhooks.verify("slack", SLACK_SECRET, headers, body).scheme == "slack"
    ours = webhooks.sign("slack", SLACK_SECRET, body)
    assert theirs.is_valid(body, ours["X-Slack-Request-Timestamp"], ours["X-Slack-Signature"])


def test_githubs_documented_example():
    headers = [
        (
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
        ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    ]
    verified = webhooks.verify("github", "It's a Secret to Everybody", headers, b"Hello, World!")
    assert verified.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert verified.timestamp is None
    ours = webhooks.sign("github", "It's a Secret to Everybody", b"Hello, World!")
    assert ours["X-Hub-Signature-256"] == headers[0][1]


def test_rotation_and_which_secret_matched():
    body = b'{"a": 1}'
    old, new = "whsec_stripe_old", "whsec_stripe_new"
    signed = webhooks.sign("stripe", new, body)
    assert webhooks.verify("stripe", [old, new], signed, body).secret_index == 1
    # Stripe itself signs with old and new secrets during a roll: any v1 accepts.
    both = webhooks.sign("stripe", old, body)["Stripe-Signature"]
    stamp = both.split(",")[0]
    extra = webhooks.sign("stripe", new, body, timestamp=int(stamp[2:]))["Stripe-Signature"]
    header = f"{both},{extra.split(',')[1]}"
    assert webhooks.verify("stripe", new, {"Stripe-Signature": header}, body)
    with pytest.raises(httpseal.BadSignature):
        webhooks.verify("stripe", "whsec_other", {"Stripe-Signature": header}, body)


def test_tolerance_and_parse_json():
    body = b'{"event": "x"}'
    signed = webhooks.sign("slack", SLACK_SECRET, body, timestamp=1_000_000)
    with pytest.raises(httpseal.StaleTimestamp):
        webhooks.verify("slack", SLACK_SECRET, signed, body)
    verified, payload = webhooks.verify(
        "slack", SLACK_SECRET, signed, body, tolerance=None, parse_json=True
    )
    assert payload == {"event": "x"} and verified.timestamp == 1_000_000
    with pytest.raises(httpseal.FutureTimestamp):
        webhooks.verify("slack", SLACK_SECRET, signed, body, now=1_000_000 - 301)


GOOD = webhooks.sign("standard-webhooks", WHSEC, b"{}", msg_id="msg_1")


@pytest.mark.parametrize(
    ("headers", "body", "error"),
    [
        ({}, b"{}", httpseal.MissingHeader),
        ({**GOOD, "webhook-signature": ""}, b"{}", httpseal.MissingHeader),
        ({**GOOD, "webhook-signature": "garbage"}, b"{}", httpseal.MalformedSignature),
        ({**GOOD, "webhook-signature": "v1,AAAA"}, b"{}", httpseal.BadSignature),
        ({**GOOD, "webhook-signature": "v1," + "A" * 10_000}, b"{}", httpseal.MalformedSignature),
        ({**GOOD, "webhook-timestamp": "abc"}, b"{}", httpseal.MalformedSignature),
        ({**GOOD, "webhook-timestamp": "-1"}, b"{}", httpseal.MalformedSignature),
        ({**GOOD, "webhook-timestamp": "9" * 20}, b"{}", httpseal.MalformedSignature),
        ({**GOOD, "webhook-timestamp": "99999999999"}, b"{}", httpseal.SignatureError),
        ({**GOOD, "webhook-id": "msg.1"}, b"{}", httpseal.MalformedSignature),
        (GOOD, b"\xff\xfe not utf-8", httpseal.BadSignature),
        (GOOD, b"x" * 10_000_000, httpseal.BadSignature),
        (GOOD, b"", httpseal.BadSignature),
        ([*GOOD.items(), ("webhook-signature", "v1,AAAA")], b"{}", httpseal.MalformedSignature),
    ],
)
def test_bad_deliveries_are_typed_refusals(headers, body, error):
    with pytest.raises(error) as refused:
        webhooks.verify("standard-webhooks", WHSEC, headers, body)
    assert refused.value.scheme == "standard-webhooks"
    assert WHSEC not in str(refused.value)


@pytest.mark.parametrize(
    ("format", "headers"),
    [
        ("stripe", {"Stripe-Signature": "t=1,v1=zz"}),
        ("stripe", {"Stripe-Signature": "v1=" + "0" * 64}),
        ("stripe", {"Stripe-Signature": ",,,=,t"}),
        ("github", {"X-Hub-Signature-256": "sha256=abc"}),
        ("github", {"X-Hub-Signature-256": "md5=" + "0" * 64}),
        ("slack", {"X-Slack-Signature": "v0=" + "0" * 64}),
        ("slack", {"X-Slack-Signature": "v1=x", "X-Slack-Request-Timestamp": "1"}),
    ],
)
def test_garbled_headers_of_every_format(format, headers):
    with pytest.raises(httpseal.SignatureError):
        webhooks.verify(format, "secret", headers, b"{}", tolerance=None)


def test_configuration_mistakes_are_value_errors():
    with pytest.raises(ValueError, match="base64"):
        webhooks.WebhookEndpoint("standard-webhooks", "whsec_not base64!")
    with pytest.raises(ValueError, match="unknown webhook format"):
        webhooks.WebhookEndpoint("paypal", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        webhooks.WebhookEndpoint("stripe", "")
    with pytest.raises(ValueError, match="GitHub"):
        webhooks.WebhookEndpoint("stripe", "x", github_sha1=True)
    with pytest.raises(ValueError, match=r"msg_id|delivery id"):
        webhooks.sign("standard-webhooks", WHSEC, b"{}")
    with pytest.raises(ValueError, match="webhook format"):
        httpseal.Signer("stripe", "k", "secret")  # type: ignore[arg-type]


def test_github_sha1_only_when_asked():
    import hashlib
    import hmac

    body = b"payload"
    header = "sha1=" + hmac.new(b"s", body, hashlib.sha1).hexdigest()
    with pytest.raises(httpseal.DisallowedAlgorithm):
        webhooks.verify("github", "s", {"X-Hub-Signature": header}, body)
    verified = webhooks.verify("github", "s", {"X-Hub-Signature": header}, body, github_sha1=True)
    assert verified.algorithm == "hmac-sha1"


def test_the_standard_webhooks_specification_example():
    """The example of the Standard Webhooks specification (and its libraries' tests)."""
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    body = b'{"test": 2432232314}'
    assert webhooks.verify("standard-webhooks", WHSEC, headers, body, now=1614265330)
    assert (
        webhooks.sign(
            "standard-webhooks", WHSEC, body, msg_id=headers["webhook-id"], timestamp=1614265330
        )
        == headers
    )
    # With another version's signature beside it, and unpadded base64 secrets.
    headers["webhook-signature"] = (
        "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5 " + headers["webhook-signature"]
    )
    unpadded = WHSEC.rstrip("=")
    assert webhooks.verify("standard-webhooks", unpadded, headers, body, now=1614265330)

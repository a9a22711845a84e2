"""Inbound webhooks: httpseal's verification vs the official libraries for
the same delivery — standardwebhooks' Webhook.verify (JSON parsing off) and
stripe's WebhookSignature.verify_header — at 1 KiB and 1 MiB, and two
threads verifying 1 MiB deliveries against one."""

from __future__ import annotations

import datetime
import threading
import time

import standardwebhooks
import stripe

from httpseal import webhooks

from bench.harness import compare, paired_median_ns

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_stripe_endpoint_secret"


def body_of(size: int) -> bytes:
    chunk = b'{"id": "evt_1", "object": "event", "data": {"n": 1}}, '
    return (b"[" + chunk * (size // len(chunk) + 1))[:size]


def standard(size: int, number: int) -> None:
    body = body_of(size)
    theirs = standardwebhooks.Webhook(WHSEC)
    now = datetime.datetime.now(tz=datetime.timezone.utc)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": theirs.sign("msg_1", now, body.decode()),
    }
    ours = webhooks.WebhookEndpoint("standard-webhooks", WHSEC)
    assert ours.verify(headers, body).delivery_id == "msg_1"
    compare(
        f"Standard Webhooks verify, {size // 1024} KiB vs standardwebhooks",
        *paired_median_ns(
            lambda: ours.verify(headers, body),
            lambda: theirs.verify(body, headers, json_parse=False),
            number=number,
        ),
        target=5 if size <= 1024 else 0.95,
    )


def stripe_verify(size: int, number: int) -> None:
    body = body_of(size)
    signed = webhooks.sign("stripe", STRIPE_SECRET, body)
    text = body.decode()
    ours = webhooks.WebhookEndpoint("stripe", STRIPE_SECRET)
    assert ours.verify(signed, body)
    header = signed["Stripe-Signature"]
    compare(
        f"Stripe verify, {size // 1024} KiB vs stripe.WebhookSignature",
        *paired_median_ns(
            lambda: ours.verify(signed, body),
            lambda: stripe.WebhookSignature.verify_header(text, header, STRIPE_SECRET, 300),
            number=number,
        ),
        target=5 if size <= 1024 else 0.95,
    )


def threads() -> None:
    body = body_of(1 << 20)
    signed = webhooks.sign("stripe", STRIPE_SECRET, body)
    endpoint = webhooks.WebhookEndpoint("stripe", STRIPE_SECRET)
    rounds = 40

    def work() -> None:
        for _ in range(rounds):
            endpoint.verify(signed, body)

    def elapsed(count: int) -> float:
        workers = [threading.Thread(target=work) for _ in range(count)]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return time.perf_counter() - start

    one = min(elapsed(1) for _ in range(3))
    two = min(elapsed(2) for _ in range(3))
    ratio = 2 * one / two
    verdict = "ok" if ratio >= 1.8 else "MISS"
    print(
        f"2 threads verifying 1 MiB Stripe deliveries vs 1: {ratio:.2f}x (target ≥1.8x) {verdict}"
    )


def main() -> None:
    standard(1024, 2000)
    standard(1 << 20, 20)
    stripe_verify(1024, 2000)
    stripe_verify(1 << 20, 20)
    threads()

"""django-rest-framework-hmac: httpseal's authentication vs the original's
signature computation + hmac.compare_digest, with and without the key lookup."""

from __future__ import annotations

import datetime
import hmac
import json

from rest_framework_hmac.client import HMACSigner as LegacySigner

import httpseal

from bench.harness import compare, paired_median_ns

DATA = {"title": "new idea", "tags": ["a", "b"], "body": "x" * 200}


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from httpseal.django.models import HMACKey

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench")
    key = HMACKey.objects.create(user=user)
    timestamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {"method": "POST", "hostname": "127.0.0.1", "path": "/notes/", "timestamp": timestamp}
    signature = LegacySigner(user).calc_signature(headers, DATA)

    def legacy(hmac_key) -> bool:
        expected = LegacySigner(hmac_key.user).calc_signature(headers, DATA)
        return hmac.compare_digest(expected, signature)

    def ours(hmac_key) -> None:
        body = json.dumps(DATA, separators=(",", ":")).encode()
        httpseal.verify_drf(
            hmac_key.secret, "POST", "127.0.0.1", "/notes/", timestamp, signature, body
        )

    def lookup():
        return HMACKey.objects.select_related("user").get(key=key.key)

    assert legacy(key)
    ours(key)
    compare(
        "DRF HMAC auth, key lookup excluded vs original + compare_digest",
        *paired_median_ns(lambda: ours(key), lambda: legacy(key), number=20000),
    )
    compare(
        "DRF HMAC auth, key lookup (SQLite) included",
        *paired_median_ns(lambda: ours(lookup()), lambda: legacy(lookup()), number=1000),
    )

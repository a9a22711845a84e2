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


class KeyInHand(LegacySigner):
    """The original's signer with the secret of the key already looked up
    (its documented override point): ``user.hmac_key`` is now a query for
    the user's newest key, which the row without the lookup must not time."""

    def __init__(self, hmac_key) -> None:
        self.hmac_key = hmac_key
        super().__init__(hmac_key.user)

    def get_user_secret(self, user) -> str:
        return self.hmac_key.secret


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
        expected = KeyInHand(hmac_key).calc_signature(headers, DATA)
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

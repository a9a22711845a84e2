"""The key lifecycle's costs. A key-cache miss now decrypts the stored
secret (its limit: 20 µs), measured beside the same AEAD through
``cryptography`` (base64 decoding included on both sides); and what the
lifecycle adds to a request verified with a warm key cache: the checks of
an ``HMACKey``'s expiry and revocation, its decrypted secret, and the
last-use bookkeeping, beside reading a plain attribute."""

from __future__ import annotations

import base64

from django.conf import settings

from httpseal import KeyEncryption
from httpseal.django import engine

from bench.harness import compare, paired_median_ns, within

SECRET = "0123456789abcdef0123456789abcdef01234567"
RECORD = "fedcba9876543210fedcba9876543210fedcba98"


def bench_decryption() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    encryption = KeyEncryption([settings.SECRET_KEY])
    stored = encryption.encrypt(SECRET, record=RECORD)
    aead = ChaCha20Poly1305(b"k" * 32)
    nonce = b"n" * 12
    peer_stored = base64.urlsafe_b64encode(nonce + aead.encrypt(nonce, SECRET.encode(), b"r"))

    def peer() -> str:
        raw = base64.urlsafe_b64decode(peer_stored)
        return aead.decrypt(raw[:12], raw[12:], b"r").decode()

    def ours() -> str:
        return encryption.decrypt(stored, record=RECORD)

    assert ours() == peer() == SECRET
    ours_ns, peer_ns = paired_median_ns(ours, peer, number=2000, repeat=31)
    compare("decrypt a stored secret vs cryptography ChaCha20Poly1305", ours_ns, peer_ns)
    within("decrypt a stored secret (a key-cache miss adds it)", ours_ns, 20_000)


def bench_warm_key() -> None:
    from django.contrib.auth import get_user_model

    from httpseal.django.models import HMACKey

    user = get_user_model().objects.create_user("bench-keys")
    key = HMACKey.objects.create(user=user, secret=SECRET)
    engine.keys.clear()
    engine.keys.get(key.key)

    def ours() -> bool:
        cached = engine.keys.get(key.key)
        engine.secret_of(cached)
        return engine.last_use.due(cached)

    def plain() -> str:
        return engine.keys.get(key.key).__dict__["key"]

    ours_ns, plain_ns = paired_median_ns(ours, plain, number=2000, repeat=31)
    compare("warm HMACKey: cache + lifecycle checks vs cache alone", ours_ns, plain_ns)


def main() -> None:
    bench_decryption()
    bench_warm_key()

"""What the memory replay store adds to a verification: the same distinct
drf-hmac requests through a Verifier with and without it. Printed as the
difference of the medians (target ≤ 1 µs) and as a ratio."""

from __future__ import annotations

import itertools
import time

import httpseal

from bench.harness import fmt_ns, paired_median_ns

SECRET = "00112233445566778899aabbccddeeff00112233"
NUMBER, REPEAT = 2000, 21
TARGET_NS = 1000


def requests(count: int) -> list[tuple[str, dict[str, str], bytes]]:
    """``count`` distinct signed requests (one path each)."""
    stamp = str(int(time.time()))
    signed = []
    for n in range(count):
        path = f"/notes/{n}"
        body = b'{"a":1}'
        signature = httpseal.sign_drf(SECRET, "POST", "api.example.com", path, stamp, body)
        headers = {"Host": "api.example.com", "Key": "k", "Signature": signature}
        signed.append((path, {**headers, "Timestamp": stamp}, body))
    return signed


def main() -> None:
    # Every call sends a request the store has not seen: enough for all batches.
    batch = requests(NUMBER * (REPEAT + 1) + 10)
    store = httpseal.MemoryReplayStore(max_entries=len(batch), max_bytes=1 << 30)
    with_store = httpseal.Verifier(
        schemes=["drf-hmac"], key_loader=lambda _: SECRET, replay_store=store
    )
    without = httpseal.Verifier(schemes=["drf-hmac"], key_loader=lambda _: SECRET)
    ours, plain = itertools.cycle(batch), itertools.cycle(batch)

    def guarded() -> object:
        path, headers, body = next(ours)
        return with_store.verify("POST", path, "", headers, body)

    def unguarded() -> object:
        path, headers, body = next(plain)
        return without.verify("POST", path, "", headers, body)

    ours_ns, plain_ns = paired_median_ns(guarded, unguarded, number=NUMBER, repeat=REPEAT)
    added = ours_ns - plain_ns
    verdict = "ok" if added <= TARGET_NS else "MISS"
    print(
        f"memory replay store: {fmt_ns(ours_ns)} vs {fmt_ns(plain_ns)} per drf-hmac verification,"
        f" {fmt_ns(max(added, 0))} added (target ≤{fmt_ns(TARGET_NS)}) {verdict};"
        f" {plain_ns / ours_ns:.2f}x"
    )

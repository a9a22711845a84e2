"""Core MAC benchmarks (Flask-HMAC scheme): token compare, bulk throughput,
and parallel hashing with the GIL released."""

from __future__ import annotations

import base64
import hmac
import statistics
import threading
import time

import httpseal

from bench.harness import compare, paired_median_ns

KEY = b"2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"
PATH = b"/path/to/api/endpoint"
TOKEN = httpseal.render_hmac(KEY, PATH)
MIB = bytes(range(256)) * 4096


def python_compare(secret: bytes, data: bytes, token: str) -> bool:
    """The fastest pure-Python equivalent: OpenSSL's one-shot HMAC."""
    mac = hmac.digest(secret, data, "sha256")
    expected = base64.urlsafe_b64encode(mac).rstrip(b"=")
    return hmac.compare_digest(expected, token.encode())


def threaded_throughput(threads: int, per_thread: int) -> float:
    """Bytes per second hashed by ``threads`` threads, median of 5 runs."""
    rates = []
    for _ in range(5):
        workers = [
            threading.Thread(
                target=lambda: [httpseal.HmacKey(KEY).sign(MIB) for _ in range(per_thread)]
            )
            for _ in range(threads)
        ]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        rates.append(threads * per_thread * len(MIB) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    assert python_compare(KEY, PATH, TOKEN) and httpseal.compare_hmacs(KEY, PATH, TOKEN)
    compare(
        "compare_hmacs, typical path vs hmac.digest+b64+compare",
        *paired_median_ns(
            lambda: httpseal.compare_hmacs(KEY, PATH, TOKEN),
            lambda: python_compare(KEY, PATH, TOKEN),
            number=20000,
        ),
        target=4,
    )
    key = httpseal.HmacKey(KEY)
    compare(
        "HmacKey.compare (precomputed key) vs the same",
        *paired_median_ns(
            lambda: key.compare(PATH, TOKEN), lambda: python_compare(KEY, PATH, TOKEN), number=20000
        ),
    )
    compare(
        "HMAC-SHA256 of 1 MiB vs hmac.digest (OpenSSL)",
        *paired_median_ns(
            lambda: key.sign(MIB), lambda: hmac.digest(KEY, MIB, "sha256"), number=20
        ),
        target=0.9,
    )
    one = threaded_throughput(1, 40)
    two = threaded_throughput(2, 40)
    print(
        f"\n2 threads hashing 1 MiB bodies vs 1 thread: {two / one:.2f}x the throughput "
        f"(target ≥1.7x; {one / 2**20:.0f} vs {two / 2**20:.0f} MiB/s)"
    )


if __name__ == "__main__":
    main()

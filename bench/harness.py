"""Shared timing helpers: medians over repeated batches, printed with ratios
against the peer measured in the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

ROW = "{:<58} {:>12} {:>12} {:>9} {:>8}"


def paired_median_ns(
    ours: Callable[[], object],
    peer: Callable[[], object],
    *,
    number: int,
    peer_number: int | None = None,
    repeat: int = 21,
) -> tuple[float, float]:
    """Medians for two functions measured in alternating batches, so that a
    noisy neighbour slows both alike rather than one; which goes first
    alternates too, so neither always runs on a warmer cache."""
    peer_number = peer_number or number
    ours(), peer()
    ours_samples: list[float] = []
    peer_samples: list[float] = []
    batches = ((ours, number, ours_samples), (peer, peer_number, peer_samples))
    for round_ in range(repeat):
        for fn, n, samples in batches if round_ % 2 == 0 else batches[::-1]:
            start = time.perf_counter_ns()
            for _ in range(n):
                fn()
            samples.append((time.perf_counter_ns() - start) / n)
    return statistics.median(ours_samples), statistics.median(peer_samples)


def fmt_ns(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def header() -> None:
    print(ROW.format("benchmark", "httpseal", "peer", "ratio", "target"))
    print(ROW.format("-" * 58, "-" * 12, "-" * 12, "-" * 9, "-" * 8))


def compare(name: str, ours_ns: float, peer_ns: float, target: float | None = None) -> float:
    """Prints one row; ratio > 1 means httpseal is faster."""
    ratio = peer_ns / ours_ns
    verdict = "" if target is None else (f"≥{target:.3g}x " + ("ok" if ratio >= target else "MISS"))
    print(ROW.format(name, fmt_ns(ours_ns), fmt_ns(peer_ns), f"{ratio:.2f}x", verdict))
    return ratio


def within(name: str, ours_ns: float, limit_ns: float) -> bool:
    """Prints one row for a figure with an absolute limit instead of a peer."""
    verdict = f"≤{fmt_ns(limit_ns)} " + ("ok" if ours_ns <= limit_ns else "MISS")
    print(ROW.format(name, fmt_ns(ours_ns), "-", "-", verdict))
    return ours_ns <= limit_ns

"""The demo is part of the promise: it must run, and every request in it must
get the answer it is shown to get (the demo exits non-zero on a surprise)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_runs_and_every_answer_is_the_expected_one() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "examples.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "UNEXPECTED" not in run.stdout
    assert run.stdout.rstrip().endswith("each as expected")
    # Each legacy format shows its own client accepted by httpseal's server.
    for legacy_client in (
        "Flask-HMAC's make_hmac token",
        "httpsig's HTTPSignatureAuth",
        "rest_framework_hmac's HMACSigner",
        "fost_authn.signature (ported)",
    ):
        (row,) = [line for line in run.stdout.splitlines() if legacy_client in line]
        assert row.split()[-1] == "accepted", row
    assert run.stdout.count("request refused by the replay check") == 3


def test_a_changed_verdict_fails_the_demo(monkeypatch) -> None:
    from examples import demo

    surprising = demo.Refused("a request that is accepted", "nowhere", lambda: 200)
    collector = demo.ReasonCollector()
    accepted, refused, surprises = demo.run("t", iter([surprising]), collector)
    assert (accepted, refused, surprises) == (1, 0, 1)

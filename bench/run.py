"""Runs every benchmark in one process: python -m bench.run"""

import logging
import os
import warnings

import django

from bench import (
    bench_adapters,
    bench_cavage,
    bench_core,
    bench_drf,
    bench_fost,
    bench_keys,
    bench_replay,
    bench_rfc9421,
    bench_webhooks,
)
from bench.harness import header


def main() -> None:
    # The legacy peers log and warn on every request; keep the table readable.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore", DeprecationWarning)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.django_settings")
    django.setup()
    header()
    bench_core.main()
    bench_cavage.main()
    bench_drf.main()
    bench_fost.main()
    bench_rfc9421.main()
    bench_webhooks.main()
    bench_replay.main()
    bench_adapters.main()
    bench_keys.main()


if __name__ == "__main__":
    main()

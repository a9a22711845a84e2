"""Runs every benchmark in one process: python -m bench.run"""

import logging
import warnings

from bench import bench_cavage, bench_core
from bench.harness import header


def main() -> None:
    # The legacy peers log and warn on every request; keep the table readable.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore", DeprecationWarning)
    header()
    bench_core.main()
    bench_cavage.main()


if __name__ == "__main__":
    main()

"""Runs every benchmark in one process: python -m bench.run"""

from bench import bench_core


def main() -> None:
    print("# core (Flask-HMAC scheme)")
    bench_core.main()


if __name__ == "__main__":
    main()

"""Apps served on a free loopback port for the length of a test: Flask
(werkzeug), ASGI (uvicorn) and WSGI under several gunicorn workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, server: subprocess.Popen, what: str, seconds: float = 30) -> None:
    """Returns once ``server`` listens on ``port``; ``AssertionError`` (with
    the server killed) if it exits or does not listen within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(f"{what} did not start") from None
            time.sleep(0.1)


@contextmanager
def serving_asgi(app: object) -> Iterator[str]:
    """An ASGI app under uvicorn on a free loopback port, in a thread."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serving_gunicorn(app: str, env: dict[str, str], workers: int = 2) -> Iterator[int]:
    """The WSGI ``app`` (``module:name``) under gunicorn with ``workers``
    processes on a free loopback port; yields the port."""
    import pytest

    port = free_port()
    binary = Path(sys.executable).parent / "gunicorn"
    if not binary.exists():
        pytest.fail("gunicorn is not installed: run bash .ci/setup", pytrace=False)
    options = ["-w", str(workers), "--threads", "8", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [str(binary), *options, "--log-level", "warning", app],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    wait_listening(port, server, "gunicorn")
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)

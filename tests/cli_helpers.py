"""Running the ``httpseal`` command and sending what it prints over real HTTP,
keeping the exact bytes sent as a capture for ``httpseal verify``."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

COMMAND = Path(sys.executable).with_name("httpseal")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    return subprocess.run(  # noqa: S603 - the installed command, with test arguments
        [str(COMMAND), *args],
        input=None if stdin is None else stdin.decode(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def header_lines(output: str) -> list[tuple[str, str]]:
    """``Name: value`` lines as pairs; every line must be one."""
    pairs = []
    for line in output.splitlines():
        name, colon, value = line.partition(": ")
        assert colon and name == name.strip(), f"not a header line: {line!r}"
        pairs.append((name, value))
    return pairs


@dataclass
class Sent:
    status: int
    body: bytes
    capture: bytes  # the request exactly as it went on the wire


def send(method: str, url: str, headers: list[tuple[str, str]], body: bytes = b"") -> Sent:
    """Sends the request with exactly these headers (plus ``Host`` and
    ``Content-Length``, as every client adds them)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    names = {name.lower() for name, _ in headers}
    wire = []
    if "host" not in names:
        wire.append(("Host", parts.netloc))
    if body and "content-length" not in names:
        wire.append(("Content-Length", str(len(body))))
    wire += headers
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in wire:
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        status, answer = response.status, response.read()
    finally:
        connection.close()
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in wire)
    return Sent(status, answer, head.encode("latin-1") + b"\r\n" + body)


def verify_json(*args: str) -> tuple[int, dict]:
    result = run("verify", "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)

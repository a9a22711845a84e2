"""A captured HTTP request, as a proxy writes it or ``curl -v`` prints it,
read into the parts a verifier takes. Used by ``httpseal verify``."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: Header lines a capture may hold; a longer one is not a request.
MAX_HEADERS = 256


class UnreadableRequest(ValueError):
    """The capture is not an HTTP request; the message says why."""


@dataclass
class RawRequest:
    method: str
    path: str  # as sent, percent-encoding intact
    query: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of ``name`` (case-insensitive), or ``None``."""
        name = name.lower()
        return next((v for n, v in self.headers if n.lower() == name), None)


def parse(capture: bytes) -> RawRequest:
    """``capture`` as a request: a request line (``GET /path?q HTTP/1.1``, the
    target in origin or absolute form), header lines, an empty line, the body.
    ``curl -v`` output is read from its ``> `` lines (it prints no body). A
    body longer than its ``Content-Length`` is cut there (a capture saved by
    an editor gains a newline)."""
    lines = capture.split(b"\n")
    sent = [line[2:] for line in lines if line.startswith(b"> ") or line == b">"]
    if sent:
        lines, body = [*sent, b""], b""
    else:
        head, separator, body = _split_head(capture)
        lines = head.split(b"\n")
        if not separator:
            body = b""
    text = [line.rstrip(b"\r").decode("latin-1") for line in lines]
    while text and not text[0].strip():
        text.pop(0)
    if not text:
        raise UnreadableRequest("the capture is empty")
    method, path, query = _request_line(text[0])
    headers: list[tuple[str, str]] = []
    for line in text[1:]:
        if not line:
            break
        if len(headers) == MAX_HEADERS:
            raise UnreadableRequest(f"more than {MAX_HEADERS} header lines")
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise UnreadableRequest(f"not a header line: {line[:80]!r}")
        headers.append((name, value.strip(" \t")))
    request = RawRequest(method, path, query, headers, body)
    length = request.header("content-length")
    if length is not None and length.isdigit() and int(length) < len(body):
        request.body = body[: int(length)]
    return request


def _split_head(capture: bytes) -> tuple[bytes, bytes, bytes]:
    """Head, separator and body, the head ending at the first empty line."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        at = capture.find(separator)
        if at >= 0:
            return capture[:at], separator, capture[at + len(separator) :]
    return capture, b"", b""


def _request_line(line: str) -> tuple[str, str, str]:
    parts = line.split()
    if len(parts) not in (2, 3) or not parts[0].isalpha():
        raise UnreadableRequest(f"not a request line: {line[:80]!r}")
    method, target = parts[0].upper(), parts[1]
    if "://" in target:
        split = urlsplit(target)
        return method, split.path or "/", split.query
    if not target.startswith("/"):
        raise UnreadableRequest(f"the request target must start with '/': {target[:80]!r}")
    path, _, query = target.partition("?")
    return method, path, query

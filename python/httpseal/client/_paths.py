"""What a Django server sees of a URL, so clients sign the same text."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote_to_bytes

_UNDECODABLE = re.compile("[\udc80-\udcff]")
DEFAULT_PORTS = {"http": 80, "https": 443}


def django_path(path: str) -> str:
    """The path as Django decodes it (``request.path_info``): percent-escapes
    decoded as UTF-8, bytes that are not UTF-8 left as ``%XX``."""
    text = unquote_to_bytes(path or "/").decode("utf-8", "surrogateescape")
    return _UNDECODABLE.sub(lambda m: f"%{ord(m.group()) - 0xDC00:02X}", text)


def host_header(parts: SplitResult) -> str:
    """``host[:port]`` as HTTP clients send it in ``Host`` (and Django's
    ``get_host()`` returns it): the port only when it is not the scheme's default."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host

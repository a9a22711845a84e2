"""The string the server signed, for a refusal's log record in debug mode.

What a developer diffs against the client's own signing input when a
signature does not match. It is built by the core's ``signing_input``, so it
holds what the MAC covers — never the secret, never the expected MAC.
"""

from __future__ import annotations

from collections.abc import Callable

from httpseal._native import SignatureError

#: Bytes of a signing input shown in a log record; a body beyond it is cut.
SHOWN_BYTES = 4096


def render(signed: bytes, limit: int = SHOWN_BYTES) -> str:
    """``signed`` as readable lines: UTF-8 where it decodes, other bytes and
    control characters escaped (``\\r``, ``\\x00``), cut at ``limit`` bytes."""
    shown = signed[:limit].decode("utf-8", "backslashreplace")
    lines = [_escaped(line) for line in shown.split("\n")]
    text = "\n".join(f"    {line}" for line in lines)
    if len(signed) > limit:
        text += f"\n    … ({len(signed) - limit} more bytes)"
    return text


def _escaped(line: str) -> str:
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode() for char in line
    )


def detail(signing_input: Callable[[], bytes | None]) -> str:
    """The text to append to a refusal's log message: the string the server
    signed, or ``""`` when the credentials never got that far."""
    try:
        signed = signing_input()
    except SignatureError:
        return ""
    except Exception as exc:  # a diagnostic must never turn a 401 into a 500
        return f"\n  the server's signing input could not be rebuilt: {type(exc).__name__}"
    if signed is None:
        return ""
    return f"\n  the server signed ({len(signed)} bytes):\n{render(signed)}"

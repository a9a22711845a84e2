"""django-rest-framework-hmac's body rule, the one signing rule that stays in
Python: what follows the timestamp line is the request data as compact JSON
when it is truthy, else nothing. Shared by the DRF and Flask servers and the
clients, so both sides serialise alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

# json.dumps(data, separators=(",", ":")), without building an encoder per call.
_COMPACT = json.JSONEncoder(separators=(",", ":"))
# The same, as the C encoder json.dumps builds for each call, built once: with
# no markers dict (parsed data holds no cycles; one too deep is a
# RecursionError either way) it keeps no state between calls.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_C_COMPACT = (
    None
    if _c_make_encoder is None
    else _c_make_encoder(
        None,
        _COMPACT.default,
        json.encoder.encode_basestring_ascii,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )
)


class Unsignable(Exception):
    """The request's signed bytes cannot be obtained; the message says why."""


def compact(data: Any) -> bytes:
    """``data`` as compact JSON when truthy, else ``b""``; ``Unsignable`` when
    it cannot be serialised."""
    if not data:
        return b""
    try:
        if _C_COMPACT is None or isinstance(data, str):
            return _COMPACT.encode(data).encode()
        return "".join(_C_COMPACT(data, 0)).encode()
    except (TypeError, ValueError, RecursionError):
        raise Unsignable("request data cannot be serialized as JSON") from None


def refuse_repeated_keys(lists: Callable[[], Iterable[tuple[str, list[Any]]]]) -> None:
    """Form data with a repeated key cannot be signed: JSON keeps one value
    per key, so the others would go unsigned."""
    if any(len(values) > 1 for _, values in lists()):
        raise Unsignable("form data repeats a key, which JSON cannot sign; sign the raw body")


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def from_body(body: bytes, media_type: str, form: Callable[[], Any]) -> bytes:
    """What drf-hmac signs for a request DRF has not parsed: the JSON or form
    data as DRF would parse it, re-serialised. ``form()`` returns the parsed
    form (a multi-valued mapping with ``lists()``); other bodies cannot be
    signed by this rule."""
    if not body:
        return b""
    media_type = media_type.lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise Unsignable("unparseable body: the JSON is malformed") from None
        return compact(data)
    if media_type in FORM_TYPES:
        parsed = form()
        refuse_repeated_keys(parsed.lists)
        return compact({name: parsed[name] for name in parsed})
    raise Unsignable(
        f"drf-hmac's JSON rule cannot sign a {media_type or 'untyped'} body; sign the raw body"
    )

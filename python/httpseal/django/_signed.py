"""What a Django (or DRF) request signs, read in one place: the body, the
host, the path and DRF's re-serialized data. Every way these bytes can be
unobtainable — an oversized or unreadable body, a non-numeric
``Content-Length``, a disallowed ``Host``, an unparseable or unsignable
``request.data`` — becomes ``Unsignable``, which the adapters turn into a
logged refusal (401 or anonymous), never a 500 or a 400; a body larger than
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is ``TooLarge``, which they answer with 413."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http.request import RawPostDataException, UnreadablePostError

from httpseal._drf_json import Unsignable, compact, refuse_repeated_keys

__all__ = ["TooLarge", "Unsignable", "allowed_host", "body", "drf_json", "host"]


class TooLarge(Unsignable):
    """The body is larger than Django reads (``DATA_UPLOAD_MAX_MEMORY_SIZE``):
    the adapters answer 413, as for any body over a cap."""

    def __init__(self) -> None:
        super().__init__("the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE")


def body(request: Any) -> bytes:
    """``request.body``, the raw bytes the client signed."""
    try:
        return request.body
    except RawPostDataException:
        raise Unsignable("the body was consumed before authentication") from None
    except RequestDataTooBig:
        raise TooLarge() from None
    except SuspiciousOperation as exc:  # TooManyFieldsSent and kin
        raise Unsignable(f"the body cannot be read: {type(exc).__name__}") from None
    except UnreadablePostError:
        raise Unsignable("the body could not be read from the connection") from None
    except ValueError:
        # Django compares int(CONTENT_LENGTH) with DATA_UPLOAD_MAX_MEMORY_SIZE.
        raise Unsignable("the Content-Length header is not a number") from None


def host(request: Any) -> str:
    """``request.get_host()``: ``host[:port]`` as the client addressed it."""
    try:
        return request.get_host()
    except SuspiciousOperation:  # DisallowedHost
        raise Unsignable("the Host header is not allowed") from None


def allowed_host(request: Any) -> str | None:
    """``host(request)``, or ``None`` when ``ALLOWED_HOSTS`` refuses it; the
    core then reads the raw ``Host`` header, and a request that verifies is
    refused by the caller."""
    try:
        return host(request)
    except Unsignable:
        return None


def _parse_errors() -> tuple[type[Any], ...]:
    """DRF's parse errors, imported when one is being handled (this module
    serves Django without DRF too; an ``except`` clause is evaluated only
    when something was raised)."""
    from rest_framework import exceptions

    return (exceptions.ParseError, exceptions.UnsupportedMediaType)


def drf_json(request: Any) -> bytes:
    """django-rest-framework-hmac's body rule: ``request.data`` as compact
    JSON when it is truthy. Form data with a repeated key is refused: JSON
    keeps one value per key, so the others would go unsigned."""
    try:
        data = request.data
    except _parse_errors() as exc:
        raise Unsignable(f"unparseable body: {exc.detail}") from None
    except RequestDataTooBig:
        raise TooLarge() from None
    except SuspiciousOperation as exc:
        raise Unsignable(f"the body cannot be read: {type(exc).__name__}") from None
    except RecursionError:
        raise Unsignable("the body is nested too deeply") from None
    lists = getattr(data, "lists", None)
    if lists is not None:
        refuse_repeated_keys(lists)
    return compact(data)

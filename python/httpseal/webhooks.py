"""Inbound webhooks: verify and sign Standard Webhooks (and Svix), Stripe,
GitHub and Slack deliveries, each in one native call.

``verify(format, secrets, headers, body)`` returns the ``Verified`` result
(``scheme`` is the format, ``delivery_id``, ``timestamp``, ``secret_index``)
or raises a ``SignatureError`` subclass; ``sign(format, secret, body)``
returns the headers a sender adds. An endpoint verifying many deliveries
builds a ``WebhookEndpoint`` once: its secrets are checked there (a
Standard Webhooks ``whsec_`` secret that is not base64 is a ``ValueError``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union, overload

from httpseal._native import SignatureError, Verified, WebhookEndpoint, sign_webhook

__all__ = ["FORMATS", "Format", "SignatureError", "WebhookEndpoint", "sign", "verify"]

Format = Literal["standard-webhooks", "stripe", "github", "slack"]
FORMATS: tuple[Format, ...] = ("standard-webhooks", "stripe", "github", "slack")

Headers = Union[Mapping[str, str], Sequence[tuple[str, str]]]
Secrets = Union[str, bytes, Sequence[Union[str, bytes]]]


@overload
def verify(
    format: Format,
    secrets: Secrets,
    headers: Headers,
    body: bytes | str,
    *,
    tolerance: float | None = ...,
    now: float | None = ...,
    github_sha1: bool = ...,
    parse_json: Literal[False] = ...,
) -> Verified: ...


@overload
def verify(
    format: Format,
    secrets: Secrets,
    headers: Headers,
    body: bytes | str,
    *,
    tolerance: float | None = ...,
    now: float | None = ...,
    github_sha1: bool = ...,
    parse_json: Literal[True],
) -> tuple[Verified, Any]: ...


def verify(
    format: Format,
    secrets: Secrets,
    headers: Headers,
    body: bytes | str,
    *,
    tolerance: float | None = 300,
    now: float | None = None,
    github_sha1: bool = False,
    parse_json: bool = False,
) -> Verified | tuple[Verified, Any]:
    """Verifies one delivery against ``secrets`` (one, or several while the
    sender rotates). ``tolerance`` is the freshness window of timestamped
    formats in seconds (``None`` switches it off, for replaying captured
    deliveries in tests). ``parse_json=True`` also returns the body decoded
    as JSON, after — never before — the signature verified."""
    endpoint = WebhookEndpoint(format, secrets, tolerance=tolerance, github_sha1=github_sha1)
    verified = endpoint.verify(headers, body, now=now)
    if parse_json:
        return verified, json.loads(body)
    return verified


def sign(
    format: Format,
    secret: str | bytes,
    body: bytes | str,
    *,
    msg_id: str | None = None,
    timestamp: float | None = None,
) -> dict[str, str]:
    """The headers a sender adds to deliver ``body`` (Standard Webhooks' own
    ``webhook-*`` names; it needs ``msg_id``)."""
    return dict(sign_webhook(format, secret, body, msg_id=msg_id, timestamp=timestamp))


class Endpoints:
    """``WebhookEndpoint``s built once per (format, secrets, tolerance), for
    the framework adapters that read their secrets from settings; a few are
    kept (settings that change in tests would otherwise pile them up)."""

    KEEP = 16

    def __init__(self) -> None:
        self._built: dict[tuple[Any, ...], WebhookEndpoint] = {}

    def get(self, format: Format, secrets: Secrets, tolerance: float | None) -> WebhookEndpoint:
        listed = (secrets,) if isinstance(secrets, (str, bytes)) else tuple(secrets)
        wanted = (format, listed, tolerance)
        found = self._built.get(wanted)
        if found is None:
            if len(self._built) >= self.KEEP:
                self._built.clear()
            found = self._built[wanted] = WebhookEndpoint(format, list(listed), tolerance=tolerance)
        return found


def headers_of(pairs: Any) -> list[tuple[str, str]]:
    """A framework's request headers as ``(name, value)`` pairs, every line kept."""
    return list(pairs.items()) if hasattr(pairs, "items") else list(pairs)

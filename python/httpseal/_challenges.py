"""The ``WWW-Authenticate`` challenges of a 401, one per scheme, shared by
every framework adapter so each scheme asks for credentials alike.

RFC 9421 registers no authentication scheme: it asks with ``Accept-Signature``
(the adapters add it), and its challenge is a bare ``Signature`` one, which a
Cavage challenge already is when both schemes are accepted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from httpseal.cavage import BASE_HEADERS, CONTENT_HEADERS


def challenges(
    schemes: Sequence[str], realm: str, cavage_required_headers: Any, method: str
) -> list[str]:
    """One challenge per scheme, in the schemes' order."""
    found = []
    for scheme in schemes:
        if scheme == "cavage":
            headers = " ".join(cavage_required(cavage_required_headers, method))
            found.append(f'Signature realm="{realm}",headers="{headers}"')
        elif scheme == "drf-hmac":
            found.append(f'HMAC realm="{realm}"')
        elif scheme == "fost":
            found.append(f'FOST realm="{realm}"')
        elif scheme == "rfc9421" and "cavage" not in schemes:
            found.append(f'Signature realm="{realm}"')
    return found


def cavage_required(configured: Any, method: str) -> list[str]:
    """The header names a Cavage signature must cover for ``method``: the
    configured list, the configured method's entry (``"get"``'s when it has
    none) or the draft's defaults."""
    method = method.lower()
    if configured is None:
        content = method in ("post", "put", "patch")
        return list(BASE_HEADERS + (CONTENT_HEADERS if content else ()))
    if isinstance(configured, dict):
        names = configured.get(method) or configured.get("get") or ()
        return [str(n).lower() for n in names]
    return [str(n).lower() for n in configured]

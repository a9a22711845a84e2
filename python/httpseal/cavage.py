"""draft-cavage HTTP Signatures: what each method must sign, shared by the
server extensions and the clients."""

from __future__ import annotations

from typing import Any, Literal, get_args

# Which query string (request-target) carries: "draft" signs it for every
# method (the draft, httpsig); "flask-cavage" for GET, HEAD and DELETE only,
# leaving a POST's query unsigned: only for custom legacy clients.
QueryRule = Literal["draft", "flask-cavage"]
QUERY_RULES: tuple[str, ...] = get_args(QueryRule)

BASE_HEADERS = ("(request-target)", "host", "date")
CONTENT_HEADERS = ("content-length", "content-type", "digest")
ALGORITHMS = ("hmac-sha1", "hmac-sha256", "hmac-sha512")


class HeadersMap:
    """Headers a signature must cover, per lowercase method name (draft
    appendix C.2); methods without an attribute use ``get``'s. Subclass it to
    demand more."""

    head = BASE_HEADERS
    get = BASE_HEADERS
    delete = BASE_HEADERS
    options = BASE_HEADERS
    post = BASE_HEADERS + CONTENT_HEADERS
    put = BASE_HEADERS + CONTENT_HEADERS
    patch = BASE_HEADERS + CONTENT_HEADERS


def required_headers(headers_map: Any, method: str) -> list[str]:
    """The lowercase header names ``headers_map`` demands for ``method``."""
    names = getattr(headers_map, method.lower(), None) or headers_map.get
    return [name.lower() for name in names]


METHODS = ("get", "head", "delete", "options", "post", "put", "patch", "trace")


def requirements_by_method(headers_map: Any) -> dict[str, list[str]]:
    """``headers_map`` as a dict of lowercase method to required names, the
    form ``CavageVerifier`` takes (methods it lacks fall back to ``get``)."""
    return {method: required_headers(headers_map, method) for method in METHODS}

"""``SignatureMiddleware``: every scheme on any ASGI app (Starlette, FastAPI,
Django under an ASGI server), as a pure ASGI middleware.

It buffers a request's body across every ``http.request`` message up to a
cap (413 beyond it, without reading further), verifies it in one native call
— two when the key loader is a coroutine function: find the key id, await
the loader, verify — and hands the app the very bytes it verified through its
own ``receive()``. The ``Verified`` result is ``scope["state"]["httpseal"]``
(``request.state.httpseal`` in Starlette and FastAPI). ``lifespan`` scopes,
and ``websocket`` ones unless ``websockets=True``, pass through untouched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl, quote

from httpseal import _drf_json
from httpseal._awaited import is_async, load_secrets, record, store_call
from httpseal._challenges import challenges
from httpseal._native import (
    MemoryReplayStore,
    ReplayStoreUnavailable,
    SignatureError,
    Verified,
    Verifier,
)
from httpseal.replay import REDIS_URL_SCHEMES, AsyncRedisReplayStore

__all__ = ["MAX_BODY", "AsyncRedisReplayStore", "Guard", "SignatureMiddleware", "request_view"]

logger = logging.getLogger("httpseal.asgi")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The default cap on a request body: beyond it, 413.
MAX_BODY = 10 * 1024 * 1024


class BodyTooLarge(Exception):
    """The body is longer than the cap (413)."""


class Disconnected(Exception):
    """The client left before its body arrived: nobody to answer."""


def _async_store(value: Any) -> tuple[Any, Any]:
    """``(native store, store awaited by the adapter)`` for a setting:
    ``"memory"`` or a ``MemoryReplayStore`` is consulted in the native call;
    a ``redis://`` URL, an object with an async ``check_and_record`` or a
    sync one (run in a thread) after it."""
    if value is None:
        return None, None
    if value == "memory":
        return MemoryReplayStore(), None
    if isinstance(value, MemoryReplayStore):
        return value, None
    if isinstance(value, str):
        if value.startswith(REDIS_URL_SCHEMES):
            return None, AsyncRedisReplayStore(value)
        raise ValueError(f"replay_store must be 'memory' or a redis:// URL, not {value[:64]!r}")
    if not callable(getattr(value, "check_and_record", None)):
        raise TypeError("replay_store must have a check_and_record(key, ttl_seconds) method")
    return None, value


@dataclass(slots=True)  # not frozen: a frozen one costs a microsecond to build
class RequestView:
    """What the verifier reads of an ASGI request."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    remote_addr: str
    url_scheme: str

    def header(self, name: str) -> str | None:
        return next((v for n, v in self.headers if n.lower() == name), None)


def request_view(scope: Scope) -> RequestView:
    """The request an ASGI ``http`` (or ``websocket``) scope describes: the
    path as sent (``raw_path``, else ``path`` re-quoted), every header line."""
    raw_path = scope.get("raw_path")
    if raw_path:
        path = raw_path.decode("latin-1").partition("?")[0]
    else:
        path = quote(scope.get("root_path", "") + scope.get("path", ""), safe="/:@!$&'()*+,;=-._~")
    client = scope.get("client")
    return RequestView(
        method=scope.get("method", "GET"),
        path=path,
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=[(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope.get("headers", ())],
        remote_addr=client[0] if client else "",
        url_scheme="https" if scope.get("scheme") in ("https", "wss") else "http",
    )


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of header ``name`` (ASGI header names are lower case)."""
    for found, value in scope.get("headers", ()):
        if found == name:
            return value
    return None


async def read_body(receive: Receive, cap: int, first: Message | None = None) -> bytes:
    """Every ``http.request`` message's body, joined, starting from ``first``
    when it was already received; ``BodyTooLarge`` past ``cap`` (nothing more
    is read), ``Disconnected`` when the client leaves."""
    chunks: list[bytes] = []
    size = 0
    message = first if first is not None else await receive()
    while True:
        kind = message.get("type")
        if kind == "http.disconnect":
            raise Disconnected()
        if kind == "http.request":
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge()
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        message = await receive()


class _Form:
    """A urlencoded form as drf-hmac's JSON rule reads it."""

    def __init__(self, body: bytes) -> None:
        self._lists: dict[str, list[str]] = {}
        for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            self._lists.setdefault(name, []).append(value)

    def lists(self) -> Iterable[tuple[str, list[str]]]:
        return self._lists.items()

    def __iter__(self) -> Any:
        return iter(self._lists)

    def __getitem__(self, name: str) -> str:
        return self._lists[name][-1]


def _drf_data(scope: Scope, body: bytes) -> Callable[[], bytes]:
    content_type = (_header(scope, b"content-type") or b"").decode("latin-1")
    media_type = content_type.partition(";")[0].strip()

    def form() -> Any:
        if media_type.lower() != "application/x-www-form-urlencoded":
            raise _drf_json.Unsignable(
                "multipart bodies cannot be signed as JSON; sign the raw body"
            )
        return _Form(body)

    return lambda: _drf_json.from_body(body, media_type, form)


class Guard:
    """The verification an ASGI adapter runs: one ``Verifier`` configured
    once, an async or sync key loader, a replay store consulted in the native
    call or awaited after it, the cap on a buffered body. Shared by
    ``SignatureMiddleware`` and the FastAPI dependency, whose options these are."""

    def __init__(
        self,
        *,
        schemes: Iterable[str],
        key_loader: Callable[[str], Any],
        replay_store: Any = None,
        max_body: int = MAX_BODY,
        realm: str = "api",
        drf_body: str = "raw",
        **verifier_options: Any,
    ) -> None:
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 0:
            raise ValueError("max_body must be a non-negative int")
        self.max_body = max_body
        if not callable(key_loader):
            raise TypeError("key_loader must be callable")
        if drf_body not in ("json", "raw"):
            raise ValueError("drf_body must be 'raw' or 'json'")
        if not isinstance(realm, str) or '"' in realm or "\\" in realm:
            raise ValueError("realm must be a str without quotes or backslashes")
        self.schemes = tuple(schemes)
        self.realm = realm
        self.drf_json = drf_body == "json" and "drf-hmac" in self.schemes
        self.cavage_required_headers = verifier_options.get("cavage_required_headers")
        self.async_loader = is_async(key_loader)
        self.key_loader = key_loader
        native_store, self.awaited_store = _async_store(replay_store)
        self._check = None if self.awaited_store is None else store_call(self.awaited_store)
        self.verifier = Verifier(
            schemes=cast(Any, list(self.schemes)),
            key_loader=_never if self.async_loader else key_loader,
            replay_store=native_store,
            **verifier_options,
        )
        # Nothing to await and no JSON rule: one native call, no coroutine.
        self.verifies_inline = not (self.async_loader or self._check or self.drf_json)

    async def verify(self, scope: Scope, body: bytes) -> Verified | None:
        """``Verified`` for the request the ASGI ``scope`` describes, ``None``
        for one without credentials of the schemes; raises the
        ``SignatureError`` (or ``ReplayStoreUnavailable``)."""
        drf_data = _drf_data(scope, body) if self.drf_json else None
        try:
            secrets = None
            if self.async_loader:
                found = self.verifier.credentials_asgi(scope)
                if found is None:
                    return None
                secrets = await load_secrets(self.key_loader(found[1]))
            verified = self.verifier.verify_asgi(
                scope, body, drf_data=drf_data, secrets=secrets, record=self._check is None
            )
        except _drf_json.Unsignable as exc:
            raise SignatureError(str(exc)) from None
        if verified is not None and self._check is not None:
            await record(self._check, verified)
        return verified

    async def aclose(self) -> None:
        """Closes the connections of a replay store that has them (``aclose``)."""
        close = getattr(self.awaited_store, "aclose", None)
        if close is not None:
            await close()

    def refusal_headers(
        self, method: str, content: bool, error: SignatureError | None
    ) -> list[tuple[str, str]]:
        """A 401's ``WWW-Authenticate`` challenges (and RFC 9421's ``Accept-Signature``)."""
        found = [
            ("WWW-Authenticate", c)
            for c in challenges(self.schemes, self.realm, self.cavage_required_headers, method)
        ]
        key_id = (
            getattr(error, "key_id", None) if getattr(error, "scheme", None) == "rfc9421" else None
        )
        accept = self.verifier.accept_signature(content=content, key_id=key_id)
        if accept is not None:
            found.append(("Accept-Signature", accept))
        return found

    def log_refusal(self, view: RequestView, error: SignatureError | None) -> None:
        if error is None:
            logger.warning(
                "no %s credentials on %s %r", " / ".join(self.schemes), view.method, view.path[:200]
            )
            return
        logger.warning(
            "%s signature refused %s %r (key %r): %s",
            getattr(error, "scheme", None) or "request",
            view.method,
            view.path[:200],
            (getattr(error, "key_id", None) or "")[:64],
            error,
        )


def _never(key_id: str) -> None:
    """The native loader of a guard whose loader is async: never called."""
    raise AssertionError("the async key loader is awaited by the adapter")


async def send_json(
    send: Send, status: int, detail: str, headers: Iterable[tuple[str, str]] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class SignatureMiddleware:
    """``SignatureMiddleware(app, schemes=[...], key_loader=...)``.

    ``key_loader(key_id)`` follows the one loader rule and may be a coroutine
    function (it is then awaited; a sync one runs on the event loop, so keep
    it fast). ``replay_store``: ``"memory"``, a ``MemoryReplayStore``, a
    ``redis://`` URL (``AsyncRedisReplayStore``) or an object with an async or
    sync ``check_and_record``. ``max_body`` caps a buffered body (413 beyond
    it); ``exempt`` lists paths left unprotected (``"/health"``, or a prefix
    ending in ``*``: ``"/static/*"``); ``required=False`` lets requests
    without credentials through with ``httpseal`` ``None`` (wrong ones are
    still refused); ``websockets=True`` verifies a websocket handshake as a
    bodiless request. Those and ``realm``, ``drf_body`` are ``Guard``'s
    options; every other keyword is a ``Verifier`` option."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        exempt: Iterable[str] = (),
        required: bool = True,
        websockets: bool = False,
        **options: Any,
    ) -> None:
        if isinstance(exempt, str):
            raise TypeError("exempt must be a list of paths, not a str")
        self.app = app
        self.guard = Guard(**options)
        self.max_body = self.guard.max_body
        # The usual case, bound once: one native call, nothing to await.
        guard = self.guard
        self._verify_inline = guard.verifier.verify_asgi if guard.verifies_inline else None
        listed = list(exempt)
        self.exempt_paths = frozenset(p for p in listed if not p.endswith("*"))
        self.exempt_prefixes = tuple(p[:-1] for p in listed if p.endswith("*"))
        self.has_exempt = bool(listed)
        self.required = bool(required)
        self.websockets = bool(websockets)

    def _exempt(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return path in self.exempt_paths or path.startswith(self.exempt_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        exempt = self.has_exempt and kind != "lifespan" and self._exempt(scope)
        if kind == "http" and not exempt:
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self.app(scope, self._closing_at_shutdown(receive), send)
        elif kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
        elif exempt or (kind == "websocket" and not self.websockets):
            # Unprotected: the app reads ``httpseal`` as ``None``, never a stale verdict.
            scope.setdefault("state", {})["httpseal"] = None
            await self.app(scope, receive, send)
        else:
            await self._websocket(scope, receive, send)

    def _closing_at_shutdown(self, receive: Receive) -> Receive:
        """The server's lifespan messages, unchanged; the replay store's
        connections are closed when the server shuts down."""

        async def lifespan_receive() -> Message:
            message = await receive()
            if message.get("type") == "lifespan.shutdown":
                await self.guard.aclose()
            return message

        return lifespan_receive

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        body = message.get("body", b"")
        whole = message.get("type") == "http.request" and not message.get("more_body", False)
        # A small body comes whole in the first message; a larger one is
        # refused on its declared length before the rest is read.
        if not whole or len(body) > self.max_body:
            body = await self._read_rest(scope, message, receive, send)
            if body is None:
                return
        try:
            if self._verify_inline is not None:
                verified = self._verify_inline(scope, body)
            else:
                verified = await self.guard.verify(scope, body)
        except SignatureError as exc:
            view = request_view(scope)  # for the log and the challenges only
            self.guard.log_refusal(view, exc)
            await self._refuse(send, view, body, exc)
            return
        except ReplayStoreUnavailable as exc:
            method, path = scope.get("method", "GET"), _path(scope)
            logger.error("signature not checked on %s %r: %s", method, path, exc)
            await send_json(send, 503, "service unavailable", [("Retry-After", "1")])
            return
        if verified is None and self.required:
            view = request_view(scope)
            self.guard.log_refusal(view, None)
            await self._refuse(send, view, body, None)
            return
        scope.setdefault("state", {})["httpseal"] = verified
        await self.app(scope, _replaying(body, receive), send)

    async def _read_rest(
        self, scope: Scope, first: Message, receive: Receive, send: Send
    ) -> bytes | None:
        """The body from ``first`` on, or ``None`` once a 413 is sent (or the
        client left)."""
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            shown = declared[:20].decode()
            logger.warning("body of %s bytes refused on %r", shown, _path(scope))
            await send_json(send, 413, "request body too large")
            return None
        try:
            return await read_body(receive, self.max_body, first)
        except BodyTooLarge:
            logger.warning("body over %d bytes refused on %r", self.max_body, _path(scope))
            await send_json(send, 413, "request body too large")
        except Disconnected:
            pass
        return None

    async def _refuse(
        self, send: Send, view: RequestView, body: bytes, error: SignatureError | None
    ) -> None:
        headers = self.guard.refusal_headers(view.method, bool(body), error)
        await send_json(send, 401, "invalid or missing signature", headers)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            verified = await self.guard.verify(scope, b"")
        except (SignatureError, ReplayStoreUnavailable) as exc:
            logger.warning("websocket handshake refused on %r: %s", _path(scope), exc)
            verified, refused = None, True
        else:
            refused = verified is None and self.required
        if refused:
            # Closing before accepting makes the server answer the handshake 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        scope.setdefault("state", {})["httpseal"] = verified
        await self.app(scope, receive, send)


def _path(scope: Scope) -> str:
    """The path, for a log line."""
    return str(scope.get("path", ""))[:200]


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the verified body in one message,
    then the server's own messages (a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

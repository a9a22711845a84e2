"""The Django side of the one pipeline, shared by ``SignatureMiddleware`` and
the DRF classes: a ``Verifier`` per set of schemes, built from the settings;
the key loader (``HTTPSEAL["KEY_LOADER"]`` or the ``HMACKey`` model, cached
per process); and what only Django can decide once the core has verified a
request: the key's restrictions, the user, acting as another user.

``authenticate(request, schemes)`` gives an ``Outcome``. Refusals are logged
at WARNING on the scheme's logger (``httpseal.cavage``, ``httpseal.drf``,
``httpseal.fost``), "not ours" at DEBUG; no secret is ever logged."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, cast

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from httpseal import _explain, _responses
from httpseal._awaited import is_async, load_secrets, record, store_call
from httpseal._native import (
    ExpiredKey,
    MalformedSignature,
    MemoryReplayStore,
    ReplayStoreUnavailable,
    RevokedKey,
    SignatureError,
    UndecryptableKey,
    Verified,
    Verifier,
)
from httpseal.django import _signed, audit
from httpseal.django.conf import replay_store, setting, shows_signing_input
from httpseal.replay import REDIS_URL_SCHEMES, AsyncRedisReplayStore

LOGGERS = {
    "cavage": logging.getLogger("httpseal.cavage"),
    "drf-hmac": logging.getLogger("httpseal.drf"),
    "fost": logging.getLogger("httpseal.fost"),
    "rfc9421": logging.getLogger("httpseal.rfc9421"),
}
logger = logging.getLogger("httpseal.django")

# HMACKey.key is a 40-character primary key: a longer id cannot name one.
MAX_KEY_ID = 40
MAX_CACHED_KEYS = 1024


# Not frozen, though never changed once made: a frozen dataclass costs a
# microsecond more to build, and one is built per request.
@dataclass(slots=True)
class Outcome:
    """What the pipeline made of one request for some schemes: ``verified``
    and ``user`` when it is accepted; ``reason`` (and the ``scheme`` it
    concerns) when it is refused; all ``None`` when it is not ours."""

    verified: Verified | None = None
    user: Any = None
    key: Any = None  # the HMACKey, when the default loader found one
    scheme: str | None = None
    reason: str | None = None
    unavailable: bool = False  # the replay store failed: 503, not a refusal of the request
    too_large: bool = False  # the body is over Django's cap: 413

    @property
    def refused(self) -> bool:
        return self.reason is not None


NOT_OURS = Outcome()


class KeyCache:
    """``HMACKey`` lookups (with their users) kept for
    ``HTTPSEAL["KEY_CACHE_SECONDS"]`` in this process, at most
    ``MAX_CACHED_KEYS`` of them; emptied whenever a key or a user is saved or
    deleted here. Unknown ids are not kept, so a new key works at once.
    Callers get copies, so a view that changes ``request.user`` changes no
    other request's."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key_id: str, *, copy: bool = True) -> Any:
        """The key (with its user) for ``key_id``, or ``None``. With
        ``copy=False`` a cached key is the shared entry itself, for a caller
        that only reads it and copies whatever it hands on."""
        if len(key_id) > MAX_KEY_ID:
            return None
        lifetime = setting("KEY_CACHE_SECONDS") or 0
        now = time.monotonic()
        hit = self._entries.get(key_id) if lifetime else None
        if hit is not None and hit[0] > now:
            return _copied(hit[1]) if copy else hit[1]
        from httpseal.django.models import HMACKey  # models load after this module

        key = HMACKey.objects.select_related("user").filter(key=key_id).first()
        if key is not None and lifetime:
            with contextlib.suppress(UndecryptableKey):  # refused (and logged) when used
                key.secret  # noqa: B018  (decrypted once per entry; its copies share it)
            with self._lock:
                if len(self._entries) >= MAX_CACHED_KEYS:
                    self._entries.clear()
                self._entries[key_id] = (now + lifetime, key)
            return _copied(key) if copy else key
        return key

    def cached(self, key_id: str) -> Any:
        """``get`` without the database: the key on a cache hit, ``None``
        for an id no key can have, ``MISS`` otherwise."""
        if len(key_id) > MAX_KEY_ID:
            return None
        hit = self._entries.get(key_id) if setting("KEY_CACHE_SECONDS") else None
        if hit is not None and hit[0] > time.monotonic():
            return _copied(hit[1])
        return MISS

    def clear(self, **_signal: Any) -> None:
        with self._lock:
            self._entries.clear()


MISS = object()  # KeyCache.cached: the database must be asked


def _copied(key: Any) -> Any:
    duplicate = _detached(key)
    # Straight from and into the relation's cache (loaded with the key by
    # ``select_related``): the descriptor's checks cost more than the copy.
    user = duplicate._state.fields_cache.get("user") or key.user
    duplicate._state.fields_cache["user"] = _detached(user)
    return duplicate


def _detached(instance: Any) -> Any:
    """A copy of a model instance sharing nothing mutable with it: its own
    ``__dict__``, ``_state`` and cache of related objects. (``copy.copy``
    does the same through pickling's protocol, several times slower.)"""
    cls = instance.__class__
    duplicate = cls.__new__(cls)
    fields = instance.__dict__.copy()
    original = fields["_state"]
    # ``ModelState`` rebuilt without its ``__init__``: every attribute is copied.
    state = object.__new__(original.__class__)
    state.__dict__ = attributes = original.__dict__.copy()
    cache = attributes.get("fields_cache")
    if cache is not None:
        attributes["fields_cache"] = cache.copy()
    fields["_state"] = state
    duplicate.__dict__ = fields
    return duplicate


keys = KeyCache()

# The HMACKey the default loader found for the request being verified
# (per thread and per task, as requests are).
_loaded: ContextVar[tuple[str, Any] | None] = ContextVar("httpseal_loaded_key", default=None)


def secret_of(key: Any) -> Any:
    """The secret of an ``HMACKey``; ``UndecryptableKey`` when it does not
    decrypt, logged as an error too, since it is the server's fault."""
    try:
        return key.secret
    except UndecryptableKey as exc:
        logger.error("HMAC key %r is unusable: %s", str(key.pk)[:64], exc)
        exc.key_id = str(key.pk)
        raise


def retirement(key: Any) -> SignatureError | None:
    """Why ``key`` may no longer sign (``RevokedKey``, ``ExpiredKey``), or
    ``None``. Asked once the signature verified, so that a retired key's
    refusal (and its ``retired_key_used`` event) means the request really
    was signed with it; on the wire it is the 401 an unknown key gets."""
    revoked = getattr(key, "revoked_at", None)
    if revoked is not None:
        return RevokedKey(f"revoked at {revoked.isoformat()}")
    expires = getattr(key, "expires_at", None)
    if expires is not None and expires <= timezone.now():
        return ExpiredKey(f"it expired at {expires.isoformat()}")
    return None


def load_hmac_key(key_id: str) -> str | None:
    """The default key loader: the ``HMACKey``'s secret (the core hex-decodes
    it for drf-hmac and uses its UTF-8 bytes for every other scheme)."""
    # The shared entry: only its secret is read here, and ``authenticate``
    # copies what it hands on.
    key = keys.get(key_id, copy=False)
    _loaded.set((key_id, key))
    return None if key is None else secret_of(key)


class LastUse:
    """``HMACKey.last_used_at``, written at most once per
    ``HTTPSEAL["LAST_USED_INTERVAL"]`` per key by this process (and by all
    of them together: the write is conditional on the stored time), never a
    write per request."""

    def __init__(self) -> None:
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()

    def due(self, key: Any) -> bool:
        """Whether ``key``'s use is to be written now (and, if so, noted as
        written: one caller writes)."""
        interval = setting("LAST_USED_INTERVAL")
        if interval is None or not hasattr(key, "last_used_at"):
            return False
        now = time.monotonic()
        last = self._written.get(key.pk)
        if last is not None and now - last < interval:
            return False  # the common case, decided without the lock
        with self._lock:
            last = self._written.get(key.pk)
            if last is None and key.last_used_at is not None:
                # Written lately by another process (or before a restart).
                age = (timezone.now() - key.last_used_at).total_seconds()
                last = self._written[key.pk] = now - max(age, 0)
            if last is not None and now - last < interval:
                return False
            if len(self._written) >= MAX_CACHED_KEYS:
                self._written.clear()
            self._written[key.pk] = now
        return True

    def write(self, key: Any) -> None:
        now = timezone.now()
        earlier = now - timedelta(seconds=setting("LAST_USED_INTERVAL"))
        try:
            type(key)._default_manager.filter(pk=key.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=earlier)
            ).update(last_used_at=now)
        except DatabaseError as exc:  # the request was verified; only the note is lost
            logger.warning("last use of key %r not recorded: %s", str(key.pk)[:64], exc)

    def forget(self) -> None:
        with self._lock:
            self._written.clear()


last_use = LastUse()


def note_use(key: Any) -> None:
    """Records that ``key`` signed an accepted request (when due)."""
    if key is not None and last_use.due(key):
        last_use.write(key)


async def anote_use(key: Any) -> None:
    """``note_use`` on an async stack: the write, when due, in a thread."""
    if key is not None and last_use.due(key):
        await sync_to_async(last_use.write)(key)


@lru_cache(maxsize=16)
def _imported(path: str) -> Callable[..., Any]:
    return import_string(path)


@lru_cache(maxsize=16)
def _blocking(path: str) -> Callable[..., Any]:
    """The loader ``path`` names, callable from sync code even when it is a
    coroutine function (async views are served by both kinds of stack)."""
    loader = _imported(path)
    return async_to_sync(loader) if is_async(loader) else loader


def key_loader() -> Callable[[str], Any]:
    """The key loader for sync code: ``HTTPSEAL["KEY_LOADER"]`` or ``load_hmac_key``."""
    path = setting("KEY_LOADER")
    return load_hmac_key if path is None else _blocking(path)


async def load_key(key_id: str) -> tuple[Any, Any]:
    """``(HMACKey or None, secrets)`` for ``key_id`` on an async stack: the
    key cache first; the database (in a thread) only on a miss; a coroutine
    ``KEY_LOADER`` awaited, a sync one in a thread (it may use the ORM)."""
    path = setting("KEY_LOADER")
    if path is not None:
        loader = _imported(path)
        loaded = loader(key_id) if is_async(loader) else sync_to_async(loader)(key_id)
        return None, await load_secrets(loaded)
    key = keys.cached(key_id)
    if key is MISS:
        key = await sync_to_async(keys.get)(key_id)
    return key, [] if key is None else secret_of(key)


class Verifiers:
    """Verifiers built once per tuple of the settings they depend on; only a
    few are kept (tests that override settings would otherwise pile them up)."""

    KEEP = 8

    def __init__(self) -> None:
        self._built: dict[tuple[Any, ...], Verifier] = {}

    def get(self, options: tuple[Any, ...], build: Callable[[], Verifier]) -> Verifier:
        found = self._built.get(options)
        if found is None:
            if len(self._built) >= self.KEEP:
                self._built.clear()
            found = self._built[options] = build()
        return found


_verifiers: dict[tuple[str, ...], Verifier] = {}


def verifier(schemes: Sequence[str]) -> Verifier:
    """The ``Verifier`` for ``schemes`` under the current settings (rebuilt
    when a setting changes: ``reset`` is connected to ``setting_changed``)."""
    wanted = tuple(schemes)
    found = _verifiers.get(wanted)
    if found is None:
        found = _verifiers[wanted] = Verifier(
            schemes=cast("list[Any]", list(wanted)),
            key_loader=key_loader(),
            max_skew=setting("MAX_SKEW"),
            cavage_required_headers=setting("CAVAGE_REQUIRED_HEADERS"),
            cavage_algorithms=setting("CAVAGE_ALGORITHMS"),
            cavage_legacy_digests=bool(setting("CAVAGE_LEGACY_DIGESTS")),
            cavage_query_rule=setting("CAVAGE_QUERY_RULE"),
            drf_hostname=setting("DRF_HMAC_HOST"),
            fost_allow_unsigned_query=bool(
                getattr(settings, "FOST_AUTHN_ALLOW_UNSIGNED_QUERY", False)
            ),
            fost_url_require_expiry=bool(setting("FOST_URL_REQUIRE_EXPIRY")),
            fost_url_max_lifetime=setting("FOST_URL_MAX_LIFETIME"),
            fost_url_single_use=bool(setting("FOST_URL_SINGLE_USE")),
            rfc9421_required=setting("RFC9421_REQUIRED"),
            rfc9421_content_digest=bool(setting("RFC9421_CONTENT_DIGEST")),
            rfc9421_tag=setting("RFC9421_TAG"),
            rfc9421_label=setting("RFC9421_LABEL"),
            rfc9421_require_created=bool(setting("RFC9421_REQUIRE_CREATED")),
            rfc9421_require_nonce=bool(setting("RFC9421_REQUIRE_NONCE")),
            rfc9421_issue_nonces=bool(setting("RFC9421_ISSUE_NONCES")),
            rfc9421_nonce_secret=nonce_secret() if setting("RFC9421_ISSUE_NONCES") else None,
            replay_store=replay_store(),
        )
    return found


def nonce_secret() -> bytes:
    """The key for RFC 9421 nonces, derived from ``SECRET_KEY``: every process
    and host of the project recognises the nonces any of them issued."""
    return hmac.digest(settings.SECRET_KEY.encode(), b"httpseal rfc9421 nonces", "sha256")


def sign_response(request: Any, response: Any) -> None:
    """Signs ``response`` to an accepted RFC 9421 request with the request's
    key (``HTTPSEAL["RFC9421_SIGN_RESPONSES"]``), binding it to the request."""
    verified = getattr(request, "httpseal", None)
    if verified is None or verified.scheme != "rfc9421":
        return
    if response.streaming:
        logger.warning("a streaming response to %r is not signed", _path(request))
        return
    host = _signed.allowed_host(request) if signs_host(("rfc9421",)) else None
    for name, value in _responses.signature_headers(
        verified,
        key_loader(),
        response.status_code,
        list(response.items()),
        response.content,
        request.META,
        request.scheme,
        host,
    ):
        response[name] = value


def accept_signature(request: Any, schemes: Sequence[str]) -> str | None:
    """The ``Accept-Signature`` of a 401 when ``schemes`` include RFC 9421."""
    if "rfc9421" not in schemes:
        return None
    content = request.META.get("CONTENT_LENGTH") not in (None, "", "0")
    return verifier(schemes).accept_signature(content=content)


_host_signing: dict[tuple[str, ...], bool] = {}


def signs_host(schemes: Sequence[str]) -> bool:
    """Whether any of ``schemes`` can sign the host, so that it must be the
    host Django validated (``get_host()``, against ``ALLOWED_HOSTS``)."""
    wanted = tuple(schemes)
    found = _host_signing.get(wanted)
    if found is None:
        found = _host_signing[wanted] = (
            "cavage" in wanted
            or "fost" in wanted
            or "rfc9421" in wanted
            or ("drf-hmac" in wanted and setting("DRF_HMAC_HOST") == "host")
        )
    return found


def reset(**_signal: Any) -> None:
    """Forgets the built verifiers and the key cache (settings changed)."""
    _verifiers.clear()
    _awaited_stores.clear()
    _host_signing.clear()
    _imported.cache_clear()
    _blocking.cache_clear()
    keys.clear()
    last_use.forget()


def drf_data_from_body(request: Any) -> Callable[[], bytes]:
    """drf-hmac's JSON rule for a request DRF has not parsed (the middleware)."""

    def data() -> bytes:
        if setting("DRF_HMAC_BODY") == "raw":
            return _signed.body(request)
        from httpseal._drf_json import from_body

        media_type = request.content_type or ""
        return from_body(_signed.body(request), media_type, lambda: request.POST)

    return data


def refusal(reason: str) -> SignatureError:
    """A refusal decided by the adapter, not the core."""
    return MalformedSignature(reason)


def read_signed(read: Callable[..., bytes], *args: Any) -> bytes:
    """``read(*args)``, with ``Unsignable`` as a refusal the core attributes
    to the scheme and key it concerns; ``TooLarge`` goes through the core to
    the adapter, which answers 413."""
    try:
        return read(*args)
    except _signed.TooLarge:
        raise
    except _signed.Unsignable as exc:
        raise MalformedSignature(str(exc)) from None


# What a verification raises for a request it does not accept, each mapped to
# its answer by ``_Signed.failed``.
UNVERIFIED = (SignatureError, ReplayStoreUnavailable, _signed.TooLarge)


class _Signed:
    """What the pipeline reads of a Django request beyond ``request.META``:
    the validated host, and the body and drf-hmac's bytes, read only when a
    scheme asks for them (through bound methods: nothing is built per
    request for them)."""

    __slots__ = ("_drf_data", "bad_host", "host", "request")

    def __init__(
        self, request: Any, schemes: Sequence[str], drf_data: Callable[[], bytes] | None
    ) -> None:
        self.request = request
        checks_host = signs_host(schemes)
        self.host: str | None = _signed.allowed_host(request) if checks_host else None
        # The host is signed but not one ALLOWED_HOSTS allows.
        self.bad_host = checks_host and self.host is None
        self._drf_data = drf_data

    def body(self) -> bytes:
        return read_signed(_signed.body, self.request)

    def drf_data(self) -> bytes:
        return read_signed(self._drf_data or drf_data_from_body(self.request))

    def verify(self, request: Any, schemes: Sequence[str], **options: Any) -> Verified | None:
        return verifier(schemes).verify_environ(
            request.META,
            self.body,
            host=self.host,
            drf_data=self.drf_data,
            # Only RFC 9421 signs the scheme; Django's answer reads settings.
            url_scheme=request.scheme if "rfc9421" in schemes else None,
            **options,
        )

    def failed(self, request: Any, schemes: Sequence[str], exc: Exception) -> Outcome:
        """The outcome of a verification that raised one of ``UNVERIFIED``:
        a refusal, a replay store outage (503) or a body over the cap (413)."""
        if isinstance(exc, SignatureError):
            return self.refused(request, schemes, exc)
        if isinstance(exc, ReplayStoreUnavailable):
            return store_down(request, schemes[0], str(exc))
        return too_large(request, schemes, exc)

    def refused(self, request: Any, schemes: Sequence[str], exc: SignatureError) -> Outcome:
        detail = ""
        if shows_signing_input():
            detail = _explain.detail(
                lambda: verifier(schemes).signing_input_environ(
                    request.META,
                    self.body,
                    host=self.host,
                    drf_data=self.drf_data,
                    url_scheme=request.scheme,
                )
            )
        return refuse(request, exc.scheme or schemes[0], exc.key_id, str(exc), detail, exc.code)


def authenticate(
    request: Any,
    schemes: Sequence[str],
    drf_data: Callable[[], bytes] | None = None,
    *,
    hands_on_key: bool = True,
) -> Outcome:
    """Runs ``request`` (a Django ``HttpRequest``) through the pipeline for
    ``schemes``. ``drf_data`` is what drf-hmac signs after its timestamp
    line; by default it is derived from the body. The outcome's user is the
    request's own copy; so is its key, unless ``hands_on_key=False`` says the
    caller shows it to nobody (it is then the cached one, only read)."""
    signed = _Signed(request, schemes, drf_data)
    token = _loaded.set(None)
    try:
        verified = signed.verify(request, schemes)
    except UNVERIFIED as exc:
        return signed.failed(request, schemes, exc)
    finally:
        loaded = _loaded.get()
        _loaded.reset(token)
    if verified is None:
        return _not_ours(request, schemes)
    if signed.bad_host:
        return refuse_host(request, verified)
    key = loaded[1] if loaded is not None and loaded[0] == verified.key_id else None
    user = None
    if key is not None and hands_on_key:
        key = _copied(key)
    elif key is not None:
        user = _detached(_user_of(verified.key_id, key))
    outcome = _accept(request, verified, key, user)
    note_use(outcome.key)
    return outcome


async def aauthenticate(
    request: Any, schemes: Sequence[str], drf_data: Callable[[], bytes] | None = None
) -> Outcome:
    """``authenticate`` on an async stack, in two native calls around the
    awaited key (find the key id, load, verify), then the awaited replay
    entry. Only what must leaves the event loop, in a thread: the database
    on a key-cache miss, a sync ``KEY_LOADER`` or ``USER_LOADER``, acting
    as another user, a replay store other than ``"memory"`` that is not async
    (``"cache:<alias>"``; a ``redis://`` URL is awaited on ``redis.asyncio``)."""
    signed = _Signed(request, schemes, drf_data)
    check = verifier(schemes)
    try:
        found = check.credentials_environ(request.META, host=signed.host, url_scheme=request.scheme)
        if found is None:
            return _not_ours(request, schemes)
        try:
            key, secrets = await load_key(found[1])
        except SignatureError as exc:
            exc.scheme, exc.key_id = found  # as the core names its own refusals
            raise
        awaited = awaited_store()
        verified = signed.verify(request, schemes, secrets=secrets, record=awaited is None)
        if verified is not None and awaited is not None:
            await record(awaited, verified)
    except UNVERIFIED as exc:
        return signed.failed(request, schemes, exc)
    if verified is None:
        return _not_ours(request, schemes)
    if signed.bad_host:
        return refuse_host(request, verified)
    if key is None or (verified.act_as is not None and verified.act_as != _username(key.user)):
        outcome = await sync_to_async(_accept)(request, verified, key)
    else:
        outcome = _accept(request, verified, key)
    await anote_use(outcome.key)
    return outcome


Check = Callable[[str, int], Awaitable[Any]]
_awaited_stores: dict[int, tuple[Any, Check]] = {}


def awaited_store() -> Check | None:
    """How an async stack records a replay entry: ``None`` when the native
    call does it without blocking (no store, ``"memory"``); else an awaitable
    ``check_and_record`` (a ``redis://`` URL on ``redis.asyncio``, an async
    store's own, a sync one in a thread)."""
    store = replay_store()
    if store is None or isinstance(store, MemoryReplayStore):
        return None
    found = _awaited_stores.get(id(store))
    if found is None or found[0] is not store:
        value = setting("REPLAY_STORE")
        check: Check
        if isinstance(value, str) and value.startswith(REDIS_URL_SCHEMES):
            check = _RedisPerLoop(value).check_and_record
        else:
            check = store_call(store, hop=sync_to_async)
        found = _awaited_stores[id(store)] = (store, check)
    return found[1]


class _RedisPerLoop:
    """``AsyncRedisReplayStore`` for a URL, one per event loop: a
    ``redis.asyncio`` connection belongs to the loop that opened it, and a
    Django process may run several (``async_to_sync`` opens one per call on
    a sync stack)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._stores: weakref.WeakKeyDictionary[Any, AsyncRedisReplayStore] = (
            weakref.WeakKeyDictionary()
        )

    async def check_and_record(self, key: str, ttl_seconds: int) -> bool:
        loop = asyncio.get_running_loop()
        store = self._stores.get(loop)
        if store is None:
            store = self._stores[loop] = AsyncRedisReplayStore(self.url)
        return await store.check_and_record(key, ttl_seconds)


def _not_ours(request: Any, schemes: Sequence[str]) -> Outcome:
    logger.debug("no %s credentials on %s %r", "/".join(schemes), request.method, _path(request))
    return NOT_OURS


def _accept(request: Any, verified: Verified, key: Any, user: Any = None) -> Outcome:
    """The outcome for a verified request: refused when its key is retired
    or restricted or its user inactive; ``user`` is the key's (by default
    read from it)."""
    scheme, key_id = verified.scheme, verified.key_id
    retired = None if key is None else retirement(key)
    if retired is not None:
        return refuse(request, scheme, key_id, str(retired), code=retired.code)
    if key is not None and not key.allows(scheme, verified.algorithm):
        reason = f"the key may not sign with {scheme} {verified.algorithm}"
        return refuse(request, scheme, key_id, reason, code="disallowed_scheme")
    if user is None:
        user = _user_of(key_id, key)
    if user is None or not getattr(user, "is_active", True):
        return refuse(request, scheme, key_id, "no active user for the key", code="inactive_user")
    if verified.act_as is not None and verified.act_as != _username(user):
        if not _may_act_as(key_id, key):
            reason = f"the key may not act as {verified.act_as[:64]!r}"
            return refuse(request, scheme, key_id, reason, code="act_as_refused")
        user = user_named(verified.act_as)
        if user is None or not getattr(user, "is_active", True):
            reason = f"no active user {verified.act_as[:64]!r}"
            return refuse(request, scheme, key_id, reason, code="inactive_user")
    return Outcome(verified=verified, user=user, key=key, scheme=scheme)


def _user_of(key_id: str, key: Any) -> Any:
    if key is not None:
        # The relation's cache (filled with the key), else the descriptor.
        return key._state.fields_cache.get("user") or key.user
    path = setting("USER_LOADER")
    if path is not None:
        return _imported(path)(key_id)
    return user_named(key_id)


def _may_act_as(key_id: str, key: Any) -> bool:
    return key_id in setting("ACT_AS_KEYS") or bool(getattr(key, "may_act_as", False))


def _username(user: Any) -> str:
    return str(getattr(user, user.USERNAME_FIELD, ""))


def user_named(username: str) -> Any:
    """The user whose ``USERNAME_FIELD`` is ``username``, or ``None``."""
    model = get_user_model()
    try:
        return model._default_manager.get(**{model.USERNAME_FIELD: username})
    except (model.DoesNotExist, ValueError):
        return None


def refuse(
    request: Any,
    scheme: str,
    key_id: str | None,
    reason: str,
    detail: str = "",
    code: str = "malformed",
) -> Outcome:
    """Logs a refusal (never the secret) on the scheme's logger, with its
    ``code`` (an error class's, or the adapter's own: ``disallowed_host``,
    ``inactive_user``, ``act_as_refused``), and sends the audit events;
    ``detail`` (the string the server signed, in debug mode) goes to the
    log only."""
    LOGGERS.get(scheme, logger).warning(
        "%s signature refused %s %r (key %r) [%s]: %s%s",
        scheme,
        request.method,
        _path(request),
        (key_id or "")[:64],
        code,
        reason,
        detail,
    )
    audit.refused(request, scheme, key_id, code)
    return Outcome(scheme=scheme, reason=reason)


def refuse_host(request: Any, verified: Verified) -> Outcome:
    """The refusal of a request whose signed host ``ALLOWED_HOSTS`` refuses."""
    reason = "the Host header is not allowed"
    return refuse(request, verified.scheme, verified.key_id, reason, code="disallowed_host")


def store_down(request: Any, scheme: str, reason: str) -> Outcome:
    """Logs that the replay store failed; the adapters answer 503."""
    LOGGERS.get(scheme, logger).error(
        "signature not checked on %s %r: %s", request.method, _path(request), reason
    )
    return Outcome(scheme=scheme, reason=reason, unavailable=True)


def too_large(request: Any, schemes: Sequence[str], exc: Exception) -> Outcome:
    """Logs a body over Django's cap; the adapters answer 413."""
    LOGGERS.get(schemes[0], logger).warning(
        "signature not checked on %s %r: %s", request.method, _path(request), exc
    )
    return Outcome(scheme=schemes[0], reason=str(exc), too_large=True)


def own_response(outcome: Outcome) -> Any:
    """The answer an adapter gives itself rather than a refusal: 503 when the
    replay store failed, 413 for a body over the cap; ``None`` otherwise."""
    if outcome.unavailable:
        return unavailable_response()
    if outcome.too_large:
        return too_large_response()
    return None


def too_large_response() -> Any:
    """The 413 a Django adapter answers for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "Request body too large"}, status=413)


def unavailable_response() -> Any:
    """The 503 a Django adapter answers when the replay store failed."""
    from django.http import JsonResponse

    response = JsonResponse({"detail": "Service Unavailable"}, status=503)
    response["Retry-After"] = "1"
    return response


def _path(request: Any) -> str:
    return str(request.META.get("PATH_INFO", ""))[:200]

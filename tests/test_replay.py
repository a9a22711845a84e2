"""Replay protection through the pipeline: the native memory store and stores
written in Python, for every timestamped scheme."""

from __future__ import annotations

import threading

import pytest

import httpseal
from httpseal import MemoryReplayStore, ReplayedRequest, ReplayStoreUnavailable
from httpseal.replay import ReplayStore

from tests.test_pipeline import (
    NOW,
    cavage_request,
    drf_request,
    fost_request,
    fost_url,
    verifier,
)

REQUESTS = {
    "cavage": cavage_request,
    "drf-hmac": drf_request,
    "fost": fost_request,
    "fost-url": fost_url,
}


def send(v, request, now=NOW):
    method, path, query, headers, body = request
    return v.verify(method, path, query, headers, body, now=now)


class DictStore:
    """A Python store: what a Redis or cache store looks like to the core."""

    def __init__(self):
        self.entries: dict[str, int] = {}
        self.lock = threading.Lock()

    def check_and_record(self, key: str, ttl_seconds: int) -> bool:
        with self.lock:
            if key in self.entries:
                return False
            self.entries[key] = ttl_seconds
            return True


@pytest.mark.parametrize("store", [MemoryReplayStore, DictStore], ids=["memory", "python"])
@pytest.mark.parametrize("kind", REQUESTS)
def test_a_request_is_accepted_once(kind, store):
    # A signed URL only when its links are single-use (see below).
    v = verifier(replay_store=store(), fost_url_single_use=kind == "fost-url")
    request = REQUESTS[kind]()
    assert send(v, request) is not None
    with pytest.raises(ReplayedRequest) as info:
        send(v, request)
    assert info.value.code == "replayed"
    assert info.value.key_id in ("cav", "drf", "fost")
    # Another request of the same key is another entry.
    assert send(v, REQUESTS[kind](path="/other")) is not None


def test_an_entry_lives_exactly_as_long_as_the_request_could_pass():
    store = DictStore()
    v = verifier(replay_store=store, max_skew=300, fost_url_single_use=True)
    send(v, cavage_request(at=NOW - 100))  # passes until NOW + 200
    send(v, fost_url(expires=NOW + 60))  # passes until NOW + 60
    assert sorted(store.entries.values()) == [61, 201]
    assert all(k.startswith("httpseal:replay:") and len(k) == 16 + 64 for k in store.entries)


def test_the_memory_store_forgets_a_request_once_it_is_stale_anyway():
    store = MemoryReplayStore()
    v = verifier(replay_store=store, max_skew=300)
    request = cavage_request(at=NOW)
    send(v, request, now=NOW)
    with pytest.raises(ReplayedRequest):
        send(v, request, now=NOW + 300)
    with pytest.raises(httpseal.StaleTimestamp):  # refused by freshness, not by the store
        send(v, request, now=NOW + 301)
    send(v, cavage_request(path="/q", at=NOW + 301), now=NOW + 301)
    assert len(store) == 1  # the first entry was purged


def test_wrongly_signed_requests_never_reach_the_store():
    store = DictStore()
    v = verifier(replay_store=store)
    for kind, wrong in (("cavage", "wrong"), ("drf-hmac", "ab" * 20), ("fost", "wrong")):
        with pytest.raises(httpseal.SignatureError):
            send(v, REQUESTS[kind](secret=wrong))
    with pytest.raises(httpseal.StaleTimestamp):
        send(v, cavage_request(at=NOW - 1000))
    assert store.entries == {}


def test_a_full_memory_store_fails_closed_and_keeps_its_bound():
    store = MemoryReplayStore(max_entries=3)
    v = verifier(replay_store=store)
    first = cavage_request(path="/0")
    send(v, first)
    for n in (1, 2):
        send(v, cavage_request(path=f"/{n}"))
    for n in range(3, 50):
        with pytest.raises(ReplayStoreUnavailable, match="full"):
            send(v, cavage_request(path=f"/{n}"))
    assert len(store) == 3 == store.capacity
    with pytest.raises(ReplayedRequest):  # a live entry is never forgotten
        send(v, first)
    assert not issubclass(ReplayStoreUnavailable, httpseal.SignatureError)


def test_a_failing_python_store_is_an_outage_not_a_verdict():
    class Down:
        def check_and_record(self, key, ttl_seconds):
            raise ConnectionError("redis://:hunter2@10.0.0.1:6379 refused")

    with pytest.raises(ReplayStoreUnavailable) as info:
        send(verifier(replay_store=Down()), cavage_request())
    assert "ConnectionError" in str(info.value) and "hunter2" not in str(info.value)
    assert isinstance(info.value.__cause__, ConnectionError)

    class Sloppy:
        def check_and_record(self, key, ttl_seconds):
            return "OK"

    with pytest.raises(TypeError, match="must return a bool"):
        send(verifier(replay_store=Sloppy()), cavage_request())


def test_flask_hmac_tokens_carry_no_time_and_are_not_recorded():
    store = DictStore()
    v = httpseal.Verifier(schemes=["flask-hmac"], key_loader=lambda _: "k", replay_store=store)
    token = httpseal.render_hmac("k", "/p")
    v.verify("GET", "/p", "", {"HMAC": token})
    v.verify("GET", "/p", "", {"HMAC": token})
    assert store.entries == {}


def test_one_of_many_concurrent_sends_is_accepted():
    v = verifier(replay_store=MemoryReplayStore())
    request = drf_request()
    outcomes: list[str] = []
    start = threading.Barrier(16)

    def worker():
        start.wait()
        for _ in range(50):
            try:
                send(v, request)
                outcomes.append("accepted")
            except ReplayedRequest:
                outcomes.append("replayed")

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("accepted") == 1 and outcomes.count("replayed") == 799


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"replay_store": "memory"}, TypeError),
        ({"replay_store": object()}, TypeError),
        ({"replay_store": MemoryReplayStore(), "max_skew": None}, ValueError),
    ],
)
def test_bad_replay_settings_fail_at_construction(kwargs, error):
    with pytest.raises(error):
        verifier(**kwargs)
    with pytest.raises(ValueError):
        MemoryReplayStore(max_entries=0)
    with pytest.raises(ValueError):
        MemoryReplayStore(max_entries=-1)
    for wrong in ("10", 1.5, True):
        with pytest.raises(TypeError):
            MemoryReplayStore(max_bytes=wrong)
    assert MemoryReplayStore(max_entries=10**30, max_bytes=1 << 20).capacity > 0


def test_the_protocol_describes_python_stores():
    assert isinstance(DictStore(), ReplayStore)
    assert repr(MemoryReplayStore(max_entries=5)) == "MemoryReplayStore(entries=0, capacity=5)"


# -- Redis ----------------------------------------------------------------


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


def test_redis_accepts_a_request_once_across_stores_and_sets_the_ttl(redis_url, redis_client):
    from httpseal.replay import RedisReplayStore

    # Two verifiers with their own connections: two workers sharing Redis.
    first = verifier(replay_store=RedisReplayStore(redis_url))
    second = verifier(replay_store=RedisReplayStore(redis_url))
    request = cavage_request(at=NOW - 100)
    send(first, request)
    with pytest.raises(ReplayedRequest):
        send(second, request)
    (key,) = redis_client.keys("httpseal:replay:*")
    assert 0 < redis_client.ttl(key) <= 201


def test_redis_one_of_many_concurrent_sends_is_accepted(redis_url, redis_client):
    from httpseal.replay import RedisReplayStore

    verifiers = [verifier(replay_store=RedisReplayStore(redis_url)) for _ in range(4)]
    request = drf_request()
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def worker(n):
        start.wait()
        for _ in range(25):
            try:
                send(verifiers[n % 4], request)
                outcomes.append("accepted")
            except ReplayedRequest:
                outcomes.append("replayed")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("accepted") == 1 and outcomes.count("replayed") == 199


def test_an_unreachable_redis_fails_closed_or_open_as_configured(caplog):
    import socket

    from httpseal.replay import RedisReplayStore

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here now
    url = f"redis://127.0.0.1:{port}/0"
    closed = verifier(replay_store=RedisReplayStore(url))  # no connection at start-up
    with pytest.raises(ReplayStoreUnavailable, match="ConnectionError"):
        send(closed, cavage_request())
    opened = verifier(replay_store=RedisReplayStore(url, fail_open=True))
    with caplog.at_level("WARNING", logger="httpseal.replay"):
        assert send(opened, cavage_request()) is not None
    assert "fail_open" in caplog.text


def test_an_evicting_redis_is_warned_about(redis_url, redis_client, caplog):
    from httpseal.replay import RedisReplayStore

    redis_client.config_set("maxmemory-policy", "allkeys-lru")
    try:
        store = RedisReplayStore(redis_client)
        assert "allkeys-lru" in store.eviction_warning()
        with caplog.at_level("WARNING", logger="httpseal.replay"):
            send(verifier(replay_store=store), cavage_request())
        assert "evicts replay entries" in caplog.text
    finally:
        redis_client.config_set("maxmemory-policy", "noeviction")
    assert RedisReplayStore(redis_client).eviction_warning() is None


def test_store_settings():
    from httpseal.replay import RedisReplayStore, store_from

    assert store_from(None) is None
    assert isinstance(store_from("memory"), MemoryReplayStore)
    assert isinstance(store_from("redis://127.0.0.1:1/0"), RedisReplayStore)
    with pytest.raises(ValueError):
        store_from("memcached://x")
    with pytest.raises(TypeError):
        RedisReplayStore(42)
    assert "fail_open=False" in repr(RedisReplayStore("redis://127.0.0.1:1/0"))


def test_a_respelled_key_id_is_the_same_request():
    # A key store that resolves ids case-insensitively (as many databases
    # compare text) accepts "CAV" for "cav"; the MAC does not cover keyId.
    store = MemoryReplayStore()
    v = verifier(
        replay_store=store,
        key_loader=lambda key_id: "cavage-secret" if key_id.lower() == "cav" else None,
    )
    method, path, query, headers, body = cavage_request()
    send(v, (method, path, query, headers, body))
    respelled = {**headers, "Authorization": headers["Authorization"].replace('"cav"', '"CAV"')}
    assert respelled != headers
    with pytest.raises(ReplayedRequest):
        send(v, (method, path, query, respelled, body))


def test_signed_urls_are_reusable_unless_single_use_and_only_a_get_spends_one():
    reusable = verifier(replay_store=MemoryReplayStore())
    url = fost_url()
    for _ in range(3):
        assert send(reusable, url).scheme == "fost"
    single = verifier(replay_store=MemoryReplayStore(), fost_url_single_use=True)
    method, path, query, headers, body = fost_url(path="/once")
    for _ in range(2):
        assert send(single, ("HEAD", path, query, headers, body)) is not None
    assert send(single, (method, path, query, headers, body)) is not None
    with pytest.raises(ReplayedRequest):
        send(single, (method, path, query, headers, body))
    with pytest.raises(ValueError, match="needs a replay_store"):
        verifier(fost_url_single_use=True)

"""The resource cache against the real Redis: TTL, hits, and one fetch for many workers."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from triage.resources.cache import ResourceCache


@pytest.fixture()
def cache(redis_url):
    client = redis.Redis.from_url(redis_url)
    namespace = f"test:{uuid.uuid4().hex[:8]}"
    yield ResourceCache(client, ttl_seconds=60, namespace=namespace)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)


def test_second_read_is_a_hit_and_the_value_has_a_ttl(cache, redis_url):
    calls = []
    first = cache.get_or_fetch("k", lambda: calls.append(1) or {"owner": "li.wei"})
    second = cache.get_or_fetch("k", lambda: calls.append(1) or {"owner": "other"})

    assert first == second == {"owner": "li.wei"}
    assert len(calls) == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)
    ttl = redis.Redis.from_url(redis_url).ttl(cache._key("k"))
    assert 0 < ttl <= 60


def test_expired_values_are_fetched_again(redis_url):
    client = redis.Redis.from_url(redis_url)
    short = ResourceCache(client, ttl_seconds=1, namespace=f"test:{uuid.uuid4().hex[:8]}")
    calls = []
    short.get_or_fetch("k", lambda: calls.append(1) or {"v": 1})
    time.sleep(1.2)
    short.get_or_fetch("k", lambda: calls.append(1) or {"v": 2})
    assert len(calls) == 2


def test_many_workers_on_one_key_fetch_once(cache):
    calls = []
    start = threading.Barrier(8)

    def slow_fetch():
        calls.append(1)
        time.sleep(0.3)
        return {"tags": {"owner": "priya.nair"}}

    results = []

    def worker():
        start.wait()
        results.append(cache.get_or_fetch("hot", slow_fetch))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls) == 1
    assert results == [{"tags": {"owner": "priya.nair"}}] * 8
    assert cache.stats.fetches == 1 and cache.stats.hits == 7


def test_a_failed_fetch_caches_nothing(cache):
    def boom():
        raise RuntimeError("throttled for good")

    with pytest.raises(RuntimeError):
        cache.get_or_fetch("k", boom)
    assert cache.get("k") is None
    assert cache.get_or_fetch("k", lambda: {"ok": True}) == {"ok": True}

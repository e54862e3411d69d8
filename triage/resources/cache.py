"""A Redis cache with a TTL and single-flight fetching (one worker fetches a key at a time).

Many workers enriching alerts on the same resource would otherwise all miss the cache at
once and all spend API quota on the same look-up. A miss takes a short Redis lock for the
key (redis-py's `Lock`, which expires on its own if the holder dies); the others wait on
that lock and, once it is free, read the value the first worker stored.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "triage:resource:v1"


@dataclass
class CacheStats:
    """Hits, misses and fetches since the cache was made (thread-safe counters)."""

    hits: int = 0
    misses: int = 0
    fetches: int = 0
    waited: int = 0

    @property
    def hit_ratio(self) -> float:
        """Hits over look-ups (0.0 before any)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class ResourceCache:
    """JSON values in Redis under `<namespace>:<key>`, each with a TTL."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        ttl_seconds: int,
        namespace: str = DEFAULT_NAMESPACE,
        lock_seconds: float = 30.0,
        wait_seconds: float = 30.0,
    ) -> None:
        self._redis = client
        self._ttl = ttl_seconds
        self._namespace = namespace
        self._lock_seconds = lock_seconds
        self._wait_seconds = wait_seconds
        self._counter_lock = threading.Lock()
        self.stats = CacheStats()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> ResourceCache:
        """Connect to the Redis at `url`."""
        return cls(redis.Redis.from_url(url), **kwargs)

    def _key(self, key: str) -> str:
        return f"{self._namespace}:{key}"

    def _count(self, name: str) -> None:
        with self._counter_lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)

    def get(self, key: str) -> Any | None:
        """Return the cached value, or None when absent or expired."""
        raw = self._redis.get(self._key(key))
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any) -> None:
        """Store a JSON-ready value with the cache's TTL."""
        self._redis.set(self._key(key), json.dumps(value, default=str), ex=self._ttl)

    def get_or_fetch(self, key: str, fetch: Callable[[], Any]) -> Any:
        """Return the cached value, or fetch it once (across workers) and cache it.

        Raises:
            Whatever `fetch` raises; nothing is cached then, so the next call tries again.
        """
        value = self.get(key)
        if value is not None:
            self._count("hits")
            return value
        lock = self._redis.lock(
            self._key(key) + ":lock",
            timeout=self._lock_seconds,
            blocking_timeout=self._wait_seconds,
        )
        acquired = bool(lock.acquire(blocking=False))
        if not acquired:
            self._count("waited")
            acquired = bool(lock.acquire(blocking=True))
            if not acquired:
                logger.warning("cache lock wait timed out; fetching anyway key=%s", key)
        try:
            # Another worker may have stored the value while this one waited or raced.
            value = self.get(key)
            if value is not None:
                self._count("hits")
                return value
            self._count("misses")
            self._count("fetches")
            value = fetch()
            self.set(key, value)
            return value
        finally:
            if acquired:
                try:
                    lock.release()
                except redis.exceptions.LockError:
                    logger.warning("cache lock expired before release key=%s", key)

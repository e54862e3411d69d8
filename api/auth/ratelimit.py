"""Per-caller request budgets counted in Redis (the `limits` library), shared by every process."""

from __future__ import annotations

import logging
import time

from limits import parse, storage, strategies

from triage.accounts.errors import RateLimitedError

logger = logging.getLogger(__name__)

NAMESPACE = "triage-api"


class RequestLimiter:
    """A moving-window limit per key (user, API token, or client address)."""

    def __init__(self, *, limit: str, redis_url: str | None) -> None:
        self.item = parse(limit)
        if redis_url:
            uri = redis_url
        else:
            # TODO: without REDIS_URL the counts live in this process only, so several API
            # processes each allow the full budget; set REDIS_URL in any shared deployment.
            logger.warning("REDIS_URL is not set: rate limits are counted per process")
            uri = "memory://"
        self.storage = storage.storage_from_string(uri)
        self.strategy = strategies.MovingWindowRateLimiter(self.storage)

    def close(self) -> None:
        """Close the storage's Redis connections (the in-memory storage has none)."""
        client = getattr(self.storage, "storage", None)
        close = getattr(client, "close", None)
        if callable(close):
            close()

    def check(self, key: str) -> None:
        """Count one request for `key`.

        Raises:
            RateLimitedError: the key spent its budget; `retry_after` says when to retry.
        """
        if self.strategy.hit(self.item, NAMESPACE, key):
            return
        reset_at, _ = self.strategy.get_window_stats(self.item, NAMESPACE, key)
        retry_after = int(reset_at - time.time()) + 1
        logger.info("rate limited key=%s retry_after=%s", key, retry_after)
        raise RateLimitedError(
            f"rate limit of {self.item} exceeded; retry after {retry_after} s",
            retry_after=retry_after,
        )

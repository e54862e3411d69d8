"""Client-side pacing (a token bucket) and backoff delays for rate-limited AWS APIs."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class RateLimiter:
    """A token bucket: at most `burst` calls at once, refilled at `rate` tokens per second.

    The clock and the sleep function are injectable so tests can run it without waiting.
    With `burst=1` it enforces a minimum interval of `1 / rate` seconds between calls.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; return the seconds waited."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(0.0, self._tokens - 1.0)
                return 0.0
            # Sleep until the missing part of a token has accrued, then spend that token. The
            # bucket's time moves to the moment the token became available, so oversleeping
            # still accrues (capped by the burst) and float rounding cannot loop.
            delay = (1.0 - self._tokens) / self.rate
            self._sleep(delay)
            self._tokens = 0.0
            self._updated = now + delay
            return delay


def backoff_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 20.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Return the delay before retry number `attempt` (0-based): exponential with jitter.

    Half of the exponential step is fixed and half is random ("equal jitter"), so delays keep
    growing while concurrent clients spread out.
    """
    step = min(cap, base * (2**attempt))
    return step / 2 + rng() * step / 2

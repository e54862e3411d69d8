"""How a demo finding changes over time: the sequence of versions Security Hub would hold."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

# (lifecycle, weight) for findings that evaluate a control
CONTROL_LIFECYCLES = (
    ("open", 34),
    ("fixed", 16),
    ("archived", 8),
    ("suppressed", 6),
    ("notified", 10),
    ("recurring", 6),
)
# (lifecycle, weight) for threat and vulnerability findings
EVENT_LIFECYCLES = (
    ("open", 40),
    ("fixed", 20),
    ("archived", 15),
    ("suppressed", 5),
    ("notified", 15),
    ("recurring", 5),
)


@dataclass(frozen=True)
class Version:
    """The state of one finding version."""

    updated_at: datetime
    compliance: str | None  # PASSED / FAILED for control findings, None otherwise
    workflow: str
    record_state: str
    count: int = 1


def iso(value: datetime) -> str:
    """Return an ASFF timestamp: UTC, milliseconds, `Z` suffix."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    """Return one name from `(name, weight)` pairs."""
    total = sum(weight for _, weight in weighted)
    roll = rng.uniform(0, total)
    for name, weight in weighted:
        roll -= weight
        if roll <= 0:
            return name
    return weighted[-1][0]


def build_versions(
    rng: random.Random,
    *,
    now: datetime,
    lifecycle: str,
    is_control: bool,
    passing: bool = False,
    max_age_days: float = 75.0,
) -> list[Version]:
    """Return the versions of one finding, oldest first, none later than `now`.

    `passing` makes a control finding that has passed from its first evaluation.
    """
    start = now - timedelta(days=rng.uniform(1.0, max_age_days))
    failed = "FAILED" if is_control else None
    passed = "PASSED" if is_control else None
    if passing:
        first = Version(start, passed, "RESOLVED", "ACTIVE")
        steps = [first] * rng.randint(0, 1)
        return _place(rng, now, [first, *steps])

    first = Version(start, failed, "NEW", "ACTIVE")
    seen = [first] * rng.choice((0, 0, 1, 2))  # re-evaluations that only move LastObservedAt
    if lifecycle == "open":
        states = [first, *seen]
    elif lifecycle == "fixed":
        closing = (
            Version(start, passed, "RESOLVED", "ACTIVE")
            if is_control
            else Version(start, None, "RESOLVED", "ARCHIVED")
        )
        states = [first, *seen, closing]
    elif lifecycle == "archived":
        states = [first, *seen, Version(start, failed, "NEW", "ARCHIVED")]
    elif lifecycle == "suppressed":
        states = [first, Version(start, failed, "SUPPRESSED", "ACTIVE")]
    elif lifecycle == "notified":
        states = [first, Version(start, failed, "NOTIFIED", "ACTIVE"), *seen]
    elif lifecycle == "recurring":
        resolved = Version(start, passed, "RESOLVED", "ACTIVE" if is_control else "ARCHIVED")
        states = [first, resolved, Version(start, failed, "NEW", "ACTIVE")]
    else:
        raise ValueError(f"unknown lifecycle {lifecycle!r}")
    return _place(rng, now, states)


def _place(rng: random.Random, now: datetime, states: list[Version]) -> list[Version]:
    """Give each state a strictly later time; drop the states that would fall after `now`."""
    placed: list[Version] = []
    moment = states[0].updated_at
    latest = now - timedelta(minutes=5)
    for index, state in enumerate(states):
        if index:
            moment += timedelta(hours=rng.uniform(4.0, 24.0 * 7))
        if moment > latest:
            break
        placed.append(replace(state, updated_at=moment, count=index + 1))
    return placed

"""Workflow statuses, the transitions allowed between them and their Security Hub values."""

from __future__ import annotations

from enum import StrEnum


class AlertStatus(StrEnum):
    """The triage status of an alert (ours, richer than Security Hub's four values)."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    SUPPRESSED = "suppressed"
    FALSE_POSITIVE = "false_positive"


_CLOSED = {AlertStatus.RESOLVED, AlertStatus.SUPPRESSED, AlertStatus.FALSE_POSITIVE}
_WORKING = {AlertStatus.ACKNOWLEDGED, AlertStatus.INVESTIGATING}

# From each status, where a person may move it. Reopening goes back to new or to work.
TRANSITIONS: dict[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.NEW: frozenset(_WORKING | _CLOSED),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.INVESTIGATING, *_CLOSED}),
    AlertStatus.INVESTIGATING: frozenset({AlertStatus.ACKNOWLEDGED, *_CLOSED}),
    AlertStatus.RESOLVED: frozenset({AlertStatus.NEW, AlertStatus.INVESTIGATING}),
    AlertStatus.SUPPRESSED: frozenset({AlertStatus.NEW, *_WORKING}),
    AlertStatus.FALSE_POSITIVE: frozenset({AlertStatus.NEW, AlertStatus.INVESTIGATING}),
}

# The column of app.alert_states stamped when an alert enters each status.
TIMESTAMP_COLUMN: dict[AlertStatus, str] = {
    AlertStatus.NEW: "reopened_at",
    AlertStatus.ACKNOWLEDGED: "acknowledged_at",
    AlertStatus.INVESTIGATING: "investigating_at",
    AlertStatus.RESOLVED: "resolved_at",
    AlertStatus.SUPPRESSED: "suppressed_at",
    AlertStatus.FALSE_POSITIVE: "false_positive_at",
}

# NOTE: Security Hub's Workflow.Status has four values (API reference "WorkflowUpdate").
SECURITYHUB_STATUS: dict[AlertStatus, str] = {
    AlertStatus.NEW: "NEW",
    AlertStatus.ACKNOWLEDGED: "NOTIFIED",
    AlertStatus.INVESTIGATING: "NOTIFIED",
    AlertStatus.RESOLVED: "RESOLVED",
    AlertStatus.FALSE_POSITIVE: "RESOLVED",
    AlertStatus.SUPPRESSED: "SUPPRESSED",
}


def can_move(current: AlertStatus, target: AlertStatus) -> bool:
    """Whether a person may move an alert from `current` to `target`."""
    return target in TRANSITIONS[current]


def allowed_from(current: AlertStatus) -> list[str]:
    """The statuses reachable from `current`, sorted, for error messages and clients."""
    return sorted(str(status) for status in TRANSITIONS[current])

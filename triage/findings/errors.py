"""Errors raised while reading and normalising findings."""

from __future__ import annotations

from triage.errors import ValidationError


class FindingRejectedError(ValidationError):
    """A record cannot be keyed or dated, so it goes to quarantine instead of the raw table."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class InvalidTimestampError(ValidationError):
    """A timestamp value is not ISO 8601 (or is out of range)."""

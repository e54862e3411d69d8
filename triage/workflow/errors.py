"""Errors of the alert workflow: conflicting changes and missing or stale preconditions."""

from __future__ import annotations

from triage.errors import TriageError


class ConflictError(TriageError):
    """The change conflicts with the current state (a taken name, a forbidden transition)."""


class InvalidTransitionError(ConflictError):
    """The requested status cannot be reached from the alert's current status."""


class PreconditionRequiredError(TriageError):
    """A write needs `If-Match` with the ETag of the version it was based on."""


class PreconditionFailedError(TriageError):
    """The `If-Match` ETag names an older version: someone else changed the object first."""

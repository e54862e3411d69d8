"""Errors specific to the API and the HTTP status each error family maps to."""

from __future__ import annotations

from triage.accounts.errors import AuthenticationError, PermissionDeniedError, TooManyRequestsError
from triage.errors import NotFoundError, TriageError, ValidationError
from triage.workflow.errors import (
    ConflictError,
    PreconditionFailedError,
    PreconditionRequiredError,
)


class InvalidCursorError(ValidationError):
    """A paging cursor could not be decoded; the client should restart from the first page."""


class ServiceUnavailableError(TriageError):
    """A dependency the API needs is not available right now."""


class DatabaseUnavailableError(ServiceUnavailableError):
    """PostgreSQL cannot be reached or refused the connection."""


class MartsUnavailableError(ServiceUnavailableError):
    """The dbt marts the API reads do not exist yet."""


MARTS_MISSING_HINT = "the dbt marts are not built yet; run `triage build` and retry"

# Most specific first: the first matching class decides the status code.
STATUS_FOR_ERROR: tuple[tuple[type[TriageError], int], ...] = (
    (NotFoundError, 404),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (TooManyRequestsError, 429),
    (PreconditionFailedError, 412),
    (PreconditionRequiredError, 428),
    (ConflictError, 409),
    (InvalidCursorError, 400),
    (ValidationError, 422),
    (ServiceUnavailableError, 503),
)


def status_for(error: TriageError) -> int:
    """Return the HTTP status for one of our errors (500 for anything unmapped)."""
    for error_type, status in STATUS_FOR_ERROR:
        if isinstance(error, error_type):
            return status
    return 500

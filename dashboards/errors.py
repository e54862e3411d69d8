"""Errors raised by the dashboards when they cannot get data from the API."""

from triage.errors import TriageError


class DashboardError(TriageError):
    """Base class of every error the dashboards raise on purpose."""


class ApiUnavailableError(DashboardError):
    """The API could not be reached (connection refused, DNS failure or timeout)."""


class ApiResponseError(DashboardError):
    """The API answered, but with an error status or a body that is not the agreed shape."""

    def __init__(
        self, message: str, *, status_code: int | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        # The API's own reason for a 4xx, fit to show a user as it is.
        self.detail = detail

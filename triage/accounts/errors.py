"""Errors of authentication, authorisation and request pacing."""

from __future__ import annotations

from triage.errors import TriageError


class AuthenticationError(TriageError):
    """The caller's credentials are missing, malformed, expired or wrong."""


class PermissionDeniedError(TriageError):
    """The caller is known but their role does not allow this action."""


class TooManyRequestsError(TriageError):
    """The caller must wait `retry_after` seconds before trying again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class LoginThrottledError(TooManyRequestsError):
    """Too many failed logins for one account: slowed down, then locked for a while."""


class RateLimitedError(TooManyRequestsError):
    """The caller spent its request budget for the current window."""

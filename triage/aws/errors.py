"""Translate botocore errors of the metadata look-ups into our typed errors."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.securityhub import ACCESS_DENIED_CODES
from triage.errors import AccessDeniedError, SourceUnavailableError


def error_code(exc: ClientError) -> str:
    """Return the AWS error code of a ClientError."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def translate(exc: Exception, what: str) -> Exception:
    """Return AccessDeniedError for denied calls, else SourceUnavailableError.

    Throttling never reaches here: botocore's retry mode (standard or adaptive, see
    `make_boto_config`) retries it with backoff first; what is left failed for good.
    """
    if isinstance(exc, ClientError) and error_code(exc) in ACCESS_DENIED_CODES:
        return AccessDeniedError(f"{what}: access denied ({error_code(exc)})")
    if isinstance(exc, ClientError | BotoCoreError):
        return SourceUnavailableError(f"{what} failed: {exc}")
    return exc

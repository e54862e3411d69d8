"""Errors raised by the shared domain package."""


class TriageError(Exception):
    """Base class of every error the product raises on purpose."""


class SettingsError(TriageError):
    """A required setting is missing or malformed."""


class IngestError(TriageError):
    """Ingestion could not complete; nothing it reports is partial."""


class SourceUnavailableError(IngestError):
    """An AWS API or file source failed after every retry."""


class NotFoundError(TriageError):
    """The requested object does not exist."""


class ValidationError(TriageError):
    """A request or input value is not acceptable."""


class AccessDeniedError(SourceUnavailableError):
    """AWS refused access to a source (missing permission, role or subscription).

    The caller marks that account and region as unknown rather than as empty.
    """

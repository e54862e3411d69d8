"""Keep tokens out of the server's logs.

Browsers cannot set headers on a WebSocket, so the live-update socket takes the access token
in its query string (`/api/v1/ws?token=...`), and uvicorn logs request paths with their
query strings, both in its access log and in its WebSocket lines. This filter rewrites those
records before any handler formats them.
"""

from __future__ import annotations

import logging
import re

_SECRET_PARAMETER = re.compile(r"([?&](?:token|access_token|refresh_token)=)[^&\s\"']+", re.I)
_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    """Replace the value of every token query parameter in `text`."""
    return _SECRET_PARAMETER.sub(r"\1[redacted]", text)


class TokenRedactingFilter(logging.Filter):
    """Redacts token query parameters in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_token_redaction() -> None:
    """Attach the filter to uvicorn's loggers once per process."""
    for name in _LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactingFilter) for f in target.filters):
            target.addFilter(TokenRedactingFilter())

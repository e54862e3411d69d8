"""Access tokens in query strings never reach the server's logs."""

from __future__ import annotations

import logging

from api.log_redaction import TokenRedactingFilter, install_token_redaction


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, msg, args, None)


def test_websocket_and_access_lines_lose_their_token() -> None:
    secret = "eyJhbGciOiJIUzI1NiJ9.payload.signature"
    ws = _record(
        '%s - "WebSocket %s" [accepted]', ("127.0.0.1", 5000), f"/api/v1/ws?token={secret}"
    )
    access = _record(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        f"/x?a=1&access_token={secret}",
        "1.1",
        200,
    )
    for record in (ws, access):
        assert TokenRedactingFilter().filter(record) is True
        text = record.getMessage()
        assert secret not in text
        assert "[redacted]" in text
    assert "a=1" in access.getMessage()


def test_the_app_installs_the_filter_on_uvicorn_loggers_once() -> None:
    install_token_redaction()
    install_token_redaction()
    for name in ("uvicorn.access", "uvicorn.error"):
        filters = [
            f for f in logging.getLogger(name).filters if isinstance(f, TokenRedactingFilter)
        ]
        assert len(filters) == 1

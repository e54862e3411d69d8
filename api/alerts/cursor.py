"""Opaque keyset cursors for the alert list: the sort key of the last row of a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.cursor_codec import decode_payload, encode_payload
from api.errors import InvalidCursorError

_CURSOR_HELP = (
    "pass the `next_cursor` value of a previous response unchanged, "
    "or omit `cursor` to start from the first page"
)


@dataclass(frozen=True)
class AlertCursor:
    """Position after one alert in the order (severity_score, last_seen_at, alert_id) desc."""

    severity_score: int
    last_seen_at: datetime
    alert_id: str


def encode_cursor(cursor: AlertCursor) -> str:
    """Encode a cursor as URL-safe base64 JSON without padding."""
    return encode_payload(
        {"s": cursor.severity_score, "t": cursor.last_seen_at.isoformat(), "i": cursor.alert_id}
    )


def decode_cursor(token: str) -> AlertCursor:
    """Decode a cursor made by `encode_cursor`.

    Raises:
        InvalidCursorError: the token is not one this API produced.
    """
    try:
        payload = decode_payload(token)
    except ValueError as exc:
        raise InvalidCursorError(
            f"malformed cursor: not a cursor this API issued; {_CURSOR_HELP}"
        ) from exc
    if not isinstance(payload, dict) or set(payload) != {"s", "t", "i"}:
        raise InvalidCursorError(f"malformed cursor: unexpected content; {_CURSOR_HELP}")
    score, seen, alert_id = payload["s"], payload["t"], payload["i"]
    if type(score) is not int or not isinstance(seen, str) or not isinstance(alert_id, str):
        raise InvalidCursorError(f"malformed cursor: wrong value types; {_CURSOR_HELP}")
    try:
        last_seen_at = datetime.fromisoformat(seen)
    except ValueError as exc:
        raise InvalidCursorError(f"malformed cursor: bad timestamp; {_CURSOR_HELP}") from exc
    if last_seen_at.tzinfo is None:
        raise InvalidCursorError(f"malformed cursor: timestamp without zone; {_CURSOR_HELP}")
    return AlertCursor(severity_score=score, last_seen_at=last_seen_at, alert_id=alert_id)

"""Opaque keyset cursors for the timeline: (at, id) of the last item of a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.cursor_codec import decode_payload, encode_payload
from api.errors import InvalidCursorError

_HELP = "pass the `next_cursor` of a previous timeline page unchanged, or omit `cursor`"


@dataclass(frozen=True)
class TimelineCursor:
    """Position after one timeline item in the order (at, id) desc."""

    at: datetime
    item_id: str


def encode_timeline_cursor(at: datetime, item_id: str) -> str:
    """Encode a position as URL-safe base64 JSON without padding."""
    return encode_payload({"a": at.isoformat(), "i": item_id})


def decode_timeline_cursor(token: str) -> TimelineCursor:
    """Decode a cursor made by `encode_timeline_cursor`.

    Raises:
        InvalidCursorError: the token is not one this API produced.
    """
    try:
        payload = decode_payload(token)
        at = datetime.fromisoformat(payload["a"])
        item_id = payload["i"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidCursorError(f"malformed timeline cursor; {_HELP}") from exc
    if not isinstance(item_id, str) or at.tzinfo is None:
        raise InvalidCursorError(f"malformed timeline cursor; {_HELP}")
    return TimelineCursor(at=at, item_id=item_id)

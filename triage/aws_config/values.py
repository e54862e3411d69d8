"""Small value helpers shared by the Config and CloudTrail parsers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from triage.findings.errors import InvalidTimestampError
from triage.findings.timestamps import parse_timestamp

# Config 1.3 items and the API encode some values as JSON text, sometimes twice over
# (an S3 bucket's AccessControlList); decode at most this many layers.
_MAX_JSON_LAYERS = 3


def decode_json_text(value: object) -> object:
    """Decode a value that may be JSON-encoded text (possibly nested); keep plain text."""
    for _ in range(_MAX_JSON_LAYERS):
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text or text[0] not in '{["' and text not in ("null", "true", "false"):
            return value
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return value
    return value


def to_utc(value: object) -> datetime | None:
    """Parse an ISO string, a placebo datetime or epoch seconds into UTC; None if absent.

    Raises:
        InvalidTimestampError: the value is present but is no timestamp.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # boto3 parses API timestamps itself.
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # The API's JSON protocol sends epoch seconds; some tools send milliseconds.
        seconds = value / 1000 if value > 10_000_000_000 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        return to_utc(float(value))
    parsed, _ = parse_timestamp(value)
    return parsed


def iso(value: datetime | None) -> str | None:
    """Return an ISO 8601 UTC string, or None."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def first(obj: dict[str, Any], *keys: str) -> Any:
    """Return the first present, non-null value among `keys`."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return value
    return None


def tags_dict(value: object) -> dict[str, str]:
    """Normalise tags given as a mapping or as a list of {key, value} pairs."""
    value = decode_json_text(value)
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    tags: dict[str, str] = {}
    if isinstance(value, list):
        for pair in value:
            if isinstance(pair, dict):
                key = first(pair, "key", "Key")
                if key is not None:
                    tags[str(key)] = str(first(pair, "value", "Value") or "")
    return tags


__all__ = ["InvalidTimestampError", "decode_json_text", "first", "iso", "tags_dict", "to_utc"]

"""ISO 8601 timestamp parsing for findings (case B04)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from triage.findings.errors import InvalidTimestampError

# Fractions may be longer than Python's microseconds (JFrog Xray sends nanoseconds), the
# offset may be Z, +hh:mm, +hhmm or +hh, and a space may stand in for the T.
_ISO_PATTERN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:[.,](?P<frac>\d+))?\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_timestamp(value: object) -> tuple[datetime, bool]:
    """Parse an ASFF timestamp into an aware UTC datetime.

    Also accepts the placebo recording form ``{"__class__": "datetime", "year": ...}``.

    Returns:
        The UTC datetime and whether the input carried no offset (then UTC is assumed).

    Raises:
        InvalidTimestampError: the value is not a timestamp this parser understands.
    """
    if isinstance(value, dict) and value.get("__class__") == "datetime":
        return _from_placebo(value)
    if not isinstance(value, str):
        raise InvalidTimestampError(f"expected an ISO 8601 string, found {type(value).__name__}")
    match = _ISO_PATTERN.match(value.strip())
    if match is None:
        raise InvalidTimestampError(f"expected an ISO 8601 timestamp, found {value!r}")
    frac = (match["frac"] or "0")[:6].ljust(6, "0")
    try:
        naive = datetime.fromisoformat(
            f"{match['date']}T{match['h']}:{match['m']}:{match['s'] or '00'}.{frac}"
        )
    except ValueError as exc:
        raise InvalidTimestampError(f"expected a valid date and time, found {value!r}") from exc
    tz_text = match["tz"]
    if tz_text is None:
        return naive.replace(tzinfo=UTC), True
    return naive.replace(tzinfo=_offset(tz_text, value)).astimezone(UTC), False


def _offset(text: str, original: str) -> timezone:
    if text in ("Z", "z"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or "0")
    if hours > 23 or minutes > 59:
        raise InvalidTimestampError(f"expected a UTC offset within a day, found {original!r}")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _from_placebo(value: dict[str, object]) -> tuple[datetime, bool]:
    try:
        parts = [
            int(str(value.get(key, 0)))
            for key in ("year", "month", "day", "hour", "minute", "second", "microsecond")
        ]
        return datetime(*parts, tzinfo=UTC), False
    except (TypeError, ValueError) as exc:
        raise InvalidTimestampError(f"expected a placebo datetime, found {value!r}") from exc

"""The opaque form every keyset cursor of the API shares: URL-safe base64 of compact JSON."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


def encode_payload(payload: dict[str, Any]) -> str:
    """Encode a cursor's fields as URL-safe base64 JSON without padding."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_payload(token: str) -> Any:
    """Decode a token made by `encode_payload`; the caller checks the fields.

    Raises:
        ValueError: the token is not base64 of JSON (binascii and Unicode errors included).
    """
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc

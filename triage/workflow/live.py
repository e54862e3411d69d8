"""Live alert-change messages over Redis pub/sub, shared by every API process."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import redis

logger = logging.getLogger(__name__)

ALERTS_CHANNEL = "triage:alerts"


def alert_message(
    *, alert_id: str, changes: dict[str, Any], actor: str, kind: str = "alert.updated"
) -> dict[str, Any]:
    """The JSON message clients receive: type, alert_id, what changed, by whom, when."""
    return {
        "type": kind,
        "alert_id": alert_id,
        "changes": changes,
        "by": actor,
        "at": datetime.now(UTC).isoformat(),
    }


def publish(client: redis.Redis | None, message: dict[str, Any]) -> None:
    """Publish a message; a Redis outage is logged, never fails the change that was saved."""
    if client is None:
        return
    try:
        client.publish(ALERTS_CHANNEL, json.dumps(message, default=str))
    except redis.RedisError as exc:
        logger.warning("live update not published alert_id=%s: %s", message.get("alert_id"), exc)

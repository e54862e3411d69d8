"""What the API test double answers for one alert's detail and timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

BASE_TIME = datetime(2024, 4, 3, 8, 0, tzinfo=UTC)


def make_detail(alert: dict[str, Any]) -> dict[str, Any]:
    """The `GET /alerts/{id}` answer for one alert: resource context, impact, last change."""
    number = int(alert["alert_id"], 16)
    return {
        **alert,
        "findings": [],
        "resources": [],
        "context": {
            "resource_id": alert["resource_id"],
            "resource_type": alert["resource_type"],
            "owner": f"owner-{number:02d}",
            "team": "payments",
            "environment": "production",
            "classification": "restricted",
            "compliance_tags": {},
            "tags": {},
            "created_at": None,
            "exposure_level": "public",
            "exposure": {},
            "unknown_facts": [],
            "snapshot_taken_at": None,
        },
        "impact": {
            "score": 87,
            "parts": {"severity": 36, "data_sensitivity": 25, "exposure": 20, "environment": 6},
        },
        "last_change": {
            "actor": f"deployer-{number:02d}",
            "at": (BASE_TIME - timedelta(days=4)).isoformat(),
            "source": "aws_config",
            "change": {
                "changed_attributes": [
                    {"attribute": "PublicAccessBlock", "before": True, "after": "<off>"}
                ]
            },
        },
        "recent_changes": [],
    }


def make_timeline(alert: dict[str, Any]) -> dict[str, Any]:
    """The first page of `GET /alerts/{id}/timeline` for one alert, newest first."""
    return {
        "items": [
            {
                "id": "triage:1",
                "at": BASE_TIME.isoformat(),
                "kind": "status_changed",
                "source": "triage",
                "actor": "analyst",
                "summary": f"status NEW -> investigating for {alert['title']}",
                "details": {},
            },
            {
                "id": "config:1",
                "at": (BASE_TIME - timedelta(days=4)).isoformat(),
                "kind": "config_change",
                "source": "aws_config",
                "actor": "deployer",
                "summary": "UPDATE bucket: PublicAccessBlock",
                "details": {},
            },
        ],
        "next_cursor": "more",
    }

"""Builders of small alert tables for the correlation unit tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from triage.correlation.alerts import AlertTable

BASE_TIME = 1_714_550_400.0  # 2024-05-01T08:00:00Z


def make_alerts(rows: list[dict[str, Any]]) -> AlertTable:
    """An AlertTable from dicts; unspecified fields get neutral values."""

    def col(name: str, default: Any = None) -> list[Any]:
        return [row.get(name, default) for row in rows]

    return AlertTable(
        alert_ids=[row["id"] for row in rows],
        aws_account_ids=col("account", "111122223333"),
        regions=col("region", "us-east-1"),
        resource_ids=col("resource"),
        resource_keys=col("resource"),
        security_control_ids=col("control"),
        product_names=col("product", "GuardDuty"),
        first_types=col("type"),
        cve_lists=[row.get("cves", []) for row in rows],
        entity_lists=[row.get("entities", []) for row in rows],
        titles=col("title", ""),
        descriptions=col("description", ""),
        severity_scores=np.array(col("severity", 40), dtype=np.int64),
        first_seen_epoch=np.array(
            [BASE_TIME + 3600.0 * row.get("hours", 0.0) for row in rows], dtype=float
        ),
    )

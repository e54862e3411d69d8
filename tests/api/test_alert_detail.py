"""Integration tests of GET /api/v1/alerts/{id}: findings with raw JSON, and resources."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MartsData

pytestmark = pytest.mark.integration


def test_detail_has_findings_with_latest_raw_version_and_resources(
    client: TestClient, marts: MartsData
) -> None:
    response = client.get(f"/api/v1/alerts/{marts.detail_alert_id}")

    assert response.status_code == 200, response.text
    body = response.json()
    source = next(a for a in marts.alerts if a["alert_id"] == marts.detail_alert_id)
    assert body["id"] == body["alert_id"] == marts.detail_alert_id
    assert body["title"] == source["title"]

    assert [f["finding_id"] for f in body["findings"]] == [
        "finding-with-history",
        "finding-without-raw",
    ]
    with_raw, without_raw = body["findings"]
    # Two raw versions exist (LOW, then HIGH); the detail shows the latest.
    assert with_raw["finding"]["Severity"] == {"Label": "HIGH", "Normalized": 70}
    assert with_raw["severity"] == {
        "label": "HIGH",
        "score": 70,
        "source": "label",
        "is_missing": False,
        "product": None,
        "original": "HIGH",
    }
    assert with_raw["warnings"] == ["example_warning"]
    assert with_raw["raw_updated_at"].startswith("2024-04-03T08:00:00")
    assert with_raw["standard"] == "aws-foundational-security-best-practices/v/1.0.0"
    assert without_raw["finding"] is None
    assert without_raw["severity"] is None

    assert [r["resource_key"] for r in body["resources"]] == ["rk-primary", "rk-secondary"]
    primary = body["resources"][0]
    assert primary["is_primary"] is True
    assert primary["tags"] == {"owner": "team-a"}
    assert primary["partition"] == "aws"
    assert primary["aws_account_id"] == "111111111111"


def test_detail_of_alert_without_findings_or_resources(
    client: TestClient, marts: MartsData
) -> None:
    other = marts.alerts[1]["alert_id"]

    body = client.get(f"/api/v1/alerts/{other}").json()

    assert body["id"] == other
    assert body["findings"] == []
    assert body["resources"] == []


def test_unknown_alert_is_404_with_a_message(client: TestClient, marts: MartsData) -> None:
    response = client.get("/api/v1/alerts/does-not-exist")

    assert response.status_code == 404
    assert "'does-not-exist' not found" in response.json()["detail"]

"""Integration tests of GET /api/v1/alerts/summary against the list endpoint."""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MartsData

pytestmark = pytest.mark.integration

URL = "/api/v1/alerts/summary"
LABELS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]


def _list_total(client: TestClient, **params: object) -> int:
    response = client.get("/api/v1/alerts", params=params | {"limit": 1})
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def test_unfiltered_summary_matches_the_data_and_the_list(
    client: TestClient, marts: MartsData
) -> None:
    body = client.get(URL).json()

    assert body["total"] == len(marts.alerts) == _list_total(client)
    assert list(body["by_severity"]) == LABELS
    expected_severity = Counter(a["severity_label"] for a in marts.alerts)
    for label in LABELS:
        assert body["by_severity"][label] == expected_severity[label]
        assert body["by_severity"][label] == _list_total(client, severity=label)
    expected_status = Counter(a["workflow_status"] or "NONE" for a in marts.alerts)
    assert body["by_status"] == dict(expected_status)
    for status, count in body["by_status"].items():
        assert count == _list_total(client, status=status)
    assert body["accounts"] == sorted({a["aws_account_id"] for a in marts.alerts})
    assert body["regions"] == sorted({a["region"] for a in marts.alerts})
    assert body["products"] == sorted({a["product_name"] for a in marts.alerts})


def test_filtered_summary_counts_equal_list_totals(client: TestClient, marts: MartsData) -> None:
    filters = {"region": "eu-west-1", "closed": "false", "q": "s3"}
    body = client.get(URL, params=filters).json()

    assert body["total"] == _list_total(client, **filters)
    assert sum(body["by_severity"].values()) == body["total"]
    assert sum(body["by_status"].values()) == body["total"]
    for label, count in body["by_severity"].items():
        assert count == _list_total(client, **filters, severity=label)


def test_each_choice_list_ignores_its_own_filter(client: TestClient, marts: MartsData) -> None:
    body = client.get(URL, params={"account": "111111111111", "severity": "high"}).json()

    in_account_high = [
        a
        for a in marts.alerts
        if a["aws_account_id"] == "111111111111" and a["severity_label"] == "HIGH"
    ]
    high = [a for a in marts.alerts if a["severity_label"] == "HIGH"]
    assert body["total"] == len(in_account_high)
    assert body["accounts"] == sorted({a["aws_account_id"] for a in high})
    assert body["regions"] == sorted({a["region"] for a in in_account_high})
    assert body["products"] == sorted({a["product_name"] for a in in_account_high})


def test_summary_rejects_unknown_severity(client: TestClient, marts: MartsData) -> None:
    response = client.get(URL, params={"severity": "urgent"})

    assert response.status_code == 422
    assert "INFORMATIONAL" in response.json()["detail"]

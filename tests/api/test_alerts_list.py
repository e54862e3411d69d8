"""Integration tests of GET /api/v1/alerts: keyset paging, filters and errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MartsData

pytestmark = pytest.mark.integration

URL = "/api/v1/alerts"


def _order_key(alert: dict[str, Any]) -> tuple[int, Any, str]:
    return (alert["severity_score"], alert["last_seen_at"], alert["alert_id"])


def _walk(client: TestClient, params: dict[str, Any], limit: int) -> tuple[list[str], set[int]]:
    """Follow next_cursor to the end; return the ids in order and the totals seen."""
    ids: list[str] = []
    totals: set[int] = set()
    cursor = None
    for _ in range(1000):
        query = dict(params, limit=limit) | ({"cursor": cursor} if cursor else {})
        response = client.get(URL, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        ids.extend(item["id"] for item in body["items"])
        totals.add(body["total"])
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, totals
    raise AssertionError("paging did not terminate")


def test_paging_walks_every_row_exactly_once_in_order(client: TestClient, marts: MartsData) -> None:
    ids, totals = _walk(client, {}, limit=37)

    expected = [a["alert_id"] for a in sorted(marts.alerts, key=_order_key, reverse=True)]
    assert len(ids) == len(set(ids)) == len(marts.alerts)
    assert ids == expected
    assert totals == {len(marts.alerts)}


def test_paging_with_a_filter_and_page_size_one(client: TestClient, marts: MartsData) -> None:
    ids, totals = _walk(client, {"severity": "critical"}, limit=1)

    critical = [a for a in marts.alerts if a["severity_label"] == "CRITICAL"]
    assert ids == [a["alert_id"] for a in sorted(critical, key=_order_key, reverse=True)]
    assert totals == {len(critical)}


def test_default_page_size_and_item_shape(client: TestClient, marts: MartsData) -> None:
    body = client.get(URL).json()

    assert len(body["items"]) == 50
    assert body["next_cursor"]
    item = body["items"][0]
    assert item["id"] == item["alert_id"]
    source = next(a for a in marts.alerts if a["alert_id"] == item["id"])
    assert item["title"] == source["title"]
    assert item["types"] == source["types"]
    assert item["last_seen_at"].startswith(source["last_seen_at"].strftime("%Y-%m-%dT%H:%M:%S"))


@pytest.mark.parametrize("limit", [0, 501, -1])
def test_limit_out_of_range_is_rejected(client: TestClient, marts: MartsData, limit: int) -> None:
    assert client.get(URL, params={"limit": limit}).status_code == 422


Alert = dict[str, Any]


def _text_matches(alert: Alert, text: str) -> bool:
    return text in alert["title"].lower() or text in alert["resource_id"].lower()


FILTER_CASES: list[tuple[dict[str, Any], Callable[[Alert], bool]]] = [
    ({"severity": "HIGH"}, lambda a: a["severity_label"] == "HIGH"),
    ({"severity": "hIgH"}, lambda a: a["severity_label"] == "HIGH"),
    (
        {"severity": ["low", "Critical"]},
        lambda a: a["severity_label"] in {"LOW", "CRITICAL"},
    ),
    ({"status": "new"}, lambda a: a["workflow_status"] == "NEW"),
    (
        {"status": ["Resolved", "none"]},
        lambda a: a["workflow_status"] in {"RESOLVED", None},
    ),
    ({"account": "222222222222"}, lambda a: a["aws_account_id"] == "222222222222"),
    ({"region": ["eu-west-1", "us-east-1"]}, lambda a: a["region"] in {"eu-west-1", "us-east-1"}),
    ({"product": "GuardDuty"}, lambda a: a["product_name"] == "GuardDuty"),
    ({"resource_type": "AwsIamUser"}, lambda a: a["resource_type"] == "AwsIamUser"),
    ({"q": "S3 BUCKET"}, lambda a: _text_matches(a, "s3 bucket")),
    # Wildcards in the text match literally: `%` and `_` are escaped.
    ({"q": "100%"}, lambda a: _text_matches(a, "100%")),
    ({"q": "_user"}, lambda a: _text_matches(a, "_user")),
    # The text also finds resource ids.
    ({"q": "BUCKET-7"}, lambda a: _text_matches(a, "bucket-7")),
    ({"closed": "true"}, lambda a: a["is_closed_by_source"] is True),
    ({"closed": "false"}, lambda a: a["is_closed_by_source"] is False),
    (
        {"severity": "medium", "account": "111111111111", "closed": "false"},
        lambda a: (
            a["severity_label"] == "MEDIUM"
            and a["aws_account_id"] == "111111111111"
            and not a["is_closed_by_source"]
        ),
    ),
]


@pytest.mark.parametrize(("params", "predicate"), FILTER_CASES)
def test_filter_returns_exactly_the_matching_alerts(
    client: TestClient,
    marts: MartsData,
    params: dict[str, Any],
    predicate: Callable[[Alert], bool],
) -> None:
    body = client.get(URL, params=params | {"limit": 500}).json()

    expected = {a["alert_id"] for a in marts.alerts if predicate(a)}
    assert expected, "the generated data should exercise this filter"
    assert {item["id"] for item in body["items"]} == expected
    assert body["total"] == len(expected)
    assert body["next_cursor"] is None


def test_filter_matching_nothing_returns_an_empty_page(
    client: TestClient, marts: MartsData
) -> None:
    body = client.get(URL, params={"account": "999999999999"}).json()

    assert body == {"items": [], "total": 0, "next_cursor": None}


def test_unknown_severity_is_422_naming_the_allowed_labels(
    client: TestClient, marts: MartsData
) -> None:
    response = client.get(URL, params={"severity": ["high", "severe"]})

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "'severe'" in detail
    for label in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"):
        assert label in detail


def _b64(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "abc",
        _b64(["too", "short"]),
        _b64({"s": "90", "t": "2024-04-03T08:00:00+00:00", "i": "x"}),
        _b64({"s": 90, "t": "yesterday", "i": "x"}),
        _b64({"s": 90, "t": "2024-04-03T08:00:00", "i": "x"}),
    ],
)
def test_malformed_cursor_is_400(client: TestClient, marts: MartsData, cursor: str) -> None:
    response = client.get(URL, params={"cursor": cursor})

    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_text_search_finds_an_alert_by_its_id(client: TestClient, marts: MartsData) -> None:
    alert_id = marts.alerts[0]["alert_id"]

    body = client.get(URL, params={"q": alert_id}).json()

    assert [item["alert_id"] for item in body["items"]] == [alert_id]

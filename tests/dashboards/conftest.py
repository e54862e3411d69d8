"""Fixtures for the dashboard tests: a test double of the alerts API and marts rows."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dashboards.fake_detail import make_detail, make_timeline
from tests.marts_contract import FCT_ALERTS_TABLE_DDL

SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
SEVERITY_SCORES = {"CRITICAL": 90, "HIGH": 70, "MEDIUM": 40, "LOW": 1, "INFORMATIONAL": 0}
ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
REGIONS = ["us-east-1", "eu-west-1"]
STATUSES = ["NEW", "NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"]
BASE_TIME = datetime(2024, 4, 3, 8, 0, tzinfo=UTC)


TRIAGE = ("new", "investigating", "resolved", "new", "acknowledged")


def make_alerts(count: int = 30) -> list[dict[str, Any]]:
    """Build `count` alerts spread over severities, accounts, regions and statuses."""
    severity_cycle = ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW"]
    severity_cycle += ["INFORMATIONAL"]
    alerts = []
    for index in range(count):
        label = severity_cycle[index % len(severity_cycle)]
        alert_id = f"{index:032x}"
        alerts.append(
            {
                "id": alert_id,
                "alert_id": alert_id,
                "severity_label": label,
                "severity_score": SEVERITY_SCORES[label],
                "workflow_status": STATUSES[index % len(STATUSES)],
                "record_state": "ACTIVE",
                "compliance_status": "FAILED",
                "product_name": "Security Hub",
                "aws_account_id": ACCOUNTS[index % len(ACCOUNTS)],
                "region": REGIONS[index % len(REGIONS)],
                "resource_type": "AwsS3Bucket",
                "resource_id": f"arn:aws:s3:::bucket-{index:02d}",
                "title": f"S3 bucket {index:02d} should block public access",
                "first_seen_at": (BASE_TIME - timedelta(days=3)).isoformat(),
                "last_seen_at": (BASE_TIME - timedelta(hours=index)).isoformat(),
                "count_findings": 1 + index % 4,
                "is_closed_by_source": False,
                "triage_status": TRIAGE[index % len(TRIAGE)],
                "assignee": (None, "test-engineer", None)[index % 3],
            }
        )
    return alerts


def _matches(alert: dict[str, Any], query: dict[str, list[str]]) -> bool:
    """Apply the contract's filters to one alert."""
    if query.get("severity") and alert["severity_label"] not in query["severity"]:
        return False
    if query.get("status") and alert["workflow_status"] not in query["status"]:
        return False
    if query.get("account") and alert["aws_account_id"] not in query["account"]:
        return False
    if query.get("triage_status") and alert["triage_status"] not in query["triage_status"]:
        return False
    # The fake has no users, so `me` is not understood here; `none` means unassigned.
    assignees = {None if value == "none" else value for value in query.get("assignee", [])}
    if assignees and alert["assignee"] not in assignees:
        return False
    text = (query.get("q") or [""])[0].lower()
    haystack = f"{alert['title']} {alert['resource_id']} {alert['alert_id']}".lower()
    return not text or text in haystack


def _sort_key(alert: dict[str, Any]) -> tuple[int, str, str]:
    """Severity first, then most recently seen, then id, as the API sorts."""
    inverted = "".join(chr(255 - ord(ch)) for ch in alert["last_seen_at"])
    return (SEVERITY_ORDER.index(alert["severity_label"]), inverted, alert["alert_id"])


class FakeAlertsApi:
    """An in-memory answerer of the alerts API contract, recording each request it gets."""

    def __init__(self, alerts: list[dict[str, Any]]) -> None:
        self.alerts = sorted(alerts, key=_sort_key)
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.fail_with: int | None = None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Return the status and body for one GET."""
        self.requests.append((path, query))
        if self.fail_with:
            return self.fail_with, {"detail": "injected failure"}
        matching = [alert for alert in self.alerts if _matches(alert, query)]
        if path == "/api/v1/health":
            return 200, {"status": "ok"}
        if path == "/api/v1/alerts/summary":
            by_severity = {label: 0 for label in SEVERITY_ORDER}
            by_status: dict[str, int] = {}
            for alert in matching:
                by_severity[alert["severity_label"]] += 1
                by_status[alert["workflow_status"]] = by_status.get(alert["workflow_status"], 0) + 1
            return 200, {
                "total": len(matching),
                "by_severity": by_severity,
                "by_status": by_status,
                "accounts": sorted({a["aws_account_id"] for a in matching}),
                "regions": sorted({a["region"] for a in matching}),
                "products": sorted({a["product_name"] for a in matching}),
            }
        if path == "/api/v1/alerts":
            limit = int((query.get("limit") or ["50"])[0])
            start = 0
            if query.get("cursor"):
                after = base64.urlsafe_b64decode(query["cursor"][0]).decode()
                start = next(i for i, a in enumerate(matching) if a["alert_id"] == after) + 1
            page = matching[start : start + limit]
            more = start + limit < len(matching)
            cursor = None
            if more and page:
                cursor = base64.urlsafe_b64encode(page[-1]["alert_id"].encode()).decode()
            return 200, {"items": page, "total": len(matching), "next_cursor": cursor}
        parts = path.removeprefix("/api/v1/alerts/").split("/")
        known = {alert["alert_id"]: alert for alert in self.alerts}
        if path.startswith("/api/v1/alerts/") and parts[0] in known:
            if parts[1:] == ["timeline"]:
                return 200, make_timeline(known[parts[0]])
            if parts[1:] == ["notes"]:
                return 200, {"items": [], "total": 0, "next_cursor": None}
            if len(parts) == 1:
                return 200, make_detail(known[parts[0]])
        return 404, {"detail": "not found"}

    def requests_to(self, path: str) -> list[dict[str, list[str]]]:
        """Return the query of every request made to one path, oldest first."""
        return [query for seen, query in self.requests if seen == path]


def _handler_for(api: FakeAlertsApi) -> type[BaseHTTPRequestHandler]:
    """Build a request handler class bound to one fake API."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            parts = urlsplit(self.path)
            status, body = api.answer(parts.path, parse_qs(parts.query))
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Keep the test output quiet."""

    return Handler


@pytest.fixture()
def fake_api() -> Iterator[tuple[str, FakeAlertsApi]]:
    """A local HTTP server answering the alerts API contract from 30 in-memory alerts."""
    from dashboards.common.data_store import clear_caches

    api = FakeAlertsApi(make_alerts(30))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    clear_caches()
    yield f"http://127.0.0.1:{server.server_address[1]}", api
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    clear_caches()


FCT_ALERTS_DDL = (
    "create schema if not exists marts;\ndrop table if exists marts.fct_alerts;\n"
    + FCT_ALERTS_TABLE_DDL
)


def _mart_row(alert: dict[str, Any], number: int) -> dict[str, Any]:
    """Turn one API-shaped alert into a `marts.fct_alerts` row (docs/data-contracts.md)."""
    last_seen = datetime.fromisoformat(alert["last_seen_at"])
    # The triage state lives in app.alert_states, not in the mart.
    api_only = {"id", "triage_status", "assignee"}
    row = {key: value for key, value in alert.items() if key not in api_only}
    row.update(
        alert_key=f"dashboard-test-{number}",
        company_name="AWS",
        count_resources=1,
        description="Generated for the dashboard browser test.",
        types=["Software and Configuration Checks"],
        security_control_id="S3.8",
        standards=["aws-foundational-security-best-practices/v/1.0.0"],
        first_seen_at=datetime.fromisoformat(alert["first_seen_at"]),
        last_seen_at=last_seen,
        updated_at=last_seen,
        closed_reason=None,
    )
    return row


@pytest.fixture(scope="module")
def marts_alerts(engine: Any) -> Iterator[list[dict[str, Any]]]:
    """Create `marts.fct_alerts` in the session database and fill it with 30 alerts."""
    import sqlalchemy as sa

    alerts = make_alerts(30)
    rows = [_mart_row(alert, number) for number, alert in enumerate(alerts)]
    table = sa.table("fct_alerts", *(sa.column(name) for name in rows[0]), schema="marts")
    with engine.begin() as connection:
        connection.exec_driver_sql(FCT_ALERTS_DDL)
        connection.execute(sa.insert(table), rows)
    yield alerts
    with engine.begin() as connection:
        connection.exec_driver_sql("drop table if exists marts.fct_alerts")

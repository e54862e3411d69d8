"""PATCH with ETags, transitions and their timestamps, bulk actions, audit, outbox, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.conftest import MartsData, client_as

pytestmark = pytest.mark.integration


def _etag(app_client: TestClient, alert_id: str) -> str:
    answer = app_client.get(f"/api/v1/alerts/{alert_id}")
    assert answer.status_code == 200
    return answer.headers["ETag"]


def _patch(app_client: TestClient, alert_id: str, body: dict, etag: str | None):
    headers = {"If-Match": etag} if etag else {}
    return app_client.patch(f"/api/v1/alerts/{alert_id}", json=body, headers=headers)


def test_patch_needs_if_match_and_refuses_a_stale_etag(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    alert_id = marts.detail_alert_id
    etag = _etag(anon_client, alert_id)

    assert _patch(anon_client, alert_id, {"status": "acknowledged"}, None).status_code == 428
    first = _patch(anon_client, alert_id, {"status": "acknowledged"}, etag)
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] != etag
    assert first.headers["ETag"] == _etag(anon_client, alert_id)

    stale = _patch(anon_client, alert_id, {"status": "investigating"}, etag)
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["detail"]
    assert _patch(anon_client, alert_id, {"status": "resolved"}, "garbage").status_code == 412


def test_transitions_are_enforced_and_each_records_its_time(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    alert_id = marts.alerts[1]["alert_id"]

    steps = ["acknowledged", "investigating", "resolved"]
    for status in steps:
        answer = _patch(anon_client, alert_id, {"status": status}, _etag(anon_client, alert_id))
        assert answer.status_code == 200, answer.text
    state = answer.json()
    assert state["status"] == "resolved" and state["version"] == 3
    times = [state[f"{status}_at"] for status in steps]
    assert all(times) and times == sorted(times)
    assert sorted(state["allowed_transitions"]) == ["investigating", "new"]

    refused = _patch(anon_client, alert_id, {"status": "acknowledged"}, state["etag"])
    assert refused.status_code == 409
    assert "allowed: investigating, new" in refused.json()["detail"]
    listed = anon_client.get("/api/v1/alerts", params={"limit": 500}).json()["items"]
    assert {item["alert_id"]: item["triage_status"] for item in listed}[alert_id] == "resolved"


def test_suppression_needs_a_reason_and_a_future_expiry(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    alert_id = marts.alerts[2]["alert_id"]
    etag = _etag(anon_client, alert_id)
    future = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()

    for body in (
        {"status": "suppressed", "suppressed_until": future},
        {"status": "suppressed", "reason": "accepted risk"},
        {"status": "suppressed", "reason": "accepted risk", "suppressed_until": past},
        {"status": "closed"},
        {"status": "new", "unknown": 1},
    ):
        assert _patch(anon_client, alert_id, body, etag).status_code == 422, body

    done = _patch(
        anon_client,
        alert_id,
        {"status": "suppressed", "reason": "accepted risk", "suppressed_until": future},
        etag,
    )
    assert done.status_code == 200
    assert done.json()["suppressed_reason"] == "accepted risk"


def test_assignment_takes_engineers_only(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    alert_id = marts.alerts[3]["alert_id"]

    to_viewer = _patch(
        anon_client, alert_id, {"assignee": "test-viewer"}, _etag(anon_client, alert_id)
    )
    assert to_viewer.status_code == 422
    assigned = _patch(
        anon_client, alert_id, {"assignee": "test-engineer"}, _etag(anon_client, alert_id)
    )
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "test-engineer"
    unassigned = _patch(anon_client, alert_id, {"assignee": None}, assigned.headers["ETag"])
    assert unassigned.json()["assignee"] is None


def test_unknown_alert_is_404(anon_client: TestClient, marts: MartsData) -> None:
    client_as(anon_client, "engineer")
    assert (
        _patch(anon_client, "no-such-alert", {"status": "acknowledged"}, '"v0"').status_code == 404
    )


def test_bulk_applies_to_each_alert_on_its_own(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    ids = [alert["alert_id"] for alert in marts.alerts[4:7]]
    first = ids[0]
    _patch(anon_client, first, {"status": "resolved"}, _etag(anon_client, first))

    answer = anon_client.post(
        "/api/v1/alerts/bulk",
        json={
            "alert_ids": [*ids, "missing-alert"],
            "status": "acknowledged",
            "assignee": "test-admin",
        },
    )
    assert answer.status_code == 200
    result = answer.json()
    assert (result["succeeded"], result["failed"]) == (2, 2)
    outcome = {item["alert_id"]: item for item in result["items"]}
    assert "cannot move" in outcome[first]["error"]
    assert "not found" in outcome["missing-alert"]["error"]
    assert outcome[ids[1]]["state"]["status"] == "acknowledged"
    # The failed alert kept its state: a savepoint rolled back only its part.
    assert anon_client.get(f"/api/v1/alerts/{first}").headers["ETag"] == '"v1"'


def test_changes_are_audited_queued_for_write_back_and_on_the_timeline(
    anon_client: TestClient, marts: MartsData, clean_app: Engine, engine: Engine
) -> None:
    client_as(anon_client, "engineer")
    alert_id = marts.detail_alert_id
    _patch(
        anon_client,
        alert_id,
        {"status": "investigating", "reason": "looking"},
        _etag(anon_client, alert_id),
    )
    _patch(anon_client, alert_id, {"status": "false_positive"}, _etag(anon_client, alert_id))

    with engine.connect() as db:
        outbox = db.execute(
            sa.text(
                "select finding_id, workflow_status, state, note from app.writeback_outbox "
                "order by outbox_id"
            )
        ).all()
    # One row per finding per change; the first change's rows were superseded by the second.
    assert [(row.workflow_status, row.state) for row in outbox] == [
        ("NOTIFIED", "superseded"),
        ("NOTIFIED", "superseded"),
        ("RESOLVED", "pending"),
        ("RESOLVED", "pending"),
    ]
    assert {row.finding_id for row in outbox} == {f["finding_id"] for f in marts.findings}
    assert all(len(row.note) <= 512 and f"triage_alert_id={alert_id}" in row.note for row in outbox)

    client_as(anon_client, "admin")
    audit = anon_client.get(
        "/api/v1/audit", params={"object_id": alert_id, "action": "alert.update"}
    ).json()
    assert audit["total"] == 2
    newest = audit["items"][0]
    assert newest["actor_name"] == "test-engineer"
    assert (
        newest["before"]["status"] == "investigating"
        and newest["after"]["status"] == "false_positive"
    )
    assert newest["request_id"] and newest["client_address"]

    timeline = anon_client.get(f"/api/v1/alerts/{alert_id}/timeline").json()["items"]
    kinds = [item["kind"] for item in timeline]
    assert kinds.count("status_changed") == 2
    assert kinds.count("finding_version") == 2  # the two raw versions of the finding
    assert [item["at"] for item in timeline] == sorted(
        (item["at"] for item in timeline), reverse=True
    )
    assert {item["source"] for item in timeline} == {"triage", "securityhub"}

    page = anon_client.get(f"/api/v1/alerts/{alert_id}/timeline", params={"limit": 3}).json()
    rest = anon_client.get(
        f"/api/v1/alerts/{alert_id}/timeline", params={"limit": 3, "cursor": page["next_cursor"]}
    ).json()
    assert page["items"] + rest["items"] == timeline


def test_list_filters_on_triage_status_and_assignee(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    client_as(anon_client, "engineer")
    acknowledged, resolved, assigned = (marts.alerts[i]["alert_id"] for i in (3, 4, 5))
    for alert_id, body in (
        (acknowledged, {"status": "acknowledged"}),
        (resolved, {"status": "resolved", "assignee": "test-admin"}),
        (assigned, {"assignee": "test-engineer"}),
    ):
        answer = _patch(anon_client, alert_id, body, _etag(anon_client, alert_id))
        assert answer.status_code == 200, answer.text

    def listed(**params) -> set[str]:
        answer = anon_client.get("/api/v1/alerts", params={"limit": 500, **params})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["total"] == len(body["items"])
        return {item["alert_id"] for item in body["items"]}

    everything = listed()
    assert len(everything) == len(marts.alerts)
    assert listed(triage_status="ACKNOWLEDGED") == {acknowledged}
    assert listed(triage_status=["acknowledged", "resolved"]) == {acknowledged, resolved}
    # An alert nobody touched is new, and so is one that was only assigned.
    assert listed(triage_status="new") == everything - {acknowledged, resolved}
    assert listed(triage_status=["new", "resolved"]) == everything - {acknowledged}

    assert listed(assignee="me") == {assigned}
    assert listed(assignee="test-admin") == {resolved}
    assert listed(assignee=["me", "test-admin"]) == {assigned, resolved}
    assert listed(assignee="none") == everything - {assigned, resolved}
    assert listed(assignee=["none", "me"]) == everything - {resolved}
    assert listed(assignee="me", triage_status="resolved") == set()

    grouped = anon_client.get(
        "/api/v1/alerts", params={"view": "grouped", "triage_status": "acknowledged"}
    )
    assert grouped.status_code == 200, grouped.text
    items = grouped.json()["items"]
    assert [(item["kind"], item["alert"]["alert_id"]) for item in items] == [
        ("alert", acknowledged)
    ]
    summary = anon_client.get("/api/v1/alerts/summary", params={"assignee": "none"}).json()
    assert summary["total"] == len(everything) - 2

    wrong = anon_client.get("/api/v1/alerts", params={"triage_status": "closed"})
    assert wrong.status_code == 422
    assert "unknown triage_status 'closed'" in wrong.json()["detail"]

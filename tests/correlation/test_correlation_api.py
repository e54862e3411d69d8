"""The correlation end to end: dbt pairs, Dagster assets, marts, API; edits survive rebuilds."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import PASSWORDS, bearer_for, create_test_users
from tests.correlation.conftest import BuiltEstate, dagster_correlation, full_rebuild
from triage.transform import run_dbt

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(built: BuiltEstate, api_settings) -> Iterator[TestClient]:
    """Signed in as the admin: these tests write grouping rules and edits as well as read."""
    create_test_users(built.engine)
    with TestClient(create_app(engine=built.engine, settings=api_settings)) as test_client:
        test_client.headers.update(bearer_for(test_client, "admin"))
        yield test_client


def _all(client: TestClient, path: str, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {"limit": 7, **params, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=query).json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def _membership(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                sa.text("select alert_id, alert_group_id from marts.fct_alert_group_members")
            ).all()
        )


def test_groups_list_pages_through_every_group_in_queue_order(client, built):
    groups = _all(client, "/api/v1/alert-groups")
    with built.engine.connect() as conn:
        total = conn.execute(sa.text("select count(*) from marts.fct_alert_groups")).scalar_one()
    assert len(groups) == total > 5
    assert len({g["id"] for g in groups}) == total
    scores = [g["severity_score"] for g in groups]
    assert scores == sorted(scores, reverse=True)
    assert all(g["count_accounts"] == 1 for g in groups), "no rule allows cross-account groups"


def test_group_detail_says_why_each_member_is_there(client):
    first = client.get("/api/v1/alert-groups", params={"limit": 50}).json()["items"]
    cve_group = next(g for g in first if g["title"].startswith("CVE-"))
    detail = client.get(f"/api/v1/alert-groups/{cve_group['id']}").json()
    members = detail["members"]
    assert len(members) == detail["count_members"] >= 2
    assert members[0]["is_parent"] and members[0]["alert_id"] == detail["parent_alert_id"]
    ids = {m["alert_id"] for m in members}
    for member in members:
        assert member["linked_alert_id"] in ids - {member["alert_id"]}
        assert member["score"] is not None and member["blocks"], member
        assert abs(sum(member["score_parts"].values()) - member["score"]) < 1e-3
        assert member["score_parts"]["pattern"] > 0  # the shared CVE
    assert client.get("/api/v1/alert-groups/ag_missing").status_code == 404


def test_grouped_view_lists_groups_and_ungrouped_alerts_once(client, built):
    items = _all(client, "/api/v1/alerts", view="grouped")
    with built.engine.connect() as conn:
        alerts = conn.execute(sa.text("select count(*) from marts.fct_alerts")).scalar_one()
        grouped = conn.execute(
            sa.text("select count(*) from marts.fct_alert_group_members")
        ).scalar_one()
        groups = conn.execute(sa.text("select count(*) from marts.fct_alert_groups")).scalar_one()
    assert len(items) == groups + alerts - grouped
    assert len({(i["kind"], i["id"]) for i in items}) == len(items)
    assert {i["kind"] for i in items} == {"group", "alert"}
    assert sum(i["count_alerts"] for i in items) == alerts
    first = client.get("/api/v1/alerts", params={"view": "grouped", "limit": 3}).json()
    assert first["total"] == len(items)
    account = next(i for i in items if i["kind"] == "group")["group"]["aws_account_ids"][0]
    narrowed = _all(client, "/api/v1/alerts", view="grouped", account=account)
    assert narrowed and all(
        (i["group"]["aws_account_ids"] if i["kind"] == "group" else [i["alert"]["aws_account_id"]])
        == [account]
        for i in narrowed
    )
    assert client.get("/api/v1/alerts", params={"view": "nested"}).status_code == 422


def test_similar_alerts_explain_their_scores(client, built):
    membership = _membership(built.engine)
    alert_id, group_id = next(iter(sorted(membership.items())))
    body = client.get(f"/api/v1/alerts/{alert_id}/similar", params={"limit": 5}).json()
    assert body["alert_id"] == alert_id and 1 <= len(body["items"]) <= 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(abs(sum(i["score_parts"].values()) - i["score"]) < 1e-3 for i in body["items"])
    assert any(i["alert_group_id"] == group_id for i in body["items"])
    assert client.get("/api/v1/alerts/nope/similar").status_code == 404


def test_grouping_rule_crud_and_validation(client):
    bad = client.post(
        "/api/v1/grouping-rules",
        json={"name": "x", "kind": "never_together", "field": "finding_type", "values": ["a"]},
    )
    assert bad.status_code == 422 and "two different values" in bad.json()["detail"]
    unknown = client.post(
        "/api/v1/grouping-rules", json={"name": "x", "kind": "group_by_field", "field": "colour"}
    )
    assert unknown.status_code == 422
    made = client.post(
        "/api/v1/grouping-rules",
        json={"name": "same control", "kind": "group_by_field", "field": "security_control_id"},
    )
    assert made.status_code == 201
    rule_id = made.json()["id"]
    assert client.get(f"/api/v1/grouping-rules/{rule_id}").json()["name"] == "same control"
    patched = client.patch(f"/api/v1/grouping-rules/{rule_id}", json={"is_enabled": False})
    assert patched.json()["is_enabled"] is False
    bad_patch = client.patch(f"/api/v1/grouping-rules/{rule_id}", json={"values": ["a", "b"]})
    assert bad_patch.status_code == 422
    assert client.delete(f"/api/v1/grouping-rules/{rule_id}").status_code == 204
    assert client.get(f"/api/v1/grouping-rules/{rule_id}").status_code == 404
    assert client.get("/api/v1/grouping-rules").json()["total"] == 0


@pytest.mark.browser
def test_queue_page_groups_alerts_and_shows_why(client, built):
    from tests.dashboards.test_queue_browser import (
        ARTIFACTS,
        CHROMIUM,
        CHROMIUM_ARGS,
        TIMEOUT_MS,
        _free_port,
        _serve_dashboard,
        _sign_in,
        _start,
        _stop,
        _wait_until_ready,
    )

    port = _free_port()
    api = _start(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning"],
        {**os.environ, "DATABASE_URL": built.url},
    )
    api_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(f"{api_url}/openapi.json", api)
        first = client.get("/api/v1/alerts", params={"view": "grouped", "limit": 25}).json()
        top_group = next(i for i in first["items"] if i["kind"] == "group")
        detail = client.get(f"/api/v1/alert-groups/{top_group['id']}").json()
        from playwright.sync_api import sync_playwright

        with _serve_dashboard(api_url) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.goto(url, timeout=TIMEOUT_MS)
            _sign_in(page, password=PASSWORDS["admin"], username="test-admin")
            page.locator("tr.alert-row").first.wait_for(timeout=TIMEOUT_MS)
            page.get_by_role("button", name="Group related alerts").click()
            summary = page.locator(f'details.group[data-group-id="{top_group["id"]}"] > summary')
            summary.wait_for(timeout=TIMEOUT_MS)
            assert top_group["title"][:40] in summary.inner_text()
            summary.click()
            rows = page.locator(f'details.group[data-group-id="{top_group["id"]}"] tr.member-row')
            rows.first.wait_for(timeout=TIMEOUT_MS)
            assert rows.count() == len(detail["members"])
            assert "parent" in rows.first.inner_text()
            why = rows.nth(1).inner_text()
            assert "score" in why and any(b in why for b in detail["members"][1]["blocks"])
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "queue-grouped.png"), full_page=True)
            browser.close()
    finally:
        _stop(api)


def _products_by_group(engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select member.alert_group_id, alert.product_name "
                "from marts.fct_alert_group_members as member "
                "inner join marts.fct_alerts as alert on alert.alert_id = member.alert_id"
            )
        ).all()
    out: dict[str, set[str]] = {}
    for group_id, product in rows:
        out.setdefault(group_id, set()).add(product)
    return out


def test_merge_split_and_rule_hold_after_full_rebuild(client, built):
    groups = _all(client, "/api/v1/alert-groups")
    details = {g["id"]: client.get(f"/api/v1/alert-groups/{g['id']}").json() for g in groups}
    products = _products_by_group(built.engine)
    assert any({"Macie", "GuardDuty"} <= p for p in products.values()), "needs a mixed chain"

    # split: one member out of a large CVE group
    cve = max(
        (d for d in details.values() if d["title"].startswith("CVE-")),
        key=lambda d: d["count_members"],
    )
    leaving = cve["members"][-1]["alert_id"]
    split = client.post(f"/api/v1/alert-groups/{cve['id']}/split", json={"alert_ids": [leaving]})
    assert split.status_code == 202 and split.json()["kind"] == "split"
    stranger = client.post(
        f"/api/v1/alert-groups/{cve['id']}/split", json={"alert_ids": ["not-a-member"]}
    )
    assert stranger.status_code == 422

    # merge: two groups of one account that share nothing (neither is the split one)
    candidates = [
        d for d in details.values() if d["id"] != cve["id"] and not {"Macie"} & products[d["id"]]
    ]
    by_account: dict[str, list[dict]] = {}
    for d in candidates:
        by_account.setdefault(d["aws_account_ids"][0], []).append(d)
    pair = next(
        sorted(v, key=lambda d: -d["count_members"])[:2] for v in by_account.values() if len(v) >= 2
    )
    big, small = pair
    merge = client.post(
        f"/api/v1/alert-groups/{big['id']}/merge", json={"group_ids": [small["id"]]}
    )
    assert merge.status_code == 202
    assert client.post(f"/api/v1/alert-groups/{big['id']}/merge", json={}).status_code == 422

    # rule: Macie findings never grouped with GuardDuty findings
    rule = client.post(
        "/api/v1/grouping-rules",
        json={
            "name": "Macie apart",
            "kind": "never_together",
            "field": "product_name",
            "values": ["Macie", "GuardDuty"],
        },
    )
    assert rule.status_code == 201

    full_rebuild(built.url)
    membership = _membership(built.engine)

    rest = [m["alert_id"] for m in cve["members"] if m["alert_id"] != leaving]
    assert {membership[a] for a in rest} == {cve["id"]}, "the rest keeps the group and its id"
    assert membership.get(leaving) != cve["id"]

    merged = [m["alert_id"] for m in big["members"] + small["members"]]
    assert {membership.get(a) for a in merged} == {big["id"]}, "merged under the larger's id"
    detail = client.get(f"/api/v1/alert-groups/{big['id']}").json()
    assert any("manual merge" in r for m in detail["members"] for r in m["reasons"])

    assert not any({"Macie", "GuardDuty"} <= p for p in _products_by_group(built.engine).values())
    with built.engine.connect() as conn:
        edits = conn.execute(sa.text("select count(*) from app.alert_group_edits")).scalar_one()
    assert edits == 2

    # another rerun of the correlation changes nothing: ids and membership are stable
    dagster_correlation(built.url)
    run_dbt(["build", "--quiet", "--select", "tag:correlation_marts"], database_url=built.url)
    assert _membership(built.engine) == membership

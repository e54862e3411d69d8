"""The grouped queue in the Panel views (no browser): the toggle, the groups and the why."""

from __future__ import annotations

import re

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import AlertDataStore
from dashboards.triage.app import TriageApp
from dashboards.triage.groups import grouped_table, why_text


def _group(group_id: str, members: list[dict]) -> tuple[dict, dict]:
    item = {
        "kind": "group",
        "id": group_id,
        "title": "CVE-2024-3094 on 3 resources in 111111111111 (3 alerts)",
        "severity_label": "CRITICAL",
        "severity_score": 90,
        "workflow_status": "NEW",
        "count_alerts": len(members),
        "last_seen_at": "2024-04-03T08:00:00+00:00",
        "group": {"aws_account_ids": ["111111111111"]},
    }
    return item, {"id": group_id, "members": members}


MEMBERS = [
    {
        "alert_id": "a1",
        "is_parent": True,
        "title": "<b>CVE</b>",
        "severity_label": "CRITICAL",
        "score": None,
        "score_parts": {},
        "blocks": [],
        "reasons": [],
    },
    {
        "alert_id": "a2",
        "is_parent": False,
        "title": "CVE",
        "severity_label": "HIGH",
        "linked_alert_id": "a1",
        "score": 0.71,
        "score_parts": {"text": 0.2, "pattern": 0.3, "account": 0.21, "entity": 0.0},
        "blocks": ["cve", "pattern"],
        "reasons": ["similarity 0.71"],
    },
]


def test_why_lists_parts_by_weight_blocks_and_reasons():
    text = why_text(MEMBERS[1])
    assert "score 0.71" in text
    assert text.index("pattern 0.30") < text.index("account 0.21") < text.index("text 0.20")
    assert "entity" not in text  # a zero part says nothing
    assert '<span class="block">cve</span>' in text and "similarity 0.71" in text
    assert "parent" in why_text(MEMBERS[0])


def test_grouped_table_mixes_groups_and_plain_alert_rows_and_escapes_text():
    item, detail = _group("ag_1", MEMBERS)
    alone = {"kind": "alert", "id": "b" * 32, "alert": {"alert_id": "b" * 32, "title": "x"}}
    html = grouped_table([item, alone], {"ag_1": detail})
    assert html.index('data-group-id="ag_1"') < html.index(f'data-alert-id="{"b" * 32}"')
    assert len(re.findall(r'class="member-row"', html)) == 2
    assert "&lt;b&gt;CVE&lt;/b&gt;" in html and "<b>CVE</b>" not in html
    assert "Members could not be loaded" in grouped_table([item], {})


def test_toggle_asks_the_api_for_the_grouped_view_and_loads_each_group(fake_api):
    base_url, api = fake_api
    item, detail = _group("ag_1", MEMBERS)
    original = api.answer

    def answer(path, query):
        if path == "/api/v1/alerts" and query.get("view") == ["grouped"]:
            api.requests.append((path, query))
            return 200, {"items": [item], "total": 1, "next_cursor": None}
        if path == "/api/v1/alert-groups/ag_1":
            api.requests.append((path, query))
            return 200, detail
        return original(path, query)

    api.answer = answer
    store = AlertDataStore(client=TriageApiClient(base_url), page_size=10)
    page = TriageApp(store=store)
    store.load()
    assert "data-group-id" not in page.queue.table.object
    page.grouped.value = True
    assert store.grouped and api.requests_to("/api/v1/alert-groups/ag_1")
    assert api.requests_to("/api/v1/alerts")[-1]["view"] == ["grouped"]
    assert 'data-group-id="ag_1"' in page.queue.table.object
    assert page.queue.table.object.count("member-row") == 2

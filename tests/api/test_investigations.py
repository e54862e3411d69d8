"""Notes with versions and sanitised rendering, and checklists matched to the alert type."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.conftest import MartsData, client_as
from triage.workflow.checklist_templates import match_template
from triage.workflow.markdown import render_markdown

pytestmark = pytest.mark.integration

ATTACKS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://example.com></iframe>",
    '<svg onload="alert(1)"></svg>',
    "[x](JaVaScRiPt:alert(1))",
)


class _Elements(HTMLParser):
    """Collect the tags and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


@pytest.mark.parametrize("attack", ATTACKS)
def test_rendering_removes_script_injection(attack: str) -> None:
    html = render_markdown(f"before {attack} after")

    elements = _Elements()
    elements.feed(html)
    assert not {"script", "img", "iframe", "svg"} & set(elements.tags), html
    for name, value in elements.attributes:
        assert not name.startswith("on"), html
        assert not (value or "").strip().lower().startswith("javascript:"), html
    assert "before" in html and "after" in html


def test_rendering_keeps_markdown() -> None:
    html = render_markdown("**bold** and `code`\n\n- item\n\n[docs](https://example.com)")

    assert (
        "<strong>bold</strong>" in html and "<code>code</code>" in html and "<li>item</li>" in html
    )
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_notes_keep_every_version_and_only_authors_edit(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    alert_id = marts.detail_alert_id
    client_as(anon_client, "engineer")
    created = anon_client.post(f"/api/v1/alerts/{alert_id}/notes", json={"body": "first *draft*"})
    assert created.status_code == 201
    note = created.json()
    assert note["version"] == 1 and "<em>draft</em>" in note["html"]
    edited = anon_client.patch(
        f"/api/v1/alerts/{alert_id}/notes/{note['note_id']}",
        json={"body": "second <script>x</script>"},
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert "<script" not in edited.json()["html"]

    client_as(anon_client, "admin")
    versions = anon_client.get(f"/api/v1/alerts/{alert_id}/notes/{note['note_id']}/versions").json()
    assert [v["body"] for v in versions["items"]] == ["first *draft*", "second <script>x</script>"]
    assert {v["edited_by"] for v in versions["items"]} == {"test-engineer"}

    client_as(anon_client, "viewer")
    assert anon_client.get(f"/api/v1/alerts/{alert_id}/notes").json()["total"] == 1
    client_as(anon_client, "engineer")
    assert (
        anon_client.post(f"/api/v1/alerts/{alert_id}/notes", json={"body": "  "}).status_code == 422
    )
    assert anon_client.post("/api/v1/alerts/missing/notes", json={"body": "x"}).status_code == 404

    # Another engineer may not edit someone else's note; an admin may.
    anon_client.post(f"/api/v1/alerts/{alert_id}/notes", json={"body": "mine"})
    client_as(anon_client, "admin")
    admin_note = anon_client.post(
        f"/api/v1/alerts/{alert_id}/notes", json={"body": "admin's"}
    ).json()
    client_as(anon_client, "engineer")
    refused = anon_client.patch(
        f"/api/v1/alerts/{alert_id}/notes/{admin_note['note_id']}", json={"body": "changed"}
    )
    assert refused.status_code == 403


def test_checklist_matches_the_alert_and_tracks_progress(
    anon_client: TestClient, marts: MartsData, clean_app: Engine
) -> None:
    alert = next(a for a in marts.alerts if a["security_control_id"] == "S3.1")
    client_as(anon_client, "engineer")
    checklist = anon_client.get(f"/api/v1/alerts/{alert['alert_id']}/checklist").json()
    assert checklist["template_id"] == "s3-public-bucket"
    assert checklist["count_done"] == 0 and checklist["count_steps"] == 5

    ticked = anon_client.put(
        f"/api/v1/alerts/{alert['alert_id']}/checklist/steps/step-2", json={"is_done": True}
    ).json()
    assert ticked["count_done"] == 1
    step = next(s for s in ticked["steps"] if s["step_id"] == "step-2")
    assert step["is_done"] and step["updated_by"] == "test-engineer"
    missing = anon_client.put(
        f"/api/v1/alerts/{alert['alert_id']}/checklist/steps/step-99", json={"is_done": True}
    )
    assert missing.status_code == 404
    timeline = anon_client.get(f"/api/v1/alerts/{alert['alert_id']}/timeline").json()["items"]
    human = [item for item in timeline if item["source"] == "triage"]
    assert [item["kind"] for item in human] == ["checklist_step"]
    assert human[0]["actor"] == "test-engineer" and "step done" in human[0]["summary"]


@pytest.mark.parametrize(
    ("control", "types", "product", "expected"),
    [
        ("S3.8", [], "Security Hub", "s3-public-bucket"),
        ("IAM.4", [], "Security Hub", "iam-key-exposure"),
        ("EC2.19", [], "Security Hub", "open-security-group"),
        (
            None,
            ["TTPs/Initial Access/UnauthorizedAccess:IAMUser-ConsoleLogin"],
            "GuardDuty",
            "guardduty-credential-misuse",
        ),
        (
            None,
            ["Software and Configuration Checks/Vulnerabilities/CVE"],
            "Inspector",
            "package-cve",
        ),
        (None, [], "GuardDuty", "guardduty-credential-misuse"),
        ("Lambda.1", ["Other"], "Security Hub", "generic"),
    ],
)
def test_templates_match_control_then_type_then_product(
    control: str | None, types: list[str], product: str, expected: str
) -> None:
    found = match_template(security_control_id=control, types=types, product_name=product)

    assert found.template_id == expected

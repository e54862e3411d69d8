"""The alert detail panel against the local test double of the API (no browser)."""

from __future__ import annotations

import pytest

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import AlertDataStore
from dashboards.common.detail_store import AlertDetailStore, clear_detail_caches
from dashboards.triage.app import TriageApp
from dashboards.triage.detail import AlertDetailView
from dashboards.triage.detail_markup import alert_detail


@pytest.fixture()
def app(fake_api):
    """A loaded page over the fake API."""
    base_url, _api = fake_api
    clear_detail_caches()
    store = AlertDataStore(client=TriageApiClient(base_url), page_size=10)
    page = TriageApp(store=store)
    store.load()
    yield page
    clear_detail_caches()


def test_clicking_a_row_opens_the_detail_with_context_change_and_timeline(app, fake_api):
    _base_url, api = fake_api
    alert = api.alerts[3]
    detail = app.detail
    assert not app.detail_store.alert_id and detail.body.object == ""

    # What the page's click listener reports when the row is clicked.
    detail.bridge.selected = alert["alert_id"]

    html = detail.body.object
    assert api.requests_to(f"/api/v1/alerts/{alert['alert_id']}") == [{}]
    assert api.requests_to(f"/api/v1/alerts/{alert['alert_id']}/timeline") == [{"limit": ["20"]}]
    number = int(alert["alert_id"], 16)
    for text in (
        alert["title"],
        alert["aws_account_id"],
        alert["region"],
        alert["resource_id"],
        f"owner-{number:02d}",
        "payments",
        "production",
        "restricted",
        "public",
        f"deployer-{number:02d}",
        "2024-03-30 08:00 UTC",
        "aws_config",
        "status_changed",
        "UPDATE bucket: PublicAccessBlock",
        "Older entries not shown.",
    ):
        assert text in html, text
    assert "87" in html and "data sensitivity 25" in html
    # The changed attribute, before and after, with the "<off>" value escaped.
    assert "<code>PublicAccessBlock</code>: true → &lt;off&gt;" in html
    assert "<off>" not in html
    assert html.count('class="timeline-item"') == 2


def test_close_hides_the_detail_and_the_same_row_opens_it_again(app, fake_api):
    _base_url, api = fake_api
    alert_id = api.alerts[0]["alert_id"]
    app.detail.bridge.selected = alert_id
    assert app.detail_store.alert_id == alert_id

    app.detail.close.clicks += 1

    assert app.detail_store.alert_id == "" and app.detail.body.object == ""
    assert app.detail.bridge.selected == ""
    app.detail.bridge.selected = alert_id
    assert alert_id in app.detail.body.object


def test_detail_is_read_with_the_signed_in_users_token(app):
    assert app.detail_store.client is app.store.client


def test_unknown_alert_shows_an_error_not_a_traceback(fake_api):
    base_url, _api = fake_api
    clear_detail_caches()
    store = AlertDetailStore(client=TriageApiClient(base_url))
    view = AlertDetailView(store=store)

    store.select("no-such-alert")

    assert view.error.visible and "HTTP 404" in view.error.object
    assert "Traceback" not in view.error.object
    assert view.body.object == ""


def test_every_value_is_escaped():
    hostile = "<script>alert(1)</script>"
    alert = {
        "alert_id": '"><img src=x>',
        "title": hostile,
        "severity_label": "HIGH",
        "aws_account_id": hostile,
        "region": hostile,
        "resource_type": hostile,
        "resource_id": hostile,
        "context": {"owner": hostile, "classification": hostile, "unknown_facts": [hostile]},
        "impact": {"score": hostile, "parts": {"severity": hostile}},
        "last_change": {
            "actor": hostile,
            "at": hostile,
            "source": hostile,
            "change": {"changed_attributes": [{"attribute": hostile, "before": {"k": hostile}}]},
        },
    }
    timeline = [{"at": hostile, "kind": hostile, "source": hostile, "actor": hostile}]

    html = alert_detail(alert, timeline)

    assert "<script>" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 14


def test_missing_context_and_change_say_so():
    html = alert_detail({"alert_id": "a1", "title": "t"}, [])

    assert "No resource context known." in html
    assert "No change recorded before the alert." in html
    assert "Nothing on the timeline yet." in html


def test_a_changed_object_is_shown_one_field_per_line() -> None:
    alert = {
        "alert_id": "a1",
        "title": "bucket",
        "last_change": {
            "actor": "alice",
            "change": {
                "changed_attributes": [
                    {
                        "attribute": "PublicAccessBlockConfiguration",
                        "before": {"blockPublicAcls": True, "ignorePublicAcls": True},
                        "after": {"blockPublicAcls": False, "ignorePublicAcls": True},
                    }
                ]
            },
        },
    }

    html = alert_detail(alert, [], False)

    assert "<code>PublicAccessBlockConfiguration.blockPublicAcls</code>: true → false" in html
    # A field that did not change is not listed.
    assert "ignorePublicAcls" not in html

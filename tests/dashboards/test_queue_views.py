"""The triage queue views against a local test double of the alerts API (no browser)."""

from __future__ import annotations

import re
import socket
from collections import Counter

import pytest

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import AlertDataStore, AlertFilters
from dashboards.serve import allowed_origins
from dashboards.triage.app import TriageApp, create_app
from dashboards.triage.markup import EMPTY_MESSAGE
from dashboards.triage.views import AlertFiltersView, AlertQueueView, SeverityCardsView

ALERTS = "/api/v1/alerts"
SUMMARY = "/api/v1/alerts/summary"


def _rows(view: AlertQueueView) -> list[str]:
    """Return the alert ids rendered in the table, in order."""
    return re.findall(r'data-alert-id="([0-9a-f]+)"', view.table.object or "")


def _card_counts(view: SeverityCardsView) -> dict[str, int]:
    """Return the count shown on each severity card."""
    found = re.findall(
        r'data-severity="(\w+)".*?<div class="count">([\d,]+)</div>', view.cards.object
    )
    return {label: int(count.replace(",", "")) for label, count in found}


@pytest.fixture()
def app(fake_api):
    """A loaded page over the fake API, with 10 alerts per page."""
    base_url, _api = fake_api
    store = AlertDataStore(client=TriageApiClient(base_url), page_size=10)
    page = TriageApp(store=store)
    store.load()
    return page


def test_first_load_renders_cards_rows_and_range(app, fake_api):
    _base_url, api = fake_api

    expected = Counter(alert["severity_label"] for alert in api.alerts)
    assert _card_counts(app.cards) == dict(expected)
    assert sum(expected.values()) == 30 and len(expected) == 5
    rows = _rows(app.queue)
    assert rows == [alert["alert_id"] for alert in api.alerts[:10]]
    assert "CRITICAL" in app.queue.table.object.split("</tr>")[1]
    assert "Showing **1–10** of **30**" in app.queue.range_text.object
    assert app.queue.previous.disabled and not app.queue.next.disabled
    assert api.requests_to(ALERTS)[-1] == {"limit": ["10"]}
    assert not app.queue.error.visible


def test_filters_change_request_params_and_rows(app, fake_api):
    _base_url, api = fake_api
    filters = app.filters

    filters.severity.value = ["HIGH", "CRITICAL"]
    filters.account.value = "222222222222"
    filters.status.value = "NEW"
    filters.search.value = "bucket"

    last = api.requests_to(ALERTS)[-1]
    assert last == {
        "severity": ["HIGH", "CRITICAL"],
        "account": ["222222222222"],
        "status": ["NEW"],
        "q": ["bucket"],
        "limit": ["10"],
    }
    # The cards summarise every filter but severity, so they still show all five counts.
    assert "severity" not in api.requests_to(SUMMARY)[-1]
    expected = [
        alert["alert_id"]
        for alert in api.alerts
        if alert["severity_label"] in {"HIGH", "CRITICAL"}
        and alert["aws_account_id"] == "222222222222"
        and alert["workflow_status"] == "NEW"
    ]
    assert expected and _rows(app.queue) == expected
    assert 'class="card severity-card dimmed" data-severity="MEDIUM"' in app.cards.cards.object


def test_account_and_status_options_come_from_the_api(app):
    assert list(app.filters.account.options.values()) == [
        "",
        "111111111111",
        "222222222222",
        "333333333333",
    ]
    assert list(app.filters.status.options.values()) == [
        "",
        "NEW",
        "NOTIFIED",
        "SUPPRESSED",
        "RESOLVED",
    ]


def test_paging_moves_forward_and_back_with_a_cursor_stack(app, fake_api):
    _base_url, api = fake_api
    queue = app.queue
    first = _rows(queue)

    queue.next.clicks += 1
    second = _rows(queue)
    assert "cursor" in api.requests_to(ALERTS)[-1]
    assert second == [alert["alert_id"] for alert in api.alerts[10:20]]
    assert "Showing **11–20** of **30**" in queue.range_text.object
    assert not queue.previous.disabled

    queue.next.clicks += 1
    assert "Showing **21–30** of **30**" in queue.range_text.object
    assert queue.next.disabled

    queue.previous.clicks += 1
    queue.previous.clicks += 1
    assert _rows(queue) == first
    assert queue.previous.disabled


def test_triage_status_and_assignee_filters_reach_the_api(app, fake_api):
    _base_url, api = fake_api

    app.filters.triage_status.value = "new"
    app.filters.assignee.value = "none"

    last = api.requests_to(ALERTS)[-1]
    assert last["triage_status"] == ["new"] and last["assignee"] == ["none"]
    expected = [
        alert["alert_id"]
        for alert in api.alerts
        if alert["triage_status"] == "new" and alert["assignee"] is None
    ]
    assert expected and _rows(app.queue) == expected[:10]
    assert set(app.filters.assignee.options.values()) == {"", "me", "none"}

    app.filters.clear.clicks += 1
    assert app.filters.triage_status.value == "" and app.filters.assignee.value == ""
    # The unfiltered first page comes from the page cache, so compare the rows instead.
    assert _rows(app.queue) == [alert["alert_id"] for alert in api.alerts[:10]]


def test_filter_change_returns_to_first_page(app):
    app.queue.next.clicks += 1
    assert app.store.page_number == 2

    app.filters.severity.value = ["MEDIUM"]

    assert app.store.page_number == 1
    assert "Showing **1–9** of **9**" in app.queue.range_text.object


def test_page_size_changes_rows_per_page(app):
    app.queue.page_size.value = 25

    assert len(_rows(app.queue)) == 25
    assert "Showing **1–25** of **30**" in app.queue.range_text.object


def test_empty_state_when_nothing_matches(app):
    app.filters.search.value = "no-such-thing"

    assert _rows(app.queue) == []
    assert EMPTY_MESSAGE in app.queue.table.object
    assert app.queue.next.disabled and app.queue.previous.disabled
    assert "Showing 0 of 0" in app.queue.range_text.object


def test_clear_filters_resets_widgets_and_rows(app):
    app.filters.severity.value = ["LOW"]
    app.filters.search.value = "bucket 0"
    assert len(_rows(app.queue)) < 10

    app.filters.clear.clicks += 1

    assert app.store.filters.to_query() == ()
    assert app.filters.search.value == "" and app.filters.severity.value == []
    assert len(_rows(app.queue)) == 10


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_error_state_when_the_api_is_unreachable():
    url = f"http://127.0.0.1:{_unused_port()}"
    store = AlertDataStore(client=TriageApiClient(url, timeout=2))
    queue = AlertQueueView(store=store)
    cards = SeverityCardsView(store=store)

    store.load()

    assert queue.error.visible
    assert "Could not load alerts" in queue.error.object
    assert url in queue.error.object and "could not be reached" in queue.error.object
    assert "Traceback" not in queue.error.object
    assert queue.table.object == "" and not store.loading
    # No counts are known, so the cards show a dash rather than claiming zero alerts.
    assert re.findall(r'<div class="count">(.*?)</div>', cards.cards.object) == ["–"] * 5


def test_error_state_on_http_error_then_recovers(fake_api):
    base_url, api = fake_api
    store = AlertDataStore(client=TriageApiClient(base_url))
    queue = AlertQueueView(store=store)
    api.fail_with = 500

    store.load()
    assert queue.error.visible and "HTTP 500" in queue.error.object

    api.fail_with = None
    store.refresh()
    assert not queue.error.visible and len(_rows(queue)) == 25


def test_loading_flag_is_set_during_the_request(fake_api):
    base_url, _api = fake_api
    store = AlertDataStore(client=TriageApiClient(base_url))
    queue = AlertQueueView(store=store)
    seen: list[tuple[bool, bool]] = []
    store.param.watch(lambda event: seen.append((event.new, queue.spinner.visible)), ["loading"])

    store.load()

    assert seen == [(True, True), (False, False)]


def test_filters_view_renders_standalone(fake_api):
    base_url, _api = fake_api
    store = AlertDataStore(client=TriageApiClient(base_url), filters=AlertFilters(status="NEW"))
    view = AlertFiltersView(store=store)

    assert view.status.value == "NEW"
    assert view.__panel__() is not None


def test_create_app_reads_the_given_api_and_loads_outside_a_server(fake_api):
    base_url, _api = fake_api

    page = create_app(base_url)

    assert isinstance(page, TriageApp)
    assert page.store.client.base_url == base_url
    # Outside a server session Panel runs the onload callback at once.
    assert len(_rows(page.queue)) == 25
    assert base_url in page.header().object


def test_allowed_origins_cover_localhost_and_the_configured_host():
    assert allowed_origins(5006, ["triage.example.org", "", "localhost"]) == [
        "localhost:5006",
        "127.0.0.1:5006",
        "triage.example.org:5006",
    ]


def test_rows_show_owner_classification_and_impact_when_known():
    from dashboards.triage.markup import alert_table

    known = {
        "alert_id": "a1",
        "owner": "li.wei",
        "classification": "restricted",
        "impact_score": 82,
    }
    html = alert_table([known, {"alert_id": "a2"}])
    assert "owner li.wei · restricted · impact 82" in html
    assert html.count('class="sub context"') == 1

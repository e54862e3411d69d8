"""The triage queue in a real browser, served by Panel over the real API and marts table."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Poll `url` until it answers 200, failing early if the process dies."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"server exited with {process.returncode} before {url} answered:\n{output}")
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}: {response.text[:300]}"
        except httpx.TransportError as exc:
            last_error = repr(exc)
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer 200 within {timeout}s; last: {last_error}")


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()


ANALYST = "browser-analyst"
PASSWORD = "a-browser-test-password"


@pytest.fixture(scope="module")
def analyst(engine: Any, marts_alerts: list[dict[str, Any]]) -> Iterator[str]:
    """An engineer to sign in as (the page now asks for credentials).

    A status change reads the alert's findings (to queue the write-back), so the findings
    mart exists here too, empty.
    """
    from triage.accounts.roles import Role
    from triage.accounts.users import create_user, find_user
    from triage.audit import Actor

    with engine.begin() as db:
        if find_user(db=db, username=ANALYST) is None:
            create_user(
                db=db,
                actor=Actor.system("tests"),
                username=ANALYST,
                password=PASSWORD,
                role=Role.ENGINEER,
            )
        db.exec_driver_sql(
            "create table if not exists marts.fct_alert_findings "
            "(alert_id text, product_arn text, finding_id text)"
        )
    yield ANALYST
    with engine.begin() as db:
        db.exec_driver_sql("drop table if exists marts.fct_alert_findings")


def _sign_in(page: Any, password: str = PASSWORD, username: str = ANALYST) -> None:
    page.locator(".login-username input").wait_for(timeout=TIMEOUT_MS)
    # The form is drawn before the session's websocket is up; a click before then is lost.
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=TIMEOUT_MS)
    page.locator(".login-username input").fill(username)
    page.locator(".login-password input").fill(password)
    # Leaving the field sends its value; a click straight after typing can beat the keystrokes.
    page.locator(".login-password input").press("Tab")
    page.wait_for_timeout(300)
    page.locator(".login-submit button").click()


@pytest.fixture(scope="module")
def context_alert(
    engine: Any, marts_alerts: list[dict[str, Any]], analyst: str
) -> Iterator[dict[str, Any]]:
    """The first alert, given resource context, a Config change and a CloudTrail event.

    After `analyst`, which creates the findings mart this widens.
    """
    from tests.dashboards.context_marts import (
        create_context_marts,
        create_group,
        drop_context_marts,
    )

    alert = marts_alerts[0]
    other = next(a for a in marts_alerts[1:] if a["aws_account_id"] == alert["aws_account_id"])
    with engine.begin() as db:
        create_context_marts(db, alert)
        create_group(db, alert, other)
    yield alert
    with engine.begin() as db:
        drop_context_marts(db)


@pytest.fixture(scope="module")
def api_url(
    database_url: str,
    marts_alerts: list[dict[str, Any]],
    analyst: str,
    context_alert: dict[str, Any],
) -> Iterator[str]:
    """The real API (`uvicorn api.main:app`) on a free port over the session database."""
    port = _free_port()
    # One test user clicks through every test here within a minute; the default budget of
    # 100 requests a minute per user is tested in tests/api, not here.
    env = {**os.environ, "DATABASE_URL": database_url, "TRIAGE_RATE_LIMIT": "2000/minute"}
    process = _start(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning"],
        env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(f"{url}/openapi.json", process)
        yield url
    finally:
        _stop(process)


@contextlib.contextmanager
def _serve_dashboard(api_url: str) -> Iterator[str]:
    """Run `python -m dashboards.serve` on a free port, reading `api_url`; yield the page URL."""
    port = _free_port()
    env = {**os.environ, "TRIAGE_API_URL": api_url}
    process = _start(
        [sys.executable, "-m", "dashboards.serve", "--port", str(port)]
        + ["--address", "127.0.0.1"],
        env,
    )
    url = f"http://127.0.0.1:{port}/triage"
    try:
        _wait_until_ready(url, process)
        yield url
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def dashboard_url(api_url: str) -> Iterator[str]:
    """The Panel server on a free port, reading the real API."""
    with _serve_dashboard(api_url) as url:
        yield url


@pytest.fixture()
def page() -> Iterator[Any]:
    """A page in the OS package chromium, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1100})
        yield context.new_page()
        context.close()
        browser.close()


def _card_counts(page: Any) -> dict[str, int]:
    counts = {}
    for label in SEVERITIES:
        text = page.locator(f'.severity-card[data-severity="{label}"] .count').inner_text()
        counts[label] = int(text.replace(",", ""))
    return counts


def test_queue_shows_marts_alerts_and_filters_by_severity(
    page: Any, dashboard_url: str, marts_alerts: list[dict[str, Any]]
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    rows = page.locator("tr.alert-row")

    page.goto(dashboard_url)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, password="a-wrong-password-here")
    page.get_by_text("Could not sign in: wrong username or password").wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == 0
    page.screenshot(path=str(ARTIFACTS / "queue-login.png"), full_page=True)
    _sign_in(page)
    rows.first.wait_for(timeout=TIMEOUT_MS)

    expected_counts = Counter(alert["severity_label"] for alert in marts_alerts)
    assert _card_counts(page) == {label: expected_counts[label] for label in SEVERITIES}
    assert rows.count() == 25
    # The range text is a separate pane; it may arrive just after the rows.
    page.get_by_text("Showing 1–25 of 30").wait_for(timeout=TIMEOUT_MS)
    first_row = rows.first.inner_text()
    assert "CRITICAL" in first_row

    severity_input = page.locator(".choices").first
    severity_input.click()
    page.keyboard.type("CRITICAL")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect_rows = expected_counts["CRITICAL"]
    page.get_by_text(f"Showing 1–{expect_rows} of {expect_rows}").wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == expect_rows
    assert all("CRITICAL" in text for text in rows.all_inner_texts())
    # The cards keep their counts (they summarise every filter but severity) and dim the rest.
    assert _card_counts(page) == {label: expected_counts[label] for label in SEVERITIES}
    assert page.locator(".severity-card.dimmed").count() == 4

    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

    scripts = [url for url in requested if url.split("?")[0].endswith(".js")]
    assert scripts and all(url.startswith("http://127.0.0.1:") for url in scripts), scripts


def test_queue_updates_live_when_an_alert_changes_elsewhere(
    page: Any, dashboard_url: str, api_url: str, marts_alerts: list[dict[str, Any]]
) -> None:
    page.goto(dashboard_url)
    _sign_in(page)
    first = page.locator("tr.alert-row").first
    first.wait_for(timeout=TIMEOUT_MS)
    alert_id = first.get_attribute("data-alert-id")
    page.wait_for_timeout(1000)  # let the page's live subscription open

    token = httpx.post(
        f"{api_url}/api/v1/auth/token", data={"username": ANALYST, "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    changed = httpx.patch(
        f"{api_url}/api/v1/alerts/{alert_id}",
        headers=headers | {"If-Match": "*"},
        json={"status": "investigating", "assignee": ANALYST},
    )
    assert changed.status_code == 200, changed.text

    # No click: the change arrives over the WebSocket and the row reloads.
    row = page.locator(f'tr.alert-row[data-alert-id="{alert_id}"] .triage')
    from playwright.sync_api import expect

    expect(row).to_have_text(f"investigating · {ANALYST}", timeout=TIMEOUT_MS)
    assert row.inner_text() == f"investigating · {ANALYST}"
    page.screenshot(path=str(ARTIFACTS / "queue-live.png"), full_page=True)


def test_clicking_a_row_opens_its_detail(
    page: Any, dashboard_url: str, context_alert: dict[str, Any]
) -> None:
    from tests.dashboards.context_marts import CHANGE_ACTOR, CLASSIFICATION, OWNER

    page.goto(dashboard_url)
    _sign_in(page)
    row = page.locator(f'tr.alert-row[data-alert-id="{context_alert["alert_id"]}"]')
    row.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".detail").count() == 0

    row.click()
    detail = page.locator(f'.detail[data-alert-id="{context_alert["alert_id"]}"]')
    detail.wait_for(timeout=TIMEOUT_MS)

    assert detail.locator(".detail-title").inner_text() == context_alert["title"]
    assert detail.locator(".detail-owner").inner_text() == OWNER
    assert CLASSIFICATION in detail.inner_text()
    assert detail.locator(".detail-actor").inner_text() == CHANGE_ACTOR
    assert "PublicAccessBlock.BlockPublicAcls: true → false" in detail.inner_text()
    items = detail.locator(".timeline-item")
    assert items.count() >= 2
    timeline = " ".join(items.all_inner_texts())
    assert "config_change" in timeline and "cloudtrail_event" in timeline
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-detail.png"), full_page=True)

    page.locator(".detail-close button").click()
    detail.wait_for(state="detached", timeout=TIMEOUT_MS)

    # In the grouped queue the same alert is a member row inside its group.
    page.get_by_role("button", name="Group related alerts").click()
    group = page.locator('details.group[data-group-id="group-browser-1"]')
    group.locator("summary").click()
    member = group.locator(f'tr.member-row[data-alert-id="{context_alert["alert_id"]}"]')
    member.click(timeout=TIMEOUT_MS)
    detail.wait_for(timeout=TIMEOUT_MS)
    assert detail.locator(".detail-owner").inner_text() == OWNER
    page.screenshot(path=str(ARTIFACTS / "queue-detail-grouped.png"), full_page=True)


def test_detail_changes_status_and_assignee(
    page: Any, dashboard_url: str, api_url: str, marts_alerts: list[dict[str, Any]]
) -> None:
    from playwright.sync_api import expect

    page.goto(dashboard_url)
    _sign_in(page)
    row = page.locator("tr.alert-row").nth(5)
    row.wait_for(timeout=TIMEOUT_MS)
    alert_id = row.get_attribute("data-alert-id")
    row.click()
    state = page.locator(".triage-state")
    expect(state).to_contain_text("Triage status New", timeout=TIMEOUT_MS)
    expect(state).to_contain_text("unassigned")

    # Suppressing without a reason: the page says so before sending, nothing changes.
    expect(page.locator(".action-reason input")).to_be_visible(timeout=TIMEOUT_MS)
    page.locator(".move-suppressed button").click()
    message = page.locator(".action-message")
    expect(message).to_contain_text("needs a reason", timeout=TIMEOUT_MS)
    expect(state).to_contain_text("Triage status New")

    page.locator(".move-acknowledged button").click()
    expect(message).to_contain_text("Status is now acknowledged", timeout=TIMEOUT_MS)
    expect(state).to_contain_text("Triage status Acknowledged", timeout=TIMEOUT_MS)
    # The moves follow the new status: from acknowledged there is no "Acknowledge".
    expect(page.locator(".move-acknowledged button")).to_be_hidden(timeout=TIMEOUT_MS)
    expect(page.locator(".move-investigating button")).to_be_visible()

    page.locator(".action-assign-me button").click()
    expect(state).to_contain_text(f"assigned to {ANALYST}", timeout=TIMEOUT_MS)
    # The list shows the change at once (the store reloads after a change).
    triage_cell = page.locator(f'tr.alert-row[data-alert-id="{alert_id}"] .triage')
    expect(triage_cell).to_have_text(f"acknowledged · {ANALYST}", timeout=TIMEOUT_MS)
    # A note in Markdown: shown rendered, with the script the API's sanitiser removed.
    notes = page.locator(".alert-notes")
    expect(notes).to_contain_text("No notes yet.", timeout=TIMEOUT_MS)
    page.locator(".note-text textarea").fill(
        "Checked the **bucket policy**.<script>window.pwned = 1</script>"
    )
    page.locator(".note-text textarea").press("Tab")
    page.wait_for_timeout(300)
    page.locator(".note-add button").click()
    expect(notes.locator(".note strong")).to_have_text("bucket policy", timeout=TIMEOUT_MS)
    expect(notes.locator(".note .meta")).to_contain_text(ANALYST)
    assert notes.locator(".note script").count() == 0
    assert page.evaluate("() => window.pwned") is None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-detail-actions.png"), full_page=True)

    token = httpx.post(
        f"{api_url}/api/v1/auth/token", data={"username": ANALYST, "password": PASSWORD}
    ).json()["access_token"]
    answer = httpx.get(
        f"{api_url}/api/v1/alerts/{alert_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.json()["triage_status"] == "acknowledged"
    assert answer.json()["assignee"] == ANALYST


def test_a_change_over_a_stale_read_is_refused_and_the_alert_reloaded(
    api_url: str, marts_alerts: list[dict[str, Any]]
) -> None:
    from dashboards.common.api_client import TriageApiClient
    from dashboards.common.detail_store import AlertDetailStore, clear_detail_caches

    alert_id = marts_alerts[-1]["alert_id"]
    clear_detail_caches()
    with (
        contextlib.closing(TriageApiClient(api_url)) as mine,
        contextlib.closing(TriageApiClient(api_url)) as other,
    ):
        store = AlertDetailStore(client=mine, can_edit=True)
        mine.sign_in(ANALYST, PASSWORD)
        store.select(alert_id)
        assert store.alert["triage_status"] == "new" and store.alert["etag"]

        # Someone else moves the alert after this panel read it.
        other.sign_in(ANALYST, PASSWORD)
        etag = other.get_alert(alert_id)["etag"]
        other.update_alert(alert_id, {"status": "investigating"}, etag)

        assert store.set_status("resolved") is False
        assert "Someone changed this alert" in store.action_error
        assert store.alert["triage_status"] == "investigating"
        # With the fresh read the change goes through.
        assert store.set_status("resolved") is True
        assert store.alert["triage_status"] == "resolved"
        # A refusal is shown in the API's words, without the HTTP details.
        assert store.set_status("acknowledged") is False
        assert store.action_error.startswith("Not changed: ")
        assert "allowed: investigating, new" in store.action_error
        assert "HTTP" not in store.action_error
    clear_detail_caches()


def test_queue_explains_an_unreachable_api(page: Any) -> None:
    dead_api = f"http://127.0.0.1:{_free_port()}"

    with _serve_dashboard(dead_api) as url:
        page.goto(url)
        _sign_in(page)
        message = page.get_by_text("Could not sign in:")
        message.wait_for(timeout=TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "queue-api-down.png"), full_page=True)
        alert_text = message.inner_text()

        assert dead_api in alert_text and "could not be reached" in alert_text
        assert "Traceback" not in alert_text
        assert page.locator("tr.alert-row").count() == 0

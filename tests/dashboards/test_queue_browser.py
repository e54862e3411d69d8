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


@pytest.fixture(scope="module")
def api_url(database_url: str, marts_alerts: list[dict[str, Any]]) -> Iterator[str]:
    """The real API (`uvicorn api.main:app`) on a free port over the session database."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    process = _start(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning"],
        env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(f"{url}/api/v1/alerts?limit=1", process)
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
    rows.first.wait_for(timeout=TIMEOUT_MS)

    expected_counts = Counter(alert["severity_label"] for alert in marts_alerts)
    assert _card_counts(page) == {label: expected_counts[label] for label in SEVERITIES}
    assert rows.count() == 25
    assert page.get_by_text("Showing 1–25 of 30").is_visible()
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

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

    scripts = [url for url in requested if url.split("?")[0].endswith(".js")]
    assert scripts and all(url.startswith("http://127.0.0.1:") for url in scripts), scripts


def test_queue_explains_an_unreachable_api(page: Any) -> None:
    dead_api = f"http://127.0.0.1:{_free_port()}"

    with _serve_dashboard(dead_api) as url:
        page.goto(url)
        message = page.get_by_text("Could not load alerts.")
        message.wait_for(timeout=TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "queue-api-down.png"), full_page=True)
        alert_text = page.locator("p", has_text="Could not load alerts.").inner_text()

        assert dead_api in alert_text and "could not be reached" in alert_text
        assert "Traceback" not in alert_text
        assert page.locator("tr.alert-row").count() == 0
        assert page.locator('.severity-card[data-severity="HIGH"] .count').inner_text() == "–"

"""GetFindings paging, pacing and failure handling, on botocore's Stubber (cases B01, B03)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from triage.aws.pacing import RateLimiter, backoff_delay
from triage.aws.securityhub import SecurityHubClient
from triage.demo.generator import generate_findings_bulk
from triage.errors import AccessDeniedError, SourceUnavailableError

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=120)
FROZEN = {
    "Filters": {
        "UpdatedAt": [{"Start": "2025-02-01T12:00:00.000Z", "End": "2025-06-01T12:00:00.000Z"}]
    },
    "SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "asc"}],
    "MaxResults": 100,
}


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _findings(n: int) -> list[dict]:
    return list(generate_findings_bulk(n, seed=11, now=NOW))


def _client(clock: FakeClock, **kwargs):
    boto = boto3.client("securityhub", region_name="us-east-1")
    kwargs.setdefault("requests_per_second", 2.5)
    kwargs.setdefault("max_retries", 4)
    client = SecurityHubClient(
        boto,
        account_id="111122223333",
        region="us-east-1",
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.5,
        **kwargs,
    )
    return client, Stubber(boto)


def _throttle(stubber: Stubber, code: str = "TooManyRequestsException", status: int = 429):
    stubber.add_client_error(
        "get_findings",
        service_error_code=code,
        service_message="Rate exceeded",
        http_status_code=status,
        expected_params={**FROZEN, "NextToken": "t2"},
    )


def test_b01_every_page_is_sent_with_the_first_page_request_plus_token() -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    found = _findings(250)
    stubber.add_response(
        "get_findings", {"Findings": found[:100], "NextToken": "tok-A"}, expected_params=FROZEN
    )
    stubber.add_response(
        "get_findings",
        {"Findings": found[100:200], "NextToken": "tok-B"},
        expected_params={**FROZEN, "NextToken": "tok-A"},
    )
    stubber.add_response(
        "get_findings", {"Findings": found[200:]}, expected_params={**FROZEN, "NextToken": "tok-B"}
    )

    with stubber:
        pages = list(client.iter_finding_pages(updated_since=SINCE, updated_until=NOW))
        stubber.assert_no_pending_responses()

    assert [len(p) for p in pages] == [100, 100, 50]
    assert [f["Id"] for p in pages for f in p] == [f["Id"] for f in found]
    assert client.stats.pages == 3


def test_b01_rejected_token_raises_instead_of_ending_quietly() -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    stubber.add_response(
        "get_findings", {"Findings": _findings(100), "NextToken": "tok-A"}, expected_params=FROZEN
    )
    stubber.add_client_error(
        "get_findings",
        service_error_code="InvalidInputException",
        service_message="The NextToken is not valid for this request",
        http_status_code=400,
        expected_params={**FROZEN, "NextToken": "tok-A"},
    )
    seen: list[int] = []

    with stubber, pytest.raises(SourceUnavailableError, match="page token on page 2"):
        for page in client.iter_finding_pages(updated_since=SINCE, updated_until=NOW):
            seen.append(len(page))

    assert seen == [100]


def test_b03_throttled_page_is_retried_with_backoff_and_completes() -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    found = _findings(137)
    stubber.add_response(
        "get_findings", {"Findings": found[:100], "NextToken": "t2"}, expected_params=FROZEN
    )
    _throttle(stubber)
    _throttle(stubber)
    stubber.add_response(
        "get_findings", {"Findings": found[100:]}, expected_params={**FROZEN, "NextToken": "t2"}
    )

    with stubber:
        total = sum(
            len(p) for p in client.iter_finding_pages(updated_since=SINCE, updated_until=NOW)
        )

    assert total == 137
    assert client.stats.retries == 2
    # rng() = 0.5 gives 0.75 of each exponential step: 0.5 * 0.75, then 1.0 * 0.75.
    backoffs = [s for s in clock.sleeps if s in (0.375, 0.75)]
    assert backoffs == [0.375, 0.75]
    assert client.stats.seconds_slept == pytest.approx(1.125)


@pytest.mark.parametrize(
    ("code", "status"),
    [("TooManyRequestsException", 429), ("ThrottlingException", 400), ("SlowDownPlease", 429)],
)
def test_b03_retries_run_out_and_the_pull_fails_loudly(code: str, status: int) -> None:
    clock = FakeClock()
    client, stubber = _client(clock, max_retries=2)
    stubber.add_response(
        "get_findings", {"Findings": _findings(100), "NextToken": "t2"}, expected_params=FROZEN
    )
    for _ in range(3):
        _throttle(stubber, code=code, status=status)

    with stubber, pytest.raises(SourceUnavailableError, match="after 3 attempts"):
        list(client.iter_finding_pages(updated_since=SINCE, updated_until=NOW))
    assert client.stats.retries == 2


@pytest.mark.parametrize("code", ["AccessDeniedException", "InvalidAccessException"])
def test_access_denied_raises_the_distinct_error(code: str) -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    stubber.add_client_error(
        "get_findings", service_error_code=code, http_status_code=403, expected_params=FROZEN
    )

    with stubber, pytest.raises(AccessDeniedError, match="111122223333"):
        list(client.iter_finding_pages(updated_since=SINCE, updated_until=NOW))


def test_other_client_errors_raise_without_retry() -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    stubber.add_client_error(
        "get_findings",
        service_error_code="LimitExceededException",
        http_status_code=400,
        expected_params=FROZEN,
    )

    with stubber, pytest.raises(SourceUnavailableError, match="LimitExceededException"):
        list(client.iter_finding_pages(updated_since=SINCE, updated_until=NOW))
    assert client.stats.retries == 0


def test_findings_outside_the_window_are_dropped_in_our_code() -> None:
    clock = FakeClock()
    client, stubber = _client(clock)
    found = _findings(60)
    until = max(datetime.fromisoformat(f["UpdatedAt"]) for f in found) - timedelta(days=20)
    since = until - timedelta(days=15)
    expected = [f for f in found if since <= datetime.fromisoformat(f["UpdatedAt"]) <= until]
    assert 0 < len(expected) < len(found)
    stubber.add_response("get_findings", {"Findings": found})

    with stubber:
        pages = list(client.iter_finding_pages(updated_since=since, updated_until=until))

    assert [f["Id"] for p in pages for f in p] == [f["Id"] for f in expected]
    assert client.stats.findings_outside_window == len(found) - len(expected)


def test_window_must_be_timezone_aware_and_ordered() -> None:
    client, _ = _client(FakeClock())
    with pytest.raises(ValueError, match="timezone-aware"):
        next(client.iter_finding_pages(updated_since=datetime(2025, 1, 1), updated_until=NOW))
    with pytest.raises(ValueError, match="after"):
        next(client.iter_finding_pages(updated_since=NOW, updated_until=SINCE))


class _RecordingClient:
    """A GetFindings stand-in that records the fake time of every call."""

    def __init__(self, clock: FakeClock, pages: int) -> None:
        self.clock = clock
        self.pages = pages
        self.calls: list[float] = []

    def get_findings(self, **request):
        self.calls.append(self.clock())
        more = len(self.calls) < self.pages
        return {"Findings": [], **({"NextToken": f"t{len(self.calls)}"} if more else {})}


@pytest.mark.parametrize("rate", [2.5, 3.0, 1.0])
def test_pacing_never_exceeds_the_configured_rate(rate: float) -> None:
    clock = FakeClock()
    fake = _RecordingClient(clock, pages=40)
    client = SecurityHubClient(
        fake, requests_per_second=rate, sleep=clock.sleep, clock=clock, max_retries=0
    )

    assert list(client.iter_finding_pages(updated_since=SINCE, updated_until=NOW)) == []

    assert len(fake.calls) == 40
    gaps = [b - a for a, b in zip(fake.calls, fake.calls[1:], strict=False)]
    assert min(gaps) >= 1 / rate - 1e-9
    for window in (1.0, 2.0, 5.0):
        for start in fake.calls:
            count = sum(1 for t in fake.calls if start <= t < start + window)
            # A token bucket of one: at most one call more than the rate allows in any window.
            assert count <= rate * window + 1
    for start in fake.calls:
        # The documented GetFindings limit: 3 requests in any second.
        assert sum(1 for t in fake.calls if start <= t < start + 1.0) <= 3
    total_time = fake.calls[-1] - fake.calls[0]
    assert total_time == pytest.approx(39 / rate)


def test_token_bucket_allows_a_burst_then_holds_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3.0, burst=6, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(30):
        limiter.acquire()
        times.append(clock())

    assert times[:6] == [1000.0] * 6
    duration = times[-1] - times[0]
    # After the burst of 6, the other 24 calls need at least 24 / 3 seconds.
    assert duration == pytest.approx(8.0)


def test_backoff_grows_and_is_capped() -> None:
    delays = [backoff_delay(i, base=0.5, cap=4.0, rng=lambda: 1.0) for i in range(6)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff_delay(3, base=0.5, cap=4.0, rng=lambda: 0.0) == 2.0

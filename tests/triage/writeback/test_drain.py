"""The write-back drain on BatchUpdateFindings' documented shapes (botocore Stubber) and moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import sqlalchemy as sa
from botocore.stub import ANY, Stubber
from moto import mock_aws
from sqlalchemy.engine import Engine

from triage.aws.pacing import RateLimiter
from triage.settings import Settings
from triage.workflow.states import AlertStatus
from triage.writeback.drain import WritebackError, drain_outbox
from triage.writeback.outbox import NOTE_LIMIT, build_note

pytestmark = pytest.mark.integration

PRODUCT_ARN = "arn:aws:securityhub:us-east-1::product/aws/securityhub"


class FakeTime:
    """A clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture()
def outbox(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as db:
        db.execute(
            sa.text("truncate app.writeback_outbox, app.writeback_endpoints restart identity")
        )
    yield engine


def _queue(
    engine: Engine,
    count: int,
    *,
    alert_id: str = "alert-1",
    status: str = "RESOLVED",
    note: str = "triage_alert_id=alert-1 status=resolved",
) -> None:
    with engine.begin() as db:
        db.execute(
            sa.text(
                "insert into app.writeback_outbox (alert_id, product_arn, finding_id, region, "
                "workflow_status, note) values (:a, :p, :f, 'us-east-1', :s, :n)"
            ),
            [
                {"a": alert_id, "p": PRODUCT_ARN, "f": f"f-{i}", "s": status, "n": note}
                for i in range(count)
            ],
        )


def _states(engine: Engine) -> dict[str, tuple[str, int, str | None]]:
    with engine.connect() as db:
        rows = db.execute(
            sa.text("select finding_id, state, attempts, last_error from app.writeback_outbox")
        ).all()
    return {row.finding_id: (row.state, row.attempts, row.last_error) for row in rows}


def _ids(first: int, last: int) -> list[dict[str, str]]:
    return [{"Id": f"f-{i}", "ProductArn": PRODUCT_ARN} for i in range(first, last)]


def _client() -> tuple[Any, Stubber]:
    client = boto3.client("securityhub", region_name="us-east-1")
    return client, Stubber(client)


def _drain(engine: Engine, client: Any, fake: FakeTime, **kwargs: Any):
    settings = Settings().model_copy(update={"aws_endpoint_url": None})
    return drain_outbox(
        engine=engine,
        settings=settings,
        client_factory=lambda region: client,
        sleep=fake.sleep,
        limiter=RateLimiter(5.0, clock=fake.clock, sleep=fake.sleep),
        **kwargs,
    )


def test_batches_of_at_most_100_paced_and_marked_sent(outbox: Engine) -> None:
    _queue(outbox, 150)
    client, stubber = _client()
    fake = FakeTime()
    expected = {
        "Workflow": {"Status": "RESOLVED"},
        "Note": {"Text": "triage_alert_id=alert-1 status=resolved", "UpdatedBy": "svc-triage"},
        "UserDefinedFields": {"triage_alert_id": "alert-1"},
    }
    stubber.add_response(
        "batch_update_findings",
        {"ProcessedFindings": _ids(0, 100), "UnprocessedFindings": []},
        {"FindingIdentifiers": _ids(0, 100), **expected},
    )
    stubber.add_response(
        "batch_update_findings",
        {"ProcessedFindings": _ids(100, 150), "UnprocessedFindings": []},
        {"FindingIdentifiers": _ids(100, 150), **expected},
    )

    with stubber:
        result = _drain(outbox, client, fake)

    stubber.assert_no_pending_responses()
    assert (result.calls, result.sent, result.failed) == (2, 150, 0)
    assert {state for state, _, _ in _states(outbox).values()} == {"sent"}
    # The second call waited for the token bucket (5 calls/s: 0.2 s apart).
    assert fake.sleeps == [pytest.approx(0.2)]


def test_unprocessed_findings_are_retried_or_flagged_never_marked_sent(outbox: Engine) -> None:
    """Case B17: HTTP 200 with UnprocessedFindings must not count as written."""
    _queue(outbox, 3)
    client, stubber = _client()
    stubber.add_response(
        "batch_update_findings",
        {
            "ProcessedFindings": _ids(0, 1),
            "UnprocessedFindings": [
                {
                    "FindingIdentifier": _ids(1, 2)[0],
                    "ErrorCode": "InvalidInput",
                    "ErrorMessage": "note too long",
                },
                {
                    "FindingIdentifier": _ids(2, 3)[0],
                    "ErrorCode": "InternalException",
                    "ErrorMessage": "try again",
                },
            ],
        },
        {"FindingIdentifiers": _ids(0, 3), "Workflow": ANY, "Note": ANY, "UserDefinedFields": ANY},
    )

    with stubber:
        result = _drain(outbox, client, FakeTime())

    states = _states(outbox)
    assert states["f-0"] == ("sent", 0, None)
    assert states["f-1"] == ("failed", 1, "InvalidInput: note too long")
    assert states["f-2"] == ("pending", 1, "InternalException: try again")
    assert (result.sent, result.failed, result.retried) == (1, 1, 1)
    assert result.errors == {"InvalidInput": 1, "InternalException": 1}
    # The retried item waits for its next attempt: a second drain makes no call now.
    with Stubber(client):
        assert _drain(outbox, client, FakeTime()).calls == 0


def test_the_note_is_cut_to_512_characters_with_the_alert_id_first() -> None:
    reason = "jira=SEC-412 " + "x" * 600

    note = build_note(
        alert_id="a-1",
        status=AlertStatus.ACKNOWLEDGED,
        actor="svc-triage",
        reason=reason,
        link="http://127.0.0.1:8000/api/v1/alerts/a-1",
    )

    assert len(note) <= NOTE_LIMIT
    assert note.startswith("triage_alert_id=a-1 status=acknowledged by=svc-triage: jira=SEC-412")
    assert note.endswith("/api/v1/alerts/a-1")


def test_throttling_is_retried_with_backoff(outbox: Engine) -> None:
    _queue(outbox, 2)
    client, stubber = _client()
    fake = FakeTime()
    stubber.add_client_error("batch_update_findings", "ThrottlingException", http_status_code=429)
    stubber.add_client_error(
        "batch_update_findings", "TooManyRequestsException", http_status_code=429
    )
    stubber.add_response(
        "batch_update_findings", {"ProcessedFindings": _ids(0, 2), "UnprocessedFindings": []}
    )

    with stubber:
        result = _drain(outbox, client, fake)

    assert result.sent == 2
    assert len(fake.sleeps) >= 2 and all(delay > 0 for delay in fake.sleeps)


def test_throttling_that_never_ends_fails_loudly_and_keeps_the_items(outbox: Engine) -> None:
    _queue(outbox, 2)
    client, stubber = _client()
    for _ in range(6):
        stubber.add_client_error(
            "batch_update_findings", "ThrottlingException", http_status_code=429
        )

    with stubber, pytest.raises(WritebackError, match="still failing"):
        _drain(outbox, client, FakeTime())

    assert {state for state, _, _ in _states(outbox).values()} == {"pending"}


def test_an_endpoint_without_the_call_is_reported_once_and_keeps_the_items(
    outbox: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    _queue(outbox, 3)
    calls = []
    with mock_aws():
        client = boto3.client("securityhub", region_name="us-east-1")
        original = client.batch_update_findings

        def counting(**kwargs: Any) -> Any:
            calls.append(kwargs)
            return original(**kwargs)

        client.batch_update_findings = counting  # type: ignore[method-assign]
        settings = Settings().model_copy(update={"aws_endpoint_url": "http://127.0.0.1:5999"})
        first = drain_outbox(engine=outbox, settings=settings, client_factory=lambda r: client)
        second = drain_outbox(engine=outbox, settings=settings, client_factory=lambda r: client)

    assert first.unsupported and second.unsupported
    assert len(calls) == 1
    assert sum("write-back unsupported" in r.getMessage() for r in caplog.records) == 1
    assert {state for state, _, _ in _states(outbox).values()} == {"pending"}


def test_the_emulator_server_without_the_route_counts_as_unsupported(outbox: Engine) -> None:
    """moto's server answers a bare HTTP 404 page for BatchUpdateFindings (not a ClientError
    with a code): that too is an endpoint without the call, never a crash of the worker."""
    from triage.demo.seed import start_moto_server, stop_moto_server

    _queue(outbox, 2)
    process, url = start_moto_server()
    try:
        settings = Settings().model_copy(update={"aws_endpoint_url": url})
        client = boto3.client("securityhub", region_name="us-east-1", endpoint_url=url)
        result = drain_outbox(engine=outbox, settings=settings, client_factory=lambda r: client)
    finally:
        stop_moto_server(process)

    assert result.unsupported and result.sent == 0
    assert {state for state, _, _ in _states(outbox).values()} == {"pending"}


def test_a_named_not_found_error_is_not_mistaken_for_a_missing_call(outbox: Engine) -> None:
    _queue(outbox, 1)
    client, stubber = _client()
    stubber.add_client_error(
        "batch_update_findings", "ResourceNotFoundException", http_status_code=404
    )

    with stubber, pytest.raises(WritebackError, match="refused"):
        _drain(outbox, client, FakeTime())

    assert {state for state, _, _ in _states(outbox).values()} == {"pending"}


def test_switched_off_write_back_sends_nothing_and_keeps_the_items(outbox: Engine) -> None:
    _queue(outbox, 2)
    client, stubber = _client()
    settings = Settings().model_copy(update={"writeback_enabled": False})

    with stubber:
        result = drain_outbox(engine=outbox, settings=settings, client_factory=lambda r: client)

    assert result.calls == 0 and not result.unsupported
    assert {state for state, _, _ in _states(outbox).values()} == {"pending"}

"""Incremental GetFindings ingestion: cursors move only after a complete pull."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import asff_finding
from triage.errors import AccessDeniedError, SourceUnavailableError
from triage.ingest import ingest_securityhub_api
from triage.ingest.cursors import read_cursor
from triage.settings import Settings

pytestmark = pytest.mark.integration

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _settings(**overrides) -> Settings:
    values = {
        "TRIAGE_AWS_ACCOUNTS": "111122223333",
        "TRIAGE_AWS_REGIONS": "us-east-1,eu-west-1",
        "TRIAGE_INGEST_OVERLAP_MINUTES": "15",
    }
    values.update(overrides)
    return Settings(**values)


class _FakeClient:
    """Stands in for SecurityHubClient: replays pages or fails, and records each window."""

    plans: dict[str, list] = {}
    windows: list[tuple[str, datetime, datetime]] = []

    def __init__(self, *, session, region, settings):
        self.region = region

    def iter_finding_pages(self, *, updated_since, updated_until, page_size=100):
        _FakeClient.windows.append((self.region, updated_since, updated_until))
        for step in _FakeClient.plans.get(self.region, []):
            if isinstance(step, Exception):
                raise step
            yield step


@pytest.fixture()
def fake_client(monkeypatch):
    import triage.aws.securityhub as securityhub
    import triage.aws.session as session

    monkeypatch.setattr(securityhub, "SecurityHubClient", _FakeClient)
    monkeypatch.setattr(session, "make_session", lambda account, region, settings: None)
    _FakeClient.plans = {}
    _FakeClient.windows = []
    return _FakeClient


def _page(prefix: str, n: int) -> list[dict]:
    return [asff_finding(Id=f"{prefix}-{i}") for i in range(n)]


def test_complete_pull_moves_cursor_and_next_run_overlaps(clean_db, fake_client):
    fake_client.plans = {"us-east-1": [_page("a", 100), _page("b", 37)], "eu-west-1": []}

    results = ingest_securityhub_api(engine=clean_db, settings=_settings(), now=NOW)

    assert [r.stats.versions_loaded for r in results] == [137, 0]
    assert (
        read_cursor(
            engine=clean_db, source="securityhub", account="111122223333", region="us-east-1"
        )
        == NOW
    )
    later = NOW + timedelta(hours=1)
    ingest_securityhub_api(engine=clean_db, settings=_settings(), now=later)
    region, start, end = fake_client.windows[-2]
    assert (region, start, end) == ("us-east-1", NOW - timedelta(minutes=15), later)


def test_failure_after_retries_fails_the_run_and_keeps_the_cursor(clean_db, fake_client):
    """Case B03 at the ingestion level: a partial pull is never reported as complete."""
    fake_client.plans = {
        "us-east-1": [_page("a", 100), SourceUnavailableError("GetFindings throttled")]
    }

    with pytest.raises(SourceUnavailableError):
        ingest_securityhub_api(engine=clean_db, settings=_settings(), now=NOW)

    assert (
        read_cursor(
            engine=clean_db, source="securityhub", account="111122223333", region="us-east-1"
        )
        is None
    )
    with clean_db.connect() as conn:
        cursors = conn.execute(sa.text("select count(*) from raw.ingest_cursors")).scalar_one()
    assert cursors == 0


def test_access_denied_marks_scope_unknown_and_continues(clean_db, fake_client):
    fake_client.plans = {
        "us-east-1": [AccessDeniedError("not authorized to perform securityhub:GetFindings")],
        "eu-west-1": [_page("e", 3)],
    }

    results = ingest_securityhub_api(engine=clean_db, settings=_settings(), now=NOW)

    assert [(r.region, r.status) for r in results] == [
        ("us-east-1", "unknown"),
        ("eu-west-1", "ok"),
    ]
    assert (
        read_cursor(
            engine=clean_db, source="securityhub", account="111122223333", region="us-east-1"
        )
        is None
    )
    assert results[1].stats.versions_loaded == 3

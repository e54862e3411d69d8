"""The raw-layer writers: idempotent upserts, content-hash versions and quarantine."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import as_bytes, asff_finding
from triage.findings import parse_finding_bytes
from triage.ingest.batch import FindingBatchWriter
from triage.store.findings import LoadStats

pytestmark = pytest.mark.integration


def _load(engine, payload, source="test.json") -> LoadStats:
    stats = LoadStats()
    writer = FindingBatchWriter(engine=engine, stats=stats)
    writer.add(parse_finding_bytes(as_bytes(payload), source=source), source=source)
    writer.flush()
    return stats


def _count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()


def test_rerun_stores_nothing_twice(clean_db):
    payload = {"Findings": [asff_finding(Id=f"f-{i}") for i in range(5)]}

    first = _load(clean_db, payload)
    second = _load(clean_db, payload)

    assert (first.versions_loaded, first.unchanged) == (5, 0)
    assert (second.versions_loaded, second.unchanged) == (0, 5)
    assert _count(clean_db, "raw.securityhub_findings") == 5


def test_console_edit_without_updated_at_change_is_a_new_version(clean_db):
    original = asff_finding()
    edited = asff_finding(Workflow={"Status": "NOTIFIED"}, Note={"Text": "looked at it"})

    _load(clean_db, original)
    stats = _load(clean_db, edited)

    assert stats.versions_loaded == 1
    with clean_db.connect() as conn:
        hashes = conn.execute(
            sa.text("select count(distinct content_hash) from raw.securityhub_findings")
        ).scalar_one()
    assert hashes == 2


def test_bad_record_is_quarantined_once_and_the_batch_loads(clean_db):
    payload = [asff_finding(Id="good-1"), asff_finding(Id=None), asff_finding(Id="good-2")]

    first = _load(clean_db, payload)
    second = _load(clean_db, payload)

    assert first.versions_loaded == 2
    assert first.quarantined == 1 and first.quarantined_new == 1
    assert second.quarantined == 1 and second.quarantined_new == 0
    assert _count(clean_db, "raw.quarantine") == 1
    with clean_db.connect() as conn:
        reason, source, text = conn.execute(
            sa.text("select reason, source, original_text from raw.quarantine")
        ).one()
    assert reason == "missing_id"
    assert source == "test.json"
    assert "ProductArn" in text


def test_timestamps_are_stored_in_utc_under_a_non_utc_server_default(clean_db, database_url):
    """Case B05: a session default of America/New_York must not shift stored times."""
    name = database_url.rsplit("/", 1)[1]
    with clean_db.begin() as conn:
        conn.execute(sa.text(f"alter database \"{name}\" set timezone to 'America/New_York'"))
    try:
        from triage.store.db import dispose_engines, get_engine

        dispose_engines()
        engine = get_engine(database_url)
        _load(engine, asff_finding(UpdatedAt="2024-01-10T10:00:00.5-05:00"))
        with engine.connect() as conn:
            shown = conn.execute(sa.text("show timezone")).scalar_one()
            stored = conn.execute(
                sa.text("select updated_at::text from raw.securityhub_findings")
            ).scalar_one()
        assert shown == "UTC"
        assert stored == "2024-01-10 15:00:00.5+00"
    finally:
        dispose_engines()
        from triage.store.db import get_migrated_engine

        with get_migrated_engine(database_url).begin() as conn:
            conn.execute(sa.text(f'alter database "{name}" reset timezone'))

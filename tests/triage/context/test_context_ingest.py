"""`ingest_locations` loads CloudTrail and Config files beside findings, idempotently."""

from __future__ import annotations

import sqlalchemy as sa

from triage.activity import parse_cloudtrail_document
from triage.findings.containers import decode_payload
from triage.ingest import ingest_locations


def _distinct_cloudtrail(corpus_dir):
    keys = set()
    for path in (corpus_dir / "cloudtrail").rglob("*.json"):
        document = decode_payload(path.read_bytes()).document
        keys |= {(e.event_key, e.content_hash) for e in parse_cloudtrail_document(document).events}
    return len(keys)


def _counts(engine):
    with engine.connect() as conn:
        return {
            table: conn.execute(sa.text(f"select count(*) from raw.{table}")).scalar_one()
            for table in (
                "cloudtrail_events",
                "aws_config_configuration_items",
                "aws_config_compliance_events",
                "quarantine",
            )
        }


def test_mixed_folders_load_in_one_call_and_reruns_add_nothing(context_db, corpus_dir):
    locations = [str(corpus_dir / name) for name in ("cloudtrail", "config", "malformed")]
    first = ingest_locations(locations, engine=context_db)
    after_first = _counts(context_db)
    second = ingest_locations(locations, engine=context_db)

    assert first.skipped_files == 0, first.skipped
    assert first.context["cloudtrail_events_seen"] == 185
    # Two corpus records appear in two files each, byte for byte: stored once.
    assert after_first["cloudtrail_events"] == _distinct_cloudtrail(corpus_dir) == 183
    assert first.context["aws_config_items_seen"] > 40
    assert after_first["aws_config_compliance_events"] > 0
    assert second.context["cloudtrail_events_loaded"] == 0
    assert second.context["aws_config_items_loaded"] == 0
    assert second.quarantined_new == 0
    assert _counts(context_db) == after_first

    with context_db.connect() as conn:
        rows = conn.execute(
            sa.text("select record_kind, reason, detail from raw.quarantine order by 1, 2")
        ).all()
    kinds = {(row.record_kind, row.reason) for row in rows}
    assert ("cloudtrail", "cloudtrail_record_incomplete") in kinds
    assert ("finding", "invalid_json") in kinds  # the two malformed files, kept whole
    assert sum(1 for row in rows if row.reason == "invalid_json") == 2
    assert all(row.detail for row in rows)


def test_findings_in_the_same_folder_still_load(context_db, corpus_dir, tmp_path):
    (tmp_path / "trail.json").write_bytes(
        (corpus_dir / "cloudtrail" / "trailscraper-smoke-records.json").read_bytes()
    )
    asff = sorted((corpus_dir / "asff").rglob("*.json"))[0]
    (tmp_path / "finding.json").write_bytes(asff.read_bytes())

    stats = ingest_locations([str(tmp_path)], engine=context_db)

    assert stats.findings_seen >= 1
    assert stats.context["cloudtrail_events_loaded"] == 3

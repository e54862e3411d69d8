"""The demo's Config and CloudTrail logs agree with its findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triage.activity import parse_cloudtrail_document
from triage.aws_config import parse_config_document
from triage.demo.context import build_context_logs
from triage.demo.context_logs import public_bucket_findings
from triage.demo.generator import generate_findings

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def test_public_buckets_have_the_removal_an_hour_before_the_finding():
    findings = generate_findings(now=NOW)
    logs = build_context_logs(findings)
    firsts = public_bucket_findings(findings)

    assert logs.public_buckets, "the demo has public-bucket findings"
    records = [r for rs in logs.trail_records.values() for r in rs]
    items = [i for its in logs.config_items.values() for i in its]
    events = {e.event_id: e for e in parse_cloudtrail_document(records).events}
    parsed = parse_config_document(items)
    assert not parsed.quarantined and len(events) == len(records)
    for public in logs.public_buckets:
        arn = f"arn:aws:s3:::{public['bucket']}"
        first_seen = firsts[(public["account"], arn)]
        removal = events[public["event_id"]]
        assert removal.event_name == "DeleteBucketPublicAccessBlock"
        assert removal.record["userIdentity"]["userName"] == "alice.martin"
        # CloudTrail writes whole seconds.
        assert removal.event_time == (first_seen - timedelta(hours=1)).replace(microsecond=0)
        history = sorted(
            (i for i in parsed.items if i.resource_id == public["bucket"]),
            key=lambda i: i.captured_at,
        )
        before, after = history[-2].item, history[-1].item
        block = "PublicAccessBlockConfiguration"
        assert all(before["supplementaryConfiguration"][block].values())
        assert not any(after["supplementaryConfiguration"][block].values())
        assert after["relatedEvents"] == [public["event_id"]]
        assert history[-1].captured_at < first_seen


def test_the_same_seed_gives_the_same_logs():
    findings = generate_findings(now=NOW)
    assert build_context_logs(findings).trail_records == build_context_logs(findings).trail_records

"""CloudTrail containers: every corpus record is parsed or quarantined, none dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.activity import parse_cloudtrail_document

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "cloudtrail"


def _files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.json"))


def _count_records(value: object) -> int:
    """Count CloudTrail records the way the corpus README does, independently of the parser."""
    if isinstance(value, list):
        return sum(_count_records(v) for v in value)
    if not isinstance(value, dict):
        return 1
    for key in ("Records", "Events"):
        if isinstance(value.get(key), list):
            return len(value[key])
    return 1


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_record_is_parsed_or_quarantined(path: Path) -> None:
    document = json.loads(path.read_text())
    result = parse_cloudtrail_document(document)

    assert len(result.events) + len(result.quarantined) == _count_records(document)
    assert all(record.reason and record.detail for record in result.quarantined)


def test_corpus_totals_match_the_readme() -> None:
    events = quarantined = 0
    for path in _files():
        result = parse_cloudtrail_document(json.loads(path.read_text()))
        events += len(result.events)
        quarantined += len(result.quarantined)
    assert events + quarantined == 186
    assert quarantined == 1  # the Bedrock record has no eventTime


def test_lookup_events_output_decodes_the_json_string() -> None:
    result = parse_cloudtrail_document(
        json.loads((CORPUS / "aws-docs" / "awscli-lookup-events-output.extracted.json").read_text())
    )
    assert len(result.events) == 1
    event = result.events[0]
    assert event.record["userIdentity"]["type"] == "AssumedRole"
    assert event.event_id and event.event_key == event.event_id


def test_insights_records_keep_the_insight_action() -> None:
    path = CORPUS / "aws-docs" / "insights-lookupevents-output.extracted.json"
    events = parse_cloudtrail_document(json.loads(path.read_text())).events
    assert {e.event_name for e in events} == {"CompleteLifecycleAction"}


def test_eventbridge_envelope_takes_account_and_region_from_the_envelope() -> None:
    envelope = {
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.s3",
        "account": "111122223333",
        "region": "eu-west-1",
        "time": "2024-05-01T10:00:00Z",
        "detail": {"eventName": "PutBucketAcl", "eventSource": "s3.amazonaws.com"},
    }
    (event,) = parse_cloudtrail_document(envelope).events
    assert (event.aws_account_id, event.region) == ("111122223333", "eu-west-1")
    assert event.event_id is None and event.event_key == f"sha256:{event.content_hash}"


def test_same_id_different_content_gives_two_keys_one_id() -> None:
    base = {"eventID": "e-1", "eventName": "X", "eventTime": "2024-01-01T00:00:00Z"}
    first, second = parse_cloudtrail_document([base, {**base, "eventName": "Y"}]).events
    assert first.event_key == second.event_key == "e-1"
    assert first.content_hash != second.content_hash


def test_bad_lookup_json_string_is_quarantined() -> None:
    result = parse_cloudtrail_document({"Events": [{"CloudTrailEvent": "{not json"}]})
    assert [q.reason for q in result.quarantined] == ["invalid_json"]

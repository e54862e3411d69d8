"""Every container shape a finding can arrive in, built inline."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from triage.findings import parse_finding_bytes, parse_finding_objects


def _bytes(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


def _ids(result) -> list[str]:
    return [f.normalized.finding_id for f in result.findings]


@pytest.fixture
def two(make_finding):
    return [make_finding(Id="f-1"), make_finding(Id="f-2")]


def _eventbridge(detail_type: str, findings: list[dict]) -> dict:
    return {
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": detail_type,
        "source": "aws.securityhub",
        "account": "111122223333",
        "region": "us-east-1",
        "detail": {"findings": findings},
    }


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda fs: fs, id="json-list"),
        pytest.param(lambda fs: {"Findings": fs}, id="Findings"),
        pytest.param(lambda fs: {"Findings": fs, "NextToken": "tok"}, id="Findings+NextToken"),
        pytest.param(lambda fs: {"findings": fs}, id="lowercase-findings"),
        pytest.param(
            lambda fs: _eventbridge("Security Hub Findings - Imported", fs), id="eb-imported"
        ),
        pytest.param(
            lambda fs: _eventbridge("Security Hub Findings - Custom Action", fs), id="eb-custom"
        ),
        pytest.param(lambda fs: _eventbridge("Security Hub Findings", fs), id="eb-old"),
        pytest.param(
            lambda fs: {"status_code": 200, "data": {"ResponseMetadata": {}, "Findings": fs}},
            id="placebo",
        ),
        pytest.param(
            lambda fs: {"status_code": 200, "data": {"Findings": fs, "NextToken": "t"}},
            id="placebo+NextToken",
        ),
    ],
)
def test_list_containers(two, wrap):
    result = parse_finding_bytes(_bytes(wrap(two)), source="inline")

    assert result.file_kind == "asff"
    assert result.skipped_reason is None
    assert _ids(result) == ["f-1", "f-2"]
    assert result.quarantined == []


def test_bare_finding(make_finding):
    result = parse_finding_bytes(_bytes(make_finding(Id="solo")), source="inline")

    assert (result.file_kind, _ids(result)) == ("asff", ["solo"])


def test_asr_notifier_wrapper(make_finding):
    wrapper = {
        "Notification": {"Message": "remediation ran", "State": "SUCCESS"},
        "EventType": "Security Hub Findings - Custom Action",
        "Finding": make_finding(Id="asr-1"),
    }
    result = parse_finding_bytes(_bytes(wrapper), source="inline")

    assert _ids(result) == ["asr-1"]


def test_json_lines_with_a_bad_line(two):
    text = "\n".join([json.dumps(two[0]), '{"Id": "broken', json.dumps(two[1]), ""])
    result = parse_finding_bytes(text.encode(), source="inline.jsonl")

    assert _ids(result) == ["f-1", "f-2"]
    assert [q.reason for q in result.quarantined] == ["invalid_json"]
    bad = result.quarantined[0]
    assert bad.original_text == '{"Id": "broken'
    assert bad.content_hash == hashlib.sha256(b'{"Id": "broken').hexdigest()


def test_json_lines_of_eventbridge_events(two):
    lines = [json.dumps(_eventbridge("Security Hub Findings - Imported", [f])) for f in two]
    result = parse_finding_bytes("\n".join(lines).encode(), source="inline.jsonl")

    assert _ids(result) == ["f-1", "f-2"]


def test_gzip_detected_by_magic_bytes(two):
    data = gzip.compress(_bytes({"Findings": two}))
    result = parse_finding_bytes(data, source="no-extension")

    assert _ids(result) == ["f-1", "f-2"]


def test_truncated_gzip_is_quarantined(two):
    data = gzip.compress(_bytes({"Findings": two}))[:20]
    result = parse_finding_bytes(data, source="inline.gz")

    assert result.file_kind == "invalid"
    assert [q.reason for q in result.quarantined] == ["invalid_gzip"]


def test_truncated_json_quarantined_whole(two):
    text = json.dumps({"Findings": two}, indent=2)[:-40]
    result = parse_finding_bytes(text.encode(), source="inline")

    assert result.file_kind == "invalid"
    assert result.findings == []
    assert [q.reason for q in result.quarantined] == ["invalid_json"]
    assert result.quarantined[0].original_text == text
    assert result.quarantined[0].content_hash == hashlib.sha256(text.encode()).hexdigest()


def test_utf8_bom_and_non_ascii(make_finding):
    data = (
        b"\xef\xbb\xbf"
        + json.dumps(make_finding(Title="Zugriff für alle"), ensure_ascii=False).encode()
    )
    result = parse_finding_bytes(data, source="inline")

    assert result.findings[0].normalized.title == "Zugriff für alle"


def test_content_hash_is_over_canonical_json(make_finding):
    finding = make_finding(Title="é")
    result = parse_finding_bytes(_bytes(finding), source="inline")
    canonical = json.dumps(finding, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    assert result.findings[0].original == finding
    assert result.findings[0].content_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_bad_record_does_not_spoil_the_batch(make_finding):
    batch = {"Findings": [make_finding(Id="ok"), make_finding(drop=["ProductArn"]), 5]}
    result = parse_finding_bytes(_bytes(batch), source="inline")

    assert _ids(result) == ["ok"]
    assert sorted(q.reason for q in result.quarantined) == ["missing_product_arn", "not_an_object"]


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"Records": [{"eventVersion": "1.08", "eventName": "CreateBucket"}]}, "cloudtrail"),
        (
            [{"eventVersion": "1.08", "eventSource": "s3.amazonaws.com", "eventName": "X"}],
            "cloudtrail",
        ),
        (
            {"eventVersion": "1.08", "eventSource": "s3.amazonaws.com", "eventName": "X"},
            "cloudtrail",
        ),
        (
            {"detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "detail": {}},
            "cloudtrail",
        ),
        ({"Events": [{"EventId": "e", "EventName": "X", "CloudTrailEvent": "{}"}]}, "cloudtrail"),
        ({"configurationItems": [], "nextToken": "n1"}, "aws_config"),
        ({"status_code": 200, "data": {"EvaluationResults": []}}, "aws_config"),
        ({"resourceType": "AWS::S3::Bucket", "configurationItemCaptureTime": "x"}, "aws_config"),
        ({"invokingEvent": "{}", "configRuleName": "r"}, "aws_config"),
        (
            {
                "Type": "Notification",
                "Message": {"messageType": "ConfigurationItemChangeNotification"},
            },
            "aws_config",
        ),
        (
            {
                "detail-type": "Security Hub Insight Results",
                "source": "aws.securityhub",
                "detail": {"insightResults": []},
            },
            "securityhub_insight",
        ),
        ({"hello": "world"}, "unknown"),
        ([], "unknown"),
        ("just a string", "unknown"),
    ],
)
def test_payloads_without_findings_are_skipped(payload, kind):
    result = parse_finding_bytes(_bytes(payload), source="inline")

    assert result.file_kind == kind
    assert result.skipped_reason
    assert result.findings == [] and result.quarantined == []


def test_sns_envelope_with_string_message_holding_findings(two):
    envelope = {"Type": "Notification", "Message": json.dumps({"Findings": two})}
    result = parse_finding_bytes(_bytes(envelope), source="inline")

    assert _ids(result) == ["f-1", "f-2"]


def test_parse_objects_unwraps_sqs_bodies_and_keeps_odd_records(make_finding):
    bodies = [
        _eventbridge("Security Hub Findings - Imported", [make_finding(Id="a")]),
        make_finding(Id="b"),
        {"Id": "c"},  # too sparse to recognise, but never silently dropped
        {"Records": [{"eventVersion": "1.08"}]},
    ]
    result = parse_finding_objects(bodies, source="sqs:findings")

    assert _ids(result) == ["a", "b"]
    assert sorted(q.reason for q in result.quarantined) == [
        "missing_product_arn",
        "unexpected_record_kind",
    ]


def test_parse_objects_empty_page_is_an_empty_asff_result():
    result = parse_finding_objects([], source="securityhub:111122223333:us-east-1")

    assert (result.file_kind, result.findings, result.quarantined) == ("asff", [], [])
    assert result.skipped_reason is None

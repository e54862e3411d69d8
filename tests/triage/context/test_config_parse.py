"""AWS Config shapes: items, compliance events and quarantine, with JSON text decoded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.aws_config import parse_config_document
from triage.findings.containers import decode_payload

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "config"


def _load(relative: str) -> object:
    return json.loads((CORPUS / relative).read_text())


def _count_records(value: object) -> int:
    """Count the records a Config payload holds, by the AWS documented shapes alone."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return 1
    if isinstance(value, list):
        return sum(_count_records(v) for v in value)
    if not isinstance(value, dict):
        return 1
    if "status_code" in value and "data" in value:
        return _count_records(value["data"])
    if value.get("Type") == "Notification":
        return _count_records(value["Message"])
    if "invokingEvent" in value:
        invoking = json.loads(value["invokingEvent"])
        inner = invoking.get("configurationItem") or invoking.get("configurationItemSummary")
        return 1 + (0 if inner is None else _count_records(inner))
    for key in ("configurationItems", "EvaluationResults", "ConfigRulesEvaluationStatus"):
        if key in value:
            return len(value[key])
    if "Results" in value:
        return len(value["Results"])
    for key in ("configurationItem", "configurationItemSummary"):
        if key in value:
            found = value[key]
            return len(found) if isinstance(found, list) else 1
    return 1


@pytest.mark.parametrize("path", sorted(CORPUS.rglob("*.json")), ids=lambda p: p.name)
def test_every_file_yields_records_or_reasons(path: Path) -> None:
    document = decode_payload(path.read_bytes()).document
    result = parse_config_document(document)

    assert len(result.items) + len(result.events) + len(result.quarantined) == _count_records(
        document
    )
    assert all(q.reason and q.detail for q in result.quarantined)
    text = path.read_text()
    for item in result.items:
        assert item.resource_id in text
        assert item.captured_at.tzinfo is not None


def test_history_page_keeps_every_item_and_decodes_configuration() -> None:
    document = _load("c7n-placebo/test_sg_config_diff__config.GetResourceConfigHistory_1.json")
    result = parse_config_document(document)
    assert len(result.items) == len(document["data"]["configurationItems"])
    assert all(isinstance(item.item["configuration"], dict) for item in result.items)


def test_legacy_sns_notification_with_a_list_of_items() -> None:
    result = parse_config_document(
        _load("aws-docs/sns-notification-1-v1.0-ebs-volume-ci-list.extracted.json")
    )
    assert [i.resource_id for i in result.items] == ["vol-ce676ccc"]


def test_rule_invocation_is_a_compliance_event_plus_its_item() -> None:
    result = parse_config_document(_load("c7n-config/event-config-rule-security-group.json"))
    assert [e.event_kind for e in result.events] == ["rule_invocation"]
    assert "resultToken" not in result.events[0].event
    assert [i.resource_id for i in result.items] == ["sg-e2fb6999"]


def test_scheduled_invocation_has_no_item() -> None:
    result = parse_config_document(_load("powertools-awsConfigRuleScheduled.json"))
    assert result.items == [] and len(result.events) == 1


def test_oversized_notification_keeps_the_summary() -> None:
    (item,) = parse_config_document(
        _load("powertools-awsConfigRuleOversizedConfiguration.json")
    ).items
    assert item.item["isSummary"] is True and item.resource_id == "i-00000000"


def test_evaluations_are_compliance_events_not_items() -> None:
    document = _load(
        "c7n-placebo/test_config_compliance__config.GetComplianceDetailsByConfigRule_1.json"
    )
    result = parse_config_document(document)
    assert result.items == []
    assert len(result.events) == len(document["data"]["EvaluationResults"])
    assert {e.event_kind for e in result.events} == {"evaluation"}
    assert all(e.compliance_type for e in result.events)


def test_supplementary_values_are_decoded_even_when_double_encoded() -> None:
    (item,) = parse_config_document(_load("c7n-config/s3.json")).items
    acl = item.item["supplementaryConfiguration"]["AccessControlList"]
    assert isinstance(acl, dict) and "grantList" in acl
    assert item.item["tags"] == {"Planet": "Earth", "Verbose": "Game"}


def test_item_without_capture_time_is_quarantined_with_reason() -> None:
    result = parse_config_document({"resourceType": "AWS::S3::Bucket", "resourceId": "b"})
    assert [q.reason for q in result.quarantined] == ["config_item_incomplete"]
    assert "configurationItemCaptureTime" in result.quarantined[0].detail


def test_same_item_from_api_and_file_spelling_hashes_alike() -> None:
    api = {
        "version": "1.3",
        "accountId": "111122223333",
        "configurationItemCaptureTime": "2024-03-02T10:15:00Z",
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "b1",
        "configuration": json.dumps({"name": "b1"}),
    }
    file_item = {
        "configurationItemVersion": "1.3",
        "awsAccountId": "111122223333",
        "configurationItemCaptureTime": "2024-03-02T10:15:00.000Z",
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "b1",
        "configuration": {"name": "b1"},
    }
    (a,) = parse_config_document(api).items
    (b,) = parse_config_document(file_item).items
    assert a.content_hash == b.content_hash

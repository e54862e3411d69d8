"""Take configuration items and compliance events out of every shape AWS Config sends.

Shapes: a bare configuration item (versions 1.0 to 1.3, API or file spelling), a JSON list
of them, history and snapshot files and `GetResourceConfigHistory` pages
(`configurationItems`), rule invocation events (`invokingEvent` is JSON text), SNS
notifications (the legacy one carries `configurationItem` as a list), oversized-item
summaries, `SelectResourceConfig` results (JSON text per row), EventBridge "Config" events,
`GetComplianceDetailsByConfigRule` and `DescribeConfigRuleEvaluationStatus` output, and
placebo SDK recordings of any of them. Rule evaluations become compliance events, never
configuration items; anything that cannot be keyed and dated goes to quarantine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from triage.aws_config.values import (
    InvalidTimestampError,
    decode_json_text,
    first,
    iso,
    tags_dict,
    to_utc,
)
from triage.findings.parse import (
    QuarantinedRecord,
    RecordLists,
    canonical_json,
    quarantine_record,
    sha256_hex,
)

_ITEM_MARKERS = {"configurationItemCaptureTime", "configurationItemStatus", "resourceType"}


@dataclass(frozen=True)
class ConfigurationItem:
    """One configuration item, its JSON-encoded values decoded, keyed and dated."""

    resource_type: str
    resource_id: str
    resource_name: str | None
    resource_arn: str | None
    aws_account_id: str | None
    region: str | None
    captured_at: datetime
    status: str | None
    version: str | None
    item: dict[str, Any]
    content_hash: str


@dataclass(frozen=True)
class ComplianceEvent:
    """A rule evaluation, rule invocation or rule status: compliance facts, not config."""

    event_kind: str
    config_rule_name: str | None
    resource_type: str | None
    resource_id: str | None
    aws_account_id: str | None
    compliance_type: str | None
    recorded_at: datetime | None
    event: dict[str, Any]
    content_hash: str


@dataclass
class ConfigParseResult(RecordLists):
    """What one Config payload held; every record read is in exactly one list."""

    items: list[ConfigurationItem] = field(default_factory=list)
    events: list[ComplianceEvent] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)


def parse_config_document(value: object, *, diff: object = None) -> ConfigParseResult:
    """Parse one decoded Config payload (any supported shape) into items and events."""
    result = ConfigParseResult()
    if isinstance(value, list):
        result.shapes.append("JSON array")
        for element in value:
            result.extend(parse_config_document(element))
        return result
    if not isinstance(value, dict):
        detail = f"expected a Config object or list, found {type(value).__name__}"
        result.quarantined.append(_quarantine("unrecognised_config_record", detail, value))
        return result
    return _parse_dict(value, diff=diff)


def _parse_dict(obj: dict[str, Any], *, diff: object) -> ConfigParseResult:
    result = ConfigParseResult()
    if "status_code" in obj and isinstance(obj.get("data"), dict | list):
        result.shapes.append("placebo recording")
        result.extend(parse_config_document(obj["data"]))
    elif obj.get("Type") == "Notification" and "Message" in obj:
        result.shapes.append("SNS notification")
        result.extend(_parse_text_or_object(obj["Message"], "SNS Message"))
    elif "detail-type" in obj and isinstance(obj.get("detail"), dict):
        result.shapes.append(f'EventBridge "{obj["detail-type"]}"')
        result.extend(parse_config_document(obj["detail"]))
    elif "invokingEvent" in obj:
        result.shapes.append("rule invocation event")
        result.events.append(_invocation_event(obj))
        invoking = decode_json_text(obj["invokingEvent"])
        # The invocation event already records a scheduled or snapshot notification; only a
        # configuration item inside it is a second record.
        if (
            not isinstance(invoking, dict)
            or {
                "configurationItem",
                "configurationItemSummary",
            }
            & invoking.keys()
        ):
            result.extend(_parse_text_or_object(invoking, "invokingEvent"))
    elif isinstance(obj.get("configurationItems"), list):
        result.shapes.append("configurationItems page or file")
        for item in obj["configurationItems"]:
            result.extend(_parse_item(item))
    elif "configurationItem" in obj or "configurationItemSummary" in obj:
        result.shapes.append(str(obj.get("messageType") or "configuration item notification"))
        found = obj.get("configurationItem") or obj.get("configurationItemSummary")
        summary = "configurationItem" not in obj or obj.get("configurationItem") is None
        for item in found if isinstance(found, list) else [found]:
            result.extend(_parse_item(item, diff=obj.get("configurationItemDiff"), summary=summary))
    elif isinstance(obj.get("EvaluationResults"), list):
        result.shapes.append("compliance details")
        result.events.extend(_evaluation(e) for e in obj["EvaluationResults"])
    elif isinstance(obj.get("ConfigRulesEvaluationStatus"), list):
        result.shapes.append("rule evaluation status")
        result.events.extend(_rule_status(s) for s in obj["ConfigRulesEvaluationStatus"])
    elif isinstance(obj.get("Results"), list):
        result.shapes.append("SelectResourceConfig results")
        for row in obj["Results"]:
            result.extend(_parse_text_or_object(row, "SelectResourceConfig row", item=True))
    elif "messageType" in obj:
        result.shapes.append(f"notification {obj['messageType']}")
        result.events.append(_notification(obj))
    elif _ITEM_MARKERS & obj.keys():
        result.extend(_parse_item(obj, diff=diff))
    else:
        keys = ", ".join(sorted(obj)[:8])
        detail = f"expected a configuration item or Config container, found keys: {keys}"
        result.quarantined.append(_quarantine("unrecognised_config_record", detail, obj))
    return result


def _parse_text_or_object(value: object, what: str, *, item: bool = False) -> ConfigParseResult:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            result = ConfigParseResult()
            detail = f"expected JSON text in {what}: {exc}"
            result.quarantined.append(quarantine_record("invalid_json", detail, value))
            return result
    return _parse_item(value) if item else parse_config_document(value)


def _parse_item(raw: object, *, diff: object = None, summary: bool = False) -> ConfigParseResult:
    result = ConfigParseResult()
    try:
        result.items.append(parse_configuration_item(raw, diff=diff, summary=summary))
    except _ItemRejected as exc:
        result.quarantined.append(_quarantine(exc.reason, exc.detail, raw))
    return result


class _ItemRejected(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def parse_configuration_item(
    raw: object, *, diff: object = None, summary: bool = False
) -> ConfigurationItem:
    """Normalise one configuration item of any version and spelling.

    Raises:
        ValueError: the item has no resource type, resource id or capture time (the
            subclass carries a quarantine reason).
    """
    if not isinstance(raw, dict):
        raise _ItemRejected("config_item_not_object", f"found {type(raw).__name__}")
    resource_type = first(raw, "resourceType", "ResourceType")
    resource_id = first(raw, "resourceId", "ResourceId")
    missing = [
        name
        for name, value in (
            ("resourceType", resource_type),
            ("resourceId", resource_id),
            ("configurationItemCaptureTime", raw.get("configurationItemCaptureTime")),
        )
        if value in (None, "")
    ]
    if missing:
        detail = f"expected resourceType, resourceId and a capture time; missing {missing}"
        raise _ItemRejected("config_item_incomplete", detail)
    try:
        captured_at = to_utc(raw["configurationItemCaptureTime"])
        created_at = to_utc(raw.get("resourceCreationTime"))
    except InvalidTimestampError as exc:
        raise _ItemRejected("invalid_timestamp", str(exc)) from None
    assert captured_at is not None

    configuration = decode_json_text(raw.get("configuration"))
    supplementary = decode_json_text(raw.get("supplementaryConfiguration")) or {}
    if isinstance(supplementary, dict):
        supplementary = {k: decode_json_text(v) for k, v in supplementary.items()}
    version = first(raw, "configurationItemVersion", "version")
    item = {
        "resourceType": str(resource_type),
        "resourceId": str(resource_id),
        "resourceName": raw.get("resourceName"),
        "arn": first(raw, "arn", "ARN"),
        "awsAccountId": first(raw, "awsAccountId", "accountId"),
        "awsRegion": raw.get("awsRegion"),
        "availabilityZone": raw.get("availabilityZone"),
        "configurationItemCaptureTime": iso(captured_at),
        "configurationItemStatus": raw.get("configurationItemStatus"),
        "configurationItemVersion": None if version is None else str(version),
        "configurationStateId": None
        if raw.get("configurationStateId") is None
        else str(raw["configurationStateId"]),
        "resourceCreationTime": iso(created_at),
        "tags": tags_dict(raw.get("tags")),
        "configuration": configuration,
        "supplementaryConfiguration": supplementary,
        "relationships": raw.get("relationships") or [],
        "relatedEvents": raw.get("relatedEvents") or [],
        "changeType": (diff or {}).get("changeType") if isinstance(diff, dict) else None,
        "configurationItemDiff": diff if isinstance(diff, dict) else None,
        "isSummary": summary,
    }
    return ConfigurationItem(
        resource_type=item["resourceType"],
        resource_id=item["resourceId"],
        resource_name=item["resourceName"],
        resource_arn=item["arn"],
        aws_account_id=None if item["awsAccountId"] is None else str(item["awsAccountId"]),
        region=item["awsRegion"],
        captured_at=captured_at,
        status=item["configurationItemStatus"],
        version=item["configurationItemVersion"],
        item=item,
        content_hash=sha256_hex(canonical_json(item)),
    )


def _time_or_none(value: object) -> datetime | None:
    try:
        return to_utc(value)
    except InvalidTimestampError:
        return None


def _event(kind: str, payload: dict[str, Any], **keys: Any) -> ComplianceEvent:
    event = {k: _jsonable(v) for k, v in payload.items()}
    return ComplianceEvent(
        event_kind=kind, event=event, content_hash=sha256_hex(canonical_json([kind, event])), **keys
    )


def _jsonable(value: object) -> object:
    parsed = _time_or_none(value) if isinstance(value, dict) and "__class__" in value else None
    return iso(parsed) if parsed else value


def _evaluation(raw: object) -> ComplianceEvent:
    obj = raw if isinstance(raw, dict) else {"value": raw}
    qualifier = (obj.get("EvaluationResultIdentifier") or {}).get("EvaluationResultQualifier", {})
    return _event(
        "evaluation",
        obj,
        config_rule_name=qualifier.get("ConfigRuleName"),
        resource_type=qualifier.get("ResourceType"),
        resource_id=qualifier.get("ResourceId"),
        aws_account_id=None,
        compliance_type=obj.get("ComplianceType"),
        recorded_at=_time_or_none(obj.get("ResultRecordedTime")),
    )


def _rule_status(raw: object) -> ComplianceEvent:
    obj = raw if isinstance(raw, dict) else {"value": raw}
    recorded = first(obj, "LastSuccessfulEvaluationTime", "LastSuccessfulInvocationTime")
    return _event(
        "rule_evaluation_status",
        obj,
        config_rule_name=obj.get("ConfigRuleName"),
        resource_type=None,
        resource_id=None,
        aws_account_id=None,
        compliance_type=None,
        recorded_at=_time_or_none(recorded),
    )


def _invocation_event(obj: dict[str, Any]) -> ComplianceEvent:
    invoking = decode_json_text(obj.get("invokingEvent"))
    invoking = invoking if isinstance(invoking, dict) else {}
    item = invoking.get("configurationItem") or invoking.get("configurationItemSummary") or {}
    # The result token authorises PutEvaluations; it is a credential, so it is not kept.
    payload = {k: v for k, v in obj.items() if k != "resultToken"}
    return _event(
        "rule_invocation",
        payload,
        config_rule_name=obj.get("configRuleName"),
        resource_type=item.get("resourceType"),
        resource_id=item.get("resourceId"),
        aws_account_id=first(obj, "accountId") or invoking.get("awsAccountId"),
        compliance_type=None,
        recorded_at=_time_or_none(invoking.get("notificationCreationTime")),
    )


def _notification(obj: dict[str, Any]) -> ComplianceEvent:
    return _event(
        "notification",
        obj,
        config_rule_name=None,
        resource_type=None,
        resource_id=None,
        aws_account_id=obj.get("awsAccountId"),
        compliance_type=None,
        recorded_at=_time_or_none(obj.get("notificationCreationTime")),
    )


def _quarantine(reason: str, detail: str, record: object) -> QuarantinedRecord:
    text = record if isinstance(record, str) else canonical_json(record)
    return quarantine_record(reason, detail, text)

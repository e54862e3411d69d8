"""Take CloudTrail records out of trail log files, EventBridge events and API output.

Shapes: trail log files `{"Records": [...]}` (gzip in S3), bare record lists, one bare
record, EventBridge "AWS API Call via CloudTrail" envelopes (the record is `detail`),
`LookupEvents` output (`Events[].CloudTrailEvent` is JSON text) and Insights events
(`Events[]` holding raw records with `insightDetails`). A record is keyed by its
`eventID` plus a hash of its content, so reruns add nothing and two different records
sharing an id are both kept; a record without an id is keyed by its hash alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from triage.aws_config.values import InvalidTimestampError, first, to_utc
from triage.findings.parse import (
    QuarantinedRecord,
    RecordLists,
    canonical_json,
    quarantine_record,
    sha256_hex,
)


@dataclass(frozen=True)
class CloudTrailEvent:
    """One CloudTrail record as received, with the keys the raw table indexes."""

    event_key: str
    content_hash: str
    event_id: str | None
    event_time: datetime
    event_name: str | None
    event_source: str | None
    aws_account_id: str | None
    region: str | None
    record: dict[str, Any]


@dataclass
class CloudTrailParseResult(RecordLists):
    """What one payload held; each record read is either an event or quarantined."""

    events: list[CloudTrailEvent] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)


def parse_cloudtrail_document(value: object) -> CloudTrailParseResult:
    """Parse one decoded CloudTrail payload of any supported shape."""
    result = CloudTrailParseResult()
    if isinstance(value, list):
        result.shapes.append("record list")
        for element in value:
            result.extend(parse_cloudtrail_document(element))
        return result
    if not isinstance(value, dict):
        result.quarantined.append(
            _quarantine("unrecognised_cloudtrail_record", f"found {type(value).__name__}", value)
        )
        return result
    if "status_code" in value and isinstance(value.get("data"), dict | list):
        result.shapes.append("placebo recording")
        result.extend(parse_cloudtrail_document(value["data"]))
    elif isinstance(value.get("Records"), list):
        result.shapes.append("trail log file")
        for record in value["Records"]:
            result.extend(_one(record))
    elif isinstance(value.get("Events"), list):
        result.shapes.append("LookupEvents output")
        for entry in value["Events"]:
            result.extend(_lookup_entry(entry))
    elif "detail-type" in value and "detail" in value:
        result.shapes.append(f'EventBridge "{value["detail-type"]}"')
        result.extend(_eventbridge(value))
    else:
        result.shapes.append("single record")
        result.extend(_one(value))
    return result


def _lookup_entry(entry: object) -> CloudTrailParseResult:
    if isinstance(entry, dict) and "CloudTrailEvent" in entry:
        text = entry["CloudTrailEvent"]
        if isinstance(text, str):
            try:
                return _one(json.loads(text))
            except json.JSONDecodeError as exc:
                result = CloudTrailParseResult()
                detail = f"expected JSON text in CloudTrailEvent: {exc}"
                result.quarantined.append(quarantine_record("invalid_json", detail, text))
                return result
        return _one(text)
    # Insights lookups return the raw records themselves.
    return _one(entry)


def _eventbridge(envelope: dict[str, Any]) -> CloudTrailParseResult:
    detail = envelope.get("detail")
    if not isinstance(detail, dict):
        result = CloudTrailParseResult()
        detail_text = "expected an EventBridge envelope whose detail is a CloudTrail record"
        result.quarantined.append(
            _quarantine("cloudtrail_record_incomplete", detail_text, envelope)
        )
        return result
    record = dict(detail)
    # Older envelopes leave the account and region to the envelope.
    record.setdefault("recipientAccountId", envelope.get("account"))
    record.setdefault("awsRegion", envelope.get("region"))
    record.setdefault("eventTime", envelope.get("time"))
    return _one(record)


def _one(record: object) -> CloudTrailParseResult:
    result = CloudTrailParseResult()
    try:
        result.events.append(parse_cloudtrail_record(record))
    except _RecordRejected as exc:
        result.quarantined.append(_quarantine(exc.reason, exc.detail, record))
    return result


class _RecordRejected(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def parse_cloudtrail_record(record: object) -> CloudTrailEvent:
    """Key and date one CloudTrail record.

    Raises:
        ValueError: the record has no time, or names neither an action nor an insight (the
            subclass carries the quarantine reason).
    """
    if not isinstance(record, dict):
        raise _RecordRejected("unrecognised_cloudtrail_record", f"found {type(record).__name__}")
    insight = record.get("insightDetails") if isinstance(record.get("insightDetails"), dict) else {}
    event_name = first(record, "eventName") or insight.get("eventName")
    event_source = first(record, "eventSource") or insight.get("eventSource")
    if not event_name and not event_source:
        raise _RecordRejected(
            "cloudtrail_record_incomplete", "expected eventName or eventSource in the record"
        )
    try:
        event_time = to_utc(record.get("eventTime"))
    except InvalidTimestampError as exc:
        raise _RecordRejected("invalid_timestamp", str(exc)) from None
    if event_time is None:
        raise _RecordRejected("cloudtrail_record_incomplete", "expected an eventTime")

    content_hash = sha256_hex(canonical_json(record))
    event_id = record.get("eventID")
    identity = record.get("userIdentity") if isinstance(record.get("userIdentity"), dict) else {}
    account = first(record, "recipientAccountId") or identity.get("accountId")
    return CloudTrailEvent(
        event_key=str(event_id) if event_id else f"sha256:{content_hash}",
        content_hash=content_hash,
        event_id=str(event_id) if event_id else None,
        event_time=event_time,
        event_name=None if event_name is None else str(event_name),
        event_source=None if event_source is None else str(event_source),
        aws_account_id=None if account is None else str(account),
        region=record.get("awsRegion"),
        record=record,
    )


def _quarantine(reason: str, detail: str, record: object) -> QuarantinedRecord:
    text = record if isinstance(record, str) else canonical_json(record)
    return quarantine_record(reason, detail, text)

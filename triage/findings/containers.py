"""Recognise the containers findings arrive in and take the finding objects out of them.

Shapes handled: a bare finding, a JSON list, ``{"Findings": [...]}`` (with or without
``NextToken``), ``{"findings": [...]}``, EventBridge "Security Hub Findings*" envelopes
(``detail.findings``), the ASR notifier ``{"Notification", "EventType", "Finding"}``,
placebo SDK recordings ``{"status_code", "data"}``, SNS envelopes, JSON Lines and gzip.
Payloads that hold no findings (CloudTrail, AWS Config, Security Hub insight results) are
recognised so the caller can skip them rather than quarantine them.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


class PayloadKind(StrEnum):
    """What a file or object holds."""

    ASFF = "asff"
    CLOUDTRAIL = "cloudtrail"
    AWS_CONFIG = "aws_config"
    SECURITYHUB_INSIGHT = "securityhub_insight"
    UNKNOWN = "unknown"


@dataclass
class Unwrapped:
    """The finding candidates taken out of one container, or why it holds none."""

    kind: PayloadKind
    shape: str
    records: list[object] = field(default_factory=list)
    # Records of another kind found inside a batch of findings: (kind, object).
    misplaced: list[tuple[PayloadKind, object]] = field(default_factory=list)


@dataclass(frozen=True)
class JsonLine:
    """One line of a JSON Lines file: its text, and its value or the parse error."""

    number: int
    text: str
    value: object = None
    error: str | None = None


@dataclass
class DecodedPayload:
    """Bytes turned into text and JSON: a whole document, JSON Lines, or an error."""

    text: str
    document: object = None
    lines: list[JsonLine] | None = None
    error_reason: str | None = None
    error_detail: str | None = None


_CLOUDTRAIL_KEYS = {"eventVersion", "eventName", "eventSource", "eventID", "CloudTrailEvent"}
_CONFIG_KEYS = {
    "configurationItems",
    "configurationItem",
    "configurationItemCaptureTime",
    "configurationItemStatus",
    "configurationItemDiff",
    "EvaluationResults",
    "ConfigRulesEvaluationStatus",
    "ComplianceByConfigRules",
    "invokingEvent",
    "configRuleName",
    "configRuleArn",
}


def decode_payload(data: bytes) -> DecodedPayload:
    """Decompress (gzip, by magic bytes) and decode bytes into one JSON document or JSON Lines."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return DecodedPayload(
                text=data.decode("latin-1"),
                error_reason="invalid_gzip",
                error_detail=f"expected a gzip stream, decompression failed: {exc}",
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return DecodedPayload(
            text=data.decode("utf-8", errors="replace"),
            error_reason="invalid_encoding",
            error_detail=f"expected UTF-8 text: {exc}",
        )
    try:
        return DecodedPayload(text=text, document=json.loads(text))
    except json.JSONDecodeError as exc:
        whole_error = exc
    lines = _json_lines(text)
    if lines is not None:
        return DecodedPayload(text=text, lines=lines)
    return DecodedPayload(
        text=text,
        error_reason="invalid_json",
        error_detail=f"expected a JSON document or JSON Lines: {whole_error}",
    )


def _json_lines(text: str) -> list[JsonLine] | None:
    """Split text into JSON Lines when at least half the non-empty lines are JSON objects."""
    lines: list[JsonLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            lines.append(JsonLine(number, raw, value=json.loads(stripped)))
        except json.JSONDecodeError as exc:
            lines.append(JsonLine(number, raw, error=str(exc)))
    objects = sum(1 for line in lines if line.error is None and isinstance(line.value, dict))
    if len(lines) < 2 or objects == 0 or objects * 2 < len(lines):
        return None
    return lines


def unwrap_document(value: object) -> Unwrapped:
    """Classify a whole decoded document and take out its finding candidates."""
    if isinstance(value, list):
        return unwrap_sequence(value, default_to_finding=False, shape="JSON array")
    if isinstance(value, dict):
        return _unwrap_dict(value)
    return Unwrapped(PayloadKind.UNKNOWN, f"JSON {type(value).__name__} at top level")


def unwrap_sequence(items: Iterable[object], *, default_to_finding: bool, shape: str) -> Unwrapped:
    """Classify each item of a list (a JSON array, JSON Lines or an API page).

    Unrecognised items count as finding candidates (the normaliser then accepts or
    quarantines them) when the batch holds any finding, or when the caller says the batch
    is findings (``default_to_finding``), so no record is dropped unseen.
    """
    records: list[object] = []
    strays: list[object] = []
    others: list[tuple[PayloadKind, object]] = []
    count = 0
    for item in items:
        count += 1
        inner = _unwrap_dict(item) if isinstance(item, dict) else None
        if inner is None or inner.kind is PayloadKind.UNKNOWN:
            strays.append(item)
        elif inner.kind is PayloadKind.ASFF:
            records.extend(inner.records)
            others.extend(inner.misplaced)
        else:
            others.append((inner.kind, item))

    if count == 0:
        kind = PayloadKind.ASFF if default_to_finding else PayloadKind.UNKNOWN
        return Unwrapped(kind, f"empty {shape}")
    if records or (default_to_finding and strays):
        return Unwrapped(PayloadKind.ASFF, shape, records + strays, others)
    kinds = Counter(kind for kind, _ in others)
    if len(kinds) == 1 and not strays:
        return Unwrapped(next(iter(kinds)), f"{shape} of {next(iter(kinds)).value} records")
    return Unwrapped(PayloadKind.UNKNOWN, f"{shape} of unrecognised records")


def _unwrap_dict(obj: dict[str, Any]) -> Unwrapped:
    if "status_code" in obj and isinstance(obj.get("data"), dict | list):
        inner = unwrap_document(obj["data"])
        inner.shape = f"placebo-wrapped {inner.shape}"
        return inner
    if obj.get("Type") == "Notification" and "Message" in obj:
        return _unwrap_sns(obj["Message"])
    if "detail-type" in obj and "detail" in obj:
        return _unwrap_eventbridge(obj)
    if "Finding" in obj and ("Notification" in obj or "EventType" in obj):
        return Unwrapped(PayloadKind.ASFF, "ASR notifier wrapper", [obj["Finding"]])
    for key in ("Findings", "findings"):
        if key in obj:
            found = obj[key]
            records = found if isinstance(found, list) else [found]
            return Unwrapped(PayloadKind.ASFF, f'{{"{key}": [...]}}', list(records))
    if _looks_like_finding(obj):
        return Unwrapped(PayloadKind.ASFF, "bare finding object", [obj])
    kind = _non_finding_kind(obj)
    return Unwrapped(kind, "object" if kind is PayloadKind.UNKNOWN else f"{kind.value} object")


def _unwrap_sns(message: object) -> Unwrapped:
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except json.JSONDecodeError:
            return Unwrapped(PayloadKind.UNKNOWN, "SNS envelope with a non-JSON message")
    inner = unwrap_document(message)
    inner.shape = f"SNS envelope around {inner.shape}"
    return inner


def _unwrap_eventbridge(obj: dict[str, Any]) -> Unwrapped:
    detail_type = str(obj.get("detail-type"))
    source = str(obj.get("source", ""))
    detail = obj.get("detail") if isinstance(obj.get("detail"), dict) else {}
    shape = f'EventBridge "{detail_type}" envelope'
    if "Insight Results" in detail_type:
        return Unwrapped(PayloadKind.SECURITYHUB_INSIGHT, shape)
    if "findings" in detail and (
        detail_type.startswith("Security Hub Findings") or source == "aws.securityhub"
    ):
        found = detail["findings"]
        return Unwrapped(
            PayloadKind.ASFF, shape, list(found) if isinstance(found, list) else [found]
        )
    if detail_type.endswith("via CloudTrail") or source == "aws.cloudtrail":
        return Unwrapped(PayloadKind.CLOUDTRAIL, shape)
    if source == "aws.config" or detail_type.startswith("Config "):
        return Unwrapped(PayloadKind.AWS_CONFIG, shape)
    logger.debug("unrecognised EventBridge detail-type=%s source=%s", detail_type, source)
    return Unwrapped(PayloadKind.UNKNOWN, shape)


def _looks_like_finding(obj: dict[str, Any]) -> bool:
    if "SchemaVersion" in obj or "ProductArn" in obj:
        return True
    asff_keys = {"GeneratorId", "AwsAccountId", "Types", "Severity", "Resources", "Title"}
    return "Id" in obj and len(asff_keys & obj.keys()) >= 2


def _non_finding_kind(obj: dict[str, Any]) -> PayloadKind:
    records = obj.get("Records")
    if isinstance(records, list):
        return PayloadKind.CLOUDTRAIL
    events = obj.get("Events")
    if isinstance(events, list) and any(
        isinstance(e, dict) and _CLOUDTRAIL_KEYS & _lower_and_exact_keys(e) for e in events
    ):
        return PayloadKind.CLOUDTRAIL
    if len({"eventVersion", "eventSource", "eventName", "eventID"} & obj.keys()) >= 2:
        return PayloadKind.CLOUDTRAIL
    message_type = str(obj.get("messageType", ""))
    if _CONFIG_KEYS & obj.keys() or message_type.startswith(("Configuration", "Compliance")):
        return PayloadKind.AWS_CONFIG
    if "Results" in obj and "QueryInfo" in obj:
        return PayloadKind.AWS_CONFIG
    return PayloadKind.UNKNOWN


def _lower_and_exact_keys(event: dict[str, Any]) -> set[str]:
    # LookupEvents output spells keys EventName/EventId; raw records spell eventName/eventID.
    keys = set(event.keys())
    return keys | {key[:1].lower() + key[1:] for key in keys}

"""Entry points the loaders call: bytes or decoded objects in, findings and quarantine out."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import cast

from triage.findings.asff import normalize_asff
from triage.findings.containers import (
    PayloadKind,
    Unwrapped,
    decode_payload,
    unwrap_document,
    unwrap_sequence,
)
from triage.findings.errors import FindingRejectedError
from triage.findings.model import NormalizedFinding

logger = logging.getLogger(__name__)

INVALID_FILE_KIND = "invalid"


@dataclass(frozen=True)
class ParsedFinding:
    """A finding that parsed: the object as received, its normal form and content hash."""

    original: dict
    normalized: NormalizedFinding
    content_hash: str


@dataclass(frozen=True)
class QuarantinedRecord:
    """A record (or whole file) that could not be parsed, kept with the reason."""

    reason: str
    detail: str
    original_text: str
    content_hash: str


class RecordLists:
    """Mixin of a parse result made of lists: `extend` adds another result's lists to these."""

    def extend(self, other: RecordLists) -> None:
        """Add another result's records to this one, list by list."""
        for name in (item.name for item in fields(self)):  # type: ignore[arg-type]
            getattr(self, name).extend(getattr(other, name))


@dataclass
class FileParseResult:
    """Everything one file or batch produced; nothing read is left out."""

    file_kind: str
    findings: list[ParsedFinding] = field(default_factory=list)
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    skipped_reason: str | None = None


def canonical_json(value: object) -> str:
    """The canonical JSON text of a value: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    """The sha256 hex digest of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quarantine_record(reason: str, detail: str, original_text: str) -> QuarantinedRecord:
    """Build a quarantine entry whose hash is over the text exactly as kept."""
    return QuarantinedRecord(reason, detail, original_text, sha256_hex(original_text))


def parse_finding_bytes(data: bytes, *, source: str) -> FileParseResult:
    """Parse a file's bytes (JSON, JSON Lines, optionally gzip) into findings and quarantine."""
    decoded = decode_payload(data)
    if decoded.error_reason is not None:
        logger.warning("file quarantined source=%s reason=%s", source, decoded.error_reason)
        record = quarantine_record(decoded.error_reason, decoded.error_detail or "", decoded.text)
        return FileParseResult(file_kind=INVALID_FILE_KIND, quarantined=[record])
    if decoded.lines is None and not decoded.text.strip():
        return FileParseResult(PayloadKind.UNKNOWN.value, skipped_reason="empty file")

    bad_lines: list[QuarantinedRecord] = []
    if decoded.lines is not None:
        for line in decoded.lines:
            if line.error is not None:
                detail = f"line {line.number}: expected a JSON value: {line.error}"
                bad_lines.append(quarantine_record("invalid_json", detail, line.text))
        values = [line.value for line in decoded.lines if line.error is None]
        unwrapped = unwrap_sequence(values, default_to_finding=False, shape="JSON Lines")
    else:
        unwrapped = unwrap_document(decoded.document)

    result = _parse_unwrapped(unwrapped, source=source)
    result.quarantined[:0] = bad_lines
    return result


def parse_finding_objects(objs: Iterable[object], *, source: str) -> FileParseResult:
    """Parse already-decoded objects (an API page, SQS bodies); each may itself be a container."""
    unwrapped = unwrap_sequence(objs, default_to_finding=True, shape="batch")
    return _parse_unwrapped(unwrapped, source=source)


def _parse_unwrapped(unwrapped: Unwrapped, *, source: str) -> FileParseResult:
    if unwrapped.kind is not PayloadKind.ASFF:
        reason = f"holds no findings: {unwrapped.shape}"
        logger.info("skipped source=%s kind=%s shape=%s", source, unwrapped.kind, unwrapped.shape)
        return FileParseResult(unwrapped.kind.value, skipped_reason=reason)

    result = FileParseResult(PayloadKind.ASFF.value)
    for record in unwrapped.records:
        try:
            normalized = normalize_asff(record)
        except FindingRejectedError as exc:
            result.quarantined.append(
                quarantine_record(exc.reason, exc.detail, canonical_json(record))
            )
            continue
        # normalize_asff rejected anything that is not a dict, so the cast is safe.
        original = cast(dict, record)
        text = canonical_json(original)
        result.findings.append(ParsedFinding(original, normalized, sha256_hex(text)))
    for kind, record in unwrapped.misplaced:
        detail = f"expected a finding in a batch of findings, found a {kind.value} record"
        result.quarantined.append(
            quarantine_record("unexpected_record_kind", detail, canonical_json(record))
        )

    logger.info(
        "parsed source=%s shape=%s findings=%d quarantined=%d",
        source,
        unwrapped.shape,
        len(result.findings),
        len(result.quarantined),
    )
    return result

"""Load CloudTrail and AWS Config files (found beside findings) into the raw layer."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from triage.activity import CloudTrailParseResult, parse_cloudtrail_document
from triage.aws_config import ConfigParseResult, parse_config_document
from triage.findings.containers import PayloadKind, decode_payload
from triage.findings.parse import quarantine_record
from triage.store.context import (
    store_cloudtrail_events,
    store_compliance_events,
    store_configuration_items,
)
from triage.store.findings import LoadStats, store_quarantined

logger = logging.getLogger(__name__)

CONTEXT_KINDS = frozenset({PayloadKind.CLOUDTRAIL.value, PayloadKind.AWS_CONFIG.value})


def parse_context_bytes(data: bytes, *, kind: str) -> ConfigParseResult | CloudTrailParseResult:
    """Decode a file already recognised as CloudTrail or Config and parse its records."""
    decoded = decode_payload(data)
    parse = parse_cloudtrail_document if kind == PayloadKind.CLOUDTRAIL.value else None
    values = (
        [line.value for line in decoded.lines if line.error is None]
        if decoded.lines is not None
        else decoded.document
    )
    result: ConfigParseResult | CloudTrailParseResult
    result = parse(values) if parse else parse_config_document(values)
    if decoded.lines is not None:
        for line in decoded.lines:
            if line.error is not None:
                detail = f"line {line.number}: expected a JSON value: {line.error}"
                result.quarantined.append(quarantine_record("invalid_json", detail, line.text))
    return result


class ContextBatchWriter:
    """Store the records of CloudTrail and Config files and count them in `LoadStats`."""

    def __init__(self, *, engine: Engine, stats: LoadStats) -> None:
        self._engine = engine
        self._stats = stats

    def add(self, data: bytes, *, source: str, kind: str) -> None:
        """Parse one file of the given kind and store everything it holds."""
        result = parse_context_bytes(data, kind=kind)
        context = self._stats.context
        if isinstance(result, CloudTrailParseResult):
            context["cloudtrail_files"] += 1
            context["cloudtrail_events_seen"] += len(result.events)
            context["cloudtrail_events_loaded"] += store_cloudtrail_events(
                engine=self._engine, events=[(e, source) for e in result.events]
            )
            record_kind = PayloadKind.CLOUDTRAIL.value
        else:
            context["aws_config_files"] += 1
            context["aws_config_items_seen"] += len(result.items)
            context["aws_config_items_loaded"] += store_configuration_items(
                engine=self._engine, items=[(i, source) for i in result.items]
            )
            context["aws_config_compliance_events_seen"] += len(result.events)
            context["aws_config_compliance_events_loaded"] += store_compliance_events(
                engine=self._engine, events=[(e, source) for e in result.events]
            )
            record_kind = PayloadKind.AWS_CONFIG.value
        self._stats.quarantined += len(result.quarantined)
        for record in result.quarantined:
            self._stats.reasons[record.reason] += 1
        self._stats.quarantined_new += store_quarantined(
            engine=self._engine,
            records=[(r, source) for r in result.quarantined],
            record_kind=record_kind,
        )
        logger.info(
            "context file source=%s kind=%s shapes=%s quarantined=%d",
            source,
            kind,
            sorted(set(result.shapes)),
            len(result.quarantined),
        )

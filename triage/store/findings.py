"""Write finding versions and quarantined records into the raw layer, idempotently."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from triage.findings import ParsedFinding, QuarantinedRecord

logger = logging.getLogger(__name__)

_FINDING_COLUMNS = (
    "product_arn",
    "finding_id",
    "updated_at",
    "content_hash",
    "schema_format",
    "aws_account_id",
    "region",
    "finding",
    "normalized",
    "source",
)


@dataclass
class LoadStats:
    """Counts of one ingest: what was read, stored, left unchanged and quarantined."""

    files: int = 0
    skipped_files: int = 0
    findings_seen: int = 0
    versions_loaded: int = 0
    unchanged: int = 0
    quarantined: int = 0
    quarantined_new: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    # Resource context read beside the findings (CloudTrail and Config records).
    context: Counter[str] = field(default_factory=Counter)

    def add(self, other: LoadStats) -> None:
        """Add another run's counts to these."""
        for name in (
            "files",
            "skipped_files",
            "findings_seen",
            "versions_loaded",
            "unchanged",
            "quarantined",
            "quarantined_new",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.reasons.update(other.reasons)
        self.skipped.update(other.skipped)
        self.context.update(other.context)

    def as_dict(self) -> dict[str, Any]:
        """Return the counts as plain JSON-ready values."""
        return {
            "files": self.files,
            "skipped_files": self.skipped_files,
            "findings_seen": self.findings_seen,
            "versions_loaded": self.versions_loaded,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "quarantined_new": self.quarantined_new,
            "reasons": dict(sorted(self.reasons.items())),
            "skipped_kinds": dict(sorted(self.skipped.items())),
            "context": dict(sorted(self.context.items())),
        }


def _finding_row(parsed: ParsedFinding, source: str) -> tuple[Any, ...]:
    normalized = parsed.normalized
    return (
        normalized.product_arn,
        normalized.finding_id,
        normalized.updated_at,
        parsed.content_hash,
        normalized.schema_format,
        normalized.aws_account_id,
        normalized.region,
        json.dumps(parsed.original, ensure_ascii=False),
        normalized.model_dump_json(),
        source,
    )


def store_findings(
    *, engine: Engine, findings: Sequence[tuple[ParsedFinding, str]]
) -> tuple[int, int]:
    """Upsert finding versions; return (versions newly stored, versions already present).

    Rows are copied into a temporary table and inserted with `on conflict do nothing` on
    (product_arn, finding_id, updated_at, content_hash), so a rerun stores nothing twice.
    """
    if not findings:
        return 0, 0
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        with driver.cursor() as cur:
            cur.execute(
                "create temporary table if not exists finding_batch "
                "(like raw.securityhub_findings including defaults) on commit drop"
            )
            columns = ", ".join(_FINDING_COLUMNS)
            with cur.copy(f"copy finding_batch ({columns}) from stdin") as copy:
                for parsed, source in findings:
                    copy.write_row(_finding_row(parsed, source))
            cur.execute(
                f"insert into raw.securityhub_findings ({columns}) "
                f"select {columns} from finding_batch order by finding_version_id "
                "on conflict do nothing"
            )
            inserted = cur.rowcount
        driver.commit()
    finally:
        raw.close()
    return inserted, len(findings) - inserted


def store_quarantined(
    *, engine: Engine, records: Iterable[tuple[QuarantinedRecord, str]], record_kind: str
) -> int:
    """Store records that could not be loaded, each once (keyed by its content hash)."""
    items = list(records)
    if not items:
        return 0
    for record, source in items:
        logger.warning(
            "quarantined record kind=%s source=%s reason=%s detail=%s",
            record_kind,
            source,
            record.reason,
            record.detail,
        )
    rows = [
        (r.content_hash, record_kind, source, r.reason, r.detail, r.original_text)
        for r, source in items
    ]
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        inserted = 0
        with driver.cursor() as cur:
            for row in rows:
                cur.execute(
                    "insert into raw.quarantine "
                    "(content_hash, record_kind, source, reason, detail, original_text) "
                    "values (%s, %s, %s, %s, %s, %s) on conflict (content_hash) do nothing",
                    row,
                )
                inserted += cur.rowcount
        driver.commit()
    finally:
        raw.close()
    return inserted

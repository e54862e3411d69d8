"""Buffer parsed findings and flush them to the raw layer in large batches."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from triage.findings import FileParseResult, ParsedFinding, QuarantinedRecord
from triage.store.findings import LoadStats, store_findings, store_quarantined

FLUSH_EVERY = 5_000


class FindingBatchWriter:
    """Collect parse results and write them to PostgreSQL every few thousand findings."""

    def __init__(self, *, engine: Engine, stats: LoadStats, flush_every: int = FLUSH_EVERY):
        self._engine = engine
        self._stats = stats
        self._flush_every = flush_every
        self._findings: list[tuple[ParsedFinding, str]] = []
        self._quarantined: list[tuple[QuarantinedRecord, str]] = []

    def add(self, result: FileParseResult, *, source: str) -> None:
        """Count one parse result and queue its findings and quarantined records."""
        if result.skipped_reason and not result.findings and not result.quarantined:
            self._stats.skipped_files += 1
            self._stats.skipped[result.file_kind] += 1
        self._stats.findings_seen += len(result.findings)
        self._stats.quarantined += len(result.quarantined)
        for record in result.quarantined:
            self._stats.reasons[record.reason] += 1
        self._findings.extend((finding, source) for finding in result.findings)
        self._quarantined.extend((record, source) for record in result.quarantined)
        if len(self._findings) >= self._flush_every:
            self.flush()

    def flush(self) -> None:
        """Write everything queued so far; safe to call at any time."""
        loaded, unchanged = store_findings(engine=self._engine, findings=self._findings)
        self._stats.versions_loaded += loaded
        self._stats.unchanged += unchanged
        self._stats.quarantined_new += store_quarantined(
            engine=self._engine, records=self._quarantined, record_kind="finding"
        )
        self._findings = []
        self._quarantined = []

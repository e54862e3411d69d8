"""Ingest export files from local folders and `s3://bucket/prefix` locations."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlalchemy.engine import Engine

from triage.findings import parse_finding_bytes
from triage.ingest.batch import FindingBatchWriter
from triage.ingest.context_files import CONTEXT_KINDS, ContextBatchWriter
from triage.settings import Settings, get_settings
from triage.store.findings import LoadStats

logger = logging.getLogger(__name__)

ProgressFactory = Callable[[int], "ProgressLike"]


class ProgressLike:
    """The part of a progress bar the ingester uses."""

    def update(self, n: int = 1) -> None:  # pragma: no cover - interface only
        """Advance by n files."""

    def close(self) -> None:  # pragma: no cover - interface only
        """Finish the bar."""


def _iter_local(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.name.startswith(".") or child.suffix.lower() in {".md", ".txt"}:
                continue
            yield str(child), child.read_bytes()
    elif path.is_file():
        yield str(path), path.read_bytes()
    else:
        raise FileNotFoundError(f"no such file or folder: {path}")


def _iter_location(location: str, *, settings: Settings) -> Iterator[tuple[str, bytes]]:
    if location.startswith("s3://"):
        from triage.aws.s3 import iter_objects
        from triage.aws.session import make_session

        session = make_session(None, settings.aws_regions[0], settings)
        yield from iter_objects(location, session=session)
    else:
        yield from _iter_local(Path(location))


def _count_local_files(locations: Sequence[str]) -> int | None:
    total = 0
    for location in locations:
        if location.startswith("s3://"):
            return None
        path = Path(location)
        total += sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
    return total


def ingest_locations(
    locations: Sequence[str],
    *,
    engine: Engine,
    settings: Settings | None = None,
    progress: bool = False,
) -> LoadStats:
    """Read every file under the given folders, files and S3 prefixes into the raw layer.

    Each file is parsed on its own: CloudTrail and AWS Config files load into their own raw
    tables, a file that holds nothing we read is counted as skipped, records that cannot be
    keyed or dated go to quarantine, and the rest load.
    """
    settings = settings or get_settings()
    stats = LoadStats()
    writer = FindingBatchWriter(engine=engine, stats=stats)
    context_writer = ContextBatchWriter(engine=engine, stats=stats)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=_count_local_files(locations), unit="file", file=sys.stderr)

    for location in locations:
        for source, data in _iter_location(location, settings=settings):
            stats.files += 1
            result = parse_finding_bytes(data, source=source)
            if result.file_kind in CONTEXT_KINDS and not result.findings:
                # CloudTrail and Config files load into their own raw tables.
                context_writer.add(data, source=source, kind=result.file_kind)
                if bar is not None:
                    bar.update(1)
                continue
            writer.add(result, source=source)
            if result.skipped_reason and not result.findings:
                logger.info("skipped file source=%s kind=%s", source, result.file_kind)
            if bar is not None:
                bar.update(1)
    writer.flush()

    if bar is not None:
        bar.close()
    logger.info(
        "ingested files=%s findings_seen=%s versions_loaded=%s quarantined=%s",
        stats.files,
        stats.findings_seen,
        stats.versions_loaded,
        stats.quarantined,
    )
    return stats

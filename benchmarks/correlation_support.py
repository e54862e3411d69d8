"""Shared helpers of the correlation benchmarks: scratch databases, loading, scoring."""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from triage.findings import parse_finding_bytes  # noqa: E402
from triage.store.db import dispose_engines, get_migrated_engine  # noqa: E402
from triage.store.findings import store_findings  # noqa: E402


@contextmanager
def scratch_database(prefix: str, keep: bool = False) -> Iterator[str]:
    """A new database on the DATABASE_URL server, dropped afterwards unless `keep`."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        sys.exit("DATABASE_URL is not set: run `set -a; . .services/env; set +a` first")
    base, _, _ = server.rpartition("/")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        dispose_engines()
        if not keep:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')


def load_findings(database_url: str, findings: Iterable[dict[str, Any]], chunk: int = 5000) -> int:
    """Normalise and store ASFF findings in the raw layer; return the versions stored."""
    engine = get_migrated_engine(database_url)
    batch: list[dict[str, Any]] = []
    stored = 0

    def flush() -> int:
        result = parse_finding_bytes(json.dumps({"Findings": batch}).encode(), source="bench")
        inserted, _ = store_findings(
            engine=engine, findings=[(parsed, "bench") for parsed in result.findings]
        )
        return inserted

    for finding in findings:
        batch.append(finding)
        if len(batch) >= chunk:
            stored += flush()
            batch = []
    if batch:
        stored += flush()
    return stored


def pairwise_quality(
    predicted: Mapping[str, str], truth: Mapping[str, str]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against labels (same items)."""
    items = [item for item in truth if item in predicted]

    def pairs(counts: Iterable[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    both = pairs(Counter((predicted[i], truth[i]) for i in items).values())
    pred = pairs(Counter(predicted[i] for i in items).values())
    true = pairs(Counter(truth[i] for i in items).values())
    precision = both / pred if pred else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1

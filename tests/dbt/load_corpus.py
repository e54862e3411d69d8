"""Load the shared ASFF corpus into a development database to exercise the dbt models.

Not a test: run it by hand against a scratch database, e.g.
`DATABASE_URL=postgresql://.../triage_dbt_dev .venv/bin/python tests/dbt/load_corpus.py`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from triage.findings import parse_finding_bytes
from triage.store.db import get_migrated_engine
from triage.store.findings import store_findings

logger = logging.getLogger(__name__)

CORPUS_ASFF = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "asff"


def load_corpus(database_url: str, corpus_dir: Path = CORPUS_ASFF) -> tuple[int, int]:
    """Parse every corpus file and store its findings; return (versions stored, files read)."""
    engine = get_migrated_engine(database_url)
    stored = 0
    files = sorted(path for path in corpus_dir.rglob("*") if path.is_file())
    for path in files:
        result = parse_finding_bytes(path.read_bytes(), source=str(path))
        batch = [(parsed, str(path)) for parsed in result.findings]
        inserted, _ = store_findings(engine=engine, findings=batch)
        stored += inserted
    return stored, len(files)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("DATABASE_URL is not set")
    stored_count, file_count = load_corpus(url)
    logger.info("stored=%s files=%s", stored_count, file_count)

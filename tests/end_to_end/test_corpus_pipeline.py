"""End to end on the public corpus: CLI ingest, dbt build, marts and API agree."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.integration

TRIAGE = str(Path(sys.executable).parent / "triage")


def _objects_in(path: Path) -> list[object]:
    """Decode one corpus file into top-level JSON values (JSON Lines gives several)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _finding_keys(value: object) -> set[tuple[str, str]]:
    """Every (ProductArn, Id) pair found anywhere in a decoded file, whatever the wrapper."""
    keys: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        if "ProductArn" in value and "Id" in value and "SchemaVersion" in value:
            keys.add((str(value["ProductArn"]), str(value["Id"])))
        for child in value.values():
            keys |= _finding_keys(child)
    elif isinstance(value, list):
        for child in value:
            keys |= _finding_keys(child)
    return keys


def _corpus_keys(corpus: Path) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for folder in ("asff", "asff-eventbridge"):
        for path in sorted((corpus / folder).rglob("*")):
            if path.is_file() and path.suffix != ".md":
                for obj in _objects_in(path):
                    keys |= _finding_keys(obj)
    return keys


def _ingest(corpus: Path, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run(
        [TRIAGE, "ingest", str(corpus), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_corpus_ingest_build_and_api_totals(corpus_dir, database_url, engine):
    with engine.begin() as conn:
        conn.execute(sa.text("truncate raw.securityhub_findings, raw.quarantine"))

    first = _ingest(corpus_dir, database_url)
    second = _ingest(corpus_dir, database_url)

    assert first["versions_loaded"] > 0
    assert first["skipped_files"] > 0, "CloudTrail and Config files are skipped, not loaded"
    assert second["versions_loaded"] == 0
    assert second["quarantined_new"] == 0
    assert second["findings_seen"] == first["findings_seen"]

    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([TRIAGE, "build", "--quiet"], env=env, check=True)

    expected = _corpus_keys(corpus_dir)
    assert len(expected) == 952
    with engine.connect() as conn:
        in_marts = {
            (row.product_arn, row.finding_id)
            for row in conn.execute(
                sa.text("select product_arn, finding_id from marts.fct_alert_findings")
            )
        }
        quarantine = conn.execute(sa.text("select reason, original_text from raw.quarantine")).all()
        mart_total = conn.execute(sa.text("select count(*) from marts.fct_alerts")).scalar_one()
    missing = []
    for product_arn, finding_id in expected - in_marts:
        needle = json.dumps(finding_id)
        if not any(needle in text and reason for reason, text in quarantine):
            missing.append((product_arn, finding_id))
    assert missing == []

    from fastapi.testclient import TestClient

    from api.main import create_app
    from triage.accounts.roles import Role
    from triage.accounts.users import create_user, find_user
    from triage.audit import Actor

    with engine.begin() as db:
        if find_user(db=db, username="e2e-viewer") is None:
            create_user(
                db=db,
                actor=Actor.system("tests"),
                username="e2e-viewer",
                password="an-end-to-end-password",
                role=Role.VIEWER,
            )
    with TestClient(create_app(engine=engine)) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"username": "e2e-viewer", "password": "an-end-to-end-password"},
        ).json()["access_token"]
        body = client.get(
            "/api/v1/alerts", params={"limit": 5}, headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert body["total"] == mart_total

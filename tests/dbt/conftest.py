"""Fixtures for the dbt tests: raw finding versions for the B-cases and one `dbt build`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.dbt.raw_findings import case_rows, insert_versions

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = REPO_ROOT / "dbt"
DBT_EXECUTABLE = REPO_ROOT / ".venv" / "bin" / "dbt"


@dataclass(frozen=True)
class DbtRun:
    """The outcome of the one `dbt build` the module shares."""

    returncode: int
    output: str


def _drop_dbt_schemas(engine: Engine) -> None:
    with engine.begin() as connection:
        for schema in ("marts", "intermediate", "staging"):
            connection.execute(sa.text(f"drop schema if exists {schema} cascade"))
        connection.execute(sa.text("truncate raw.securityhub_findings restart identity"))


def run_dbt_build(database_url: str, work_dir: Path) -> DbtRun:
    """Run `dbt build` on the given database; a non-UTC client zone proves the pre-hook."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PGTZ": "America/New_York",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "build",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return DbtRun(returncode=completed.returncode, output=completed.stdout + completed.stderr)


@pytest.fixture(scope="module")
def dbt_build(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DbtRun]:
    """Load the case rows, run one `dbt build` over them, and clean up afterwards."""
    _drop_dbt_schemas(engine)
    insert_versions(engine, case_rows())
    yield run_dbt_build(database_url, tmp_path_factory.mktemp("dbt"))
    _drop_dbt_schemas(engine)

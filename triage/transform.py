"""Run the dbt project that builds the staging, intermediate and marts schemas."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from triage.errors import TriageError
from triage.store.db import require_database_url

logger = logging.getLogger(__name__)

DBT_PROJECT_DIR = Path(
    os.environ.get("TRIAGE_DBT_PROJECT_DIR", Path(__file__).resolve().parents[1] / "dbt")
)


class DbtBuildError(TriageError):
    """dbt exited with an error; its own output says which model or test failed."""


def dbt_executable() -> str:
    """Return the dbt executable installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if not found:
        raise TriageError("dbt is not installed: run `make install`")
    return found


def run_dbt(args: list[str], *, database_url: str | None = None) -> None:
    """Run a dbt command against DATABASE_URL, streaming its output, raising on failure."""
    env = dict(os.environ)
    env["DATABASE_URL"] = require_database_url(database_url)
    env.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    logger.info("running %s", " ".join(cmd[1:3]))
    completed = subprocess.run(cmd, env=env, check=False)
    if completed.returncode != 0:
        raise DbtBuildError(f"`dbt {' '.join(args)}` failed with exit code {completed.returncode}")

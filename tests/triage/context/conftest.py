"""Fixtures for the resource-context tests: an emptied raw layer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

CONTEXT_TABLES = (
    "raw.aws_config_configuration_items, raw.aws_config_compliance_events, "
    "raw.cloudtrail_events, raw.resources_snapshots, raw.quarantine, raw.securityhub_findings, "
    "raw.ingest_cursors"
)


@pytest.fixture()
def context_db(engine: Engine) -> Engine:
    """The test database with the finding and context raw tables emptied."""
    with engine.begin() as conn:
        conn.execute(sa.text(f"truncate {CONTEXT_TABLES} restart identity"))
    return engine


@pytest.fixture(scope="session")
def moto_url():
    """A `moto_server` subprocess for this folder's tests, stopped by its pid afterwards."""
    from triage.demo.seed import start_moto_server, stop_moto_server

    process, url = start_moto_server()
    yield url
    stop_moto_server(process)

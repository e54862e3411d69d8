"""A labelled estate run through the whole pipeline once per module, in its own database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy.engine import Engine

from triage.demo.incidents import LabelledEstate, generate_incidents
from triage.findings import parse_finding_bytes
from triage.store.findings import store_findings
from triage.transform import run_dbt

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class BuiltEstate:
    """The database of one module, its engine and the labels of what was loaded."""

    url: str
    engine: Engine
    estate: LabelledEstate


def dagster_correlation(url: str) -> None:
    """Materialise the two correlation assets in-process, as a Dagster run would."""
    import dagster as dg

    from pipelines.assets.correlation import correlation_alert_groups, correlation_alert_pairs
    from pipelines.resources import WarehouseResource

    result = dg.materialize(
        [correlation_alert_pairs, correlation_alert_groups],
        resources={"warehouse": WarehouseResource(database_url=url)},
    )
    assert result.success


def full_rebuild(url: str) -> None:
    """A full `dbt build`, the correlation assets, then the correlation marts again."""
    run_dbt(["build", "--quiet"], database_url=url)
    dagster_correlation(url)
    run_dbt(["build", "--quiet", "--select", "tag:correlation_marts"], database_url=url)


@pytest.fixture(scope="module")
def built(database_url: str) -> Iterator[BuiltEstate]:
    """Forty labelled incidents loaded, built and correlated in a database of their own."""
    from triage.store.db import get_migrated_engine

    base, _, _ = database_url.rpartition("/")
    name = f"triage_corr_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = f"{base}/{name}"
    engine = get_migrated_engine(url)
    estate = generate_incidents(40, seed=5, now=NOW)
    parsed = parse_finding_bytes(json.dumps({"Findings": estate.findings}).encode(), source="t")
    store_findings(engine=engine, findings=[(p, "t") for p in parsed.findings])
    full_rebuild(url)
    yield BuiltEstate(url=url, engine=engine, estate=estate)
    engine.dispose()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')

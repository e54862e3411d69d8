"""Parquet exports of the marts, for data teams who work with DuckDB or polars."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from triage.errors import NotFoundError

logger = logging.getLogger(__name__)

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class ExportedTable:
    """One mart written to one Parquet file."""

    table: str
    path: Path
    rows: int


def _columns(engine: Engine, table: str) -> list[tuple[str, str]]:
    query = sa.text(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = :schema and table_name = :table order by ordinal_position"
    )
    with engine.connect() as conn:
        return [
            (row[0], row[1])
            for row in conn.execute(query, {"schema": MARTS_SCHEMA, "table": table})
        ]


def list_mart_tables(engine: Engine) -> list[str]:
    """Return the tables dbt has built in the marts schema, by name."""
    query = sa.text(
        "select table_name from information_schema.tables "
        "where table_schema = :schema and table_type = 'BASE TABLE' order by table_name"
    )
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(query, {"schema": MARTS_SCHEMA})]


def export_marts(
    *, engine: Engine, folder: Path, tables: list[str] | None = None
) -> list[ExportedTable]:
    """Write each mart to `<folder>/<table>.parquet`, replacing an earlier export.

    JSON columns are written as their JSON text (Parquet has no JSON type and the shape of
    tags varies from resource to resource); arrays stay lists; timestamps stay UTC.

    Raises:
        NotFoundError: the marts have not been built, or a named table is not among them.
    """
    available = list_mart_tables(engine)
    if not available:
        raise NotFoundError("no tables in the marts schema: run `triage build` first")
    wanted = tables or available
    missing = sorted(set(wanted) - set(available))
    if missing:
        raise NotFoundError(
            f"not in the marts schema: {', '.join(missing)}; have {', '.join(available)}"
        )

    folder.mkdir(parents=True, exist_ok=True)
    exported = []
    for table in wanted:
        select_list = ", ".join(
            f'"{name}"::text as "{name}"' if kind in {"json", "jsonb"} else f'"{name}"'
            for name, kind in _columns(engine, table)
        )
        with engine.connect() as conn:
            frame = pl.read_database(f'select {select_list} from {MARTS_SCHEMA}."{table}"', conn)
        path = folder / f"{table}.parquet"
        frame.write_parquet(path)
        logger.info("exported table=%s rows=%s path=%s", table, frame.height, path)
        exported.append(ExportedTable(table=table, path=path, rows=frame.height))
    return exported

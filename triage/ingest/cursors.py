"""High-water marks per source, account and region in `raw.ingest_cursors`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def read_cursor(*, engine: Engine, source: str, account: str, region: str) -> datetime | None:
    """Return the stored high-water mark, or None before the first successful run."""
    with engine.connect() as conn:
        return conn.execute(
            sa.text(
                "select high_water_mark from raw.ingest_cursors "
                "where source = :source and aws_account_id = :account and region = :region"
            ),
            {"source": source, "account": account, "region": region},
        ).scalar_one_or_none()


def write_cursor(
    *, engine: Engine, source: str, account: str, region: str, high_water_mark: datetime
) -> None:
    """Move the high-water mark forward (never backward)."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into raw.ingest_cursors (source, aws_account_id, region, high_water_mark) "
                "values (:source, :account, :region, :hwm) "
                "on conflict (source, aws_account_id, region) do update set "
                "high_water_mark = greatest(raw.ingest_cursors.high_water_mark, "
                "excluded.high_water_mark), updated_at = now()"
            ),
            {"source": source, "account": account, "region": region, "hwm": high_water_mark},
        )

"""The demo reset empties the raw layer and the resource cache, and nothing else."""

from __future__ import annotations

import redis
import sqlalchemy as sa

from triage.demo.reset import RAW_TABLES, reset_demo_data
from triage.resources.cache import DEFAULT_NAMESPACE


def test_reset_empties_raw_tables_and_cache_keys(engine, redis_url):
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into raw.ingest_cursors (source, aws_account_id, region, high_water_mark) "
                "values ('demo', '1', 'r', now()) on conflict do nothing"
            )
        )
    client = redis.Redis.from_url(redis_url)
    client.set(f"{DEFAULT_NAMESPACE}:facts:arn:aws:s3:::old", "{}")
    client.set("other:key", "kept")

    removed = reset_demo_data(engine=engine, redis_url=redis_url)

    with engine.connect() as conn:
        counts = [
            conn.execute(sa.text(f"select count(*) from {t}")).scalar_one() for t in RAW_TABLES
        ]
    assert counts == [0] * len(RAW_TABLES)
    assert removed >= 1 and client.get("other:key") == b"kept"
    client.delete("other:key")

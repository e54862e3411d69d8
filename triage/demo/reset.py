"""Forget what an earlier demo run loaded: its emulator is gone, so its rows are stale.

Each `make demo` starts a fresh emulator whose findings, resources and logs carry new
timestamps; rows and cached look-ups from an earlier run would mix two estates (and an
old high-water mark would hide the new findings from `GetFindings`). Human decisions in
the `app` schema are left alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from triage.resources.cache import DEFAULT_NAMESPACE

RAW_TABLES = (
    "raw.securityhub_findings",
    "raw.quarantine",
    "raw.ingest_cursors",
    "raw.ingest_runs",
    "raw.aws_config_configuration_items",
    "raw.aws_config_compliance_events",
    "raw.cloudtrail_events",
    "raw.resources_snapshots",
)


def reset_demo_data(*, engine: Engine, redis_url: str | None) -> int:
    """Empty the raw layer and the resource cache; return how many cache keys went."""
    with engine.begin() as conn:
        conn.execute(sa.text(f"truncate {', '.join(RAW_TABLES)} restart identity"))
    if not redis_url:
        return 0
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{DEFAULT_NAMESPACE}:*"))
    if keys:
        client.delete(*keys)
    return len(keys)

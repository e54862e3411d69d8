"""Write Config items, compliance events, CloudTrail events and snapshots, idempotently."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from triage.activity import CloudTrailEvent
    from triage.aws_config import ComplianceEvent, ConfigurationItem
    from triage.resources.snapshot import ResourceSnapshot


def _insert(engine: Engine, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> int:
    """Insert rows with `on conflict do nothing`; return how many were new."""
    if not rows:
        return 0
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"insert into {table} ({', '.join(columns)}) values ({placeholders}) "
        "on conflict do nothing returning 1"
    )
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        inserted = 0
        with driver.cursor() as cur:
            cur.executemany(sql, rows, returning=True)
            while True:
                inserted += len(cur.fetchall())
                if not cur.nextset():
                    break
        driver.commit()
    finally:
        raw.close()
    return inserted


def store_configuration_items(
    *, engine: Engine, items: Sequence[tuple[ConfigurationItem, str]]
) -> int:
    """Store configuration items once each (keyed by content hash); return how many were new."""
    rows = [
        (
            item.content_hash,
            item.resource_type,
            item.resource_id,
            item.resource_name,
            item.resource_arn,
            item.aws_account_id,
            item.region,
            item.captured_at,
            item.status,
            item.version,
            json.dumps(item.item, ensure_ascii=False),
            source,
        )
        for item, source in items
    ]
    columns = (
        "content_hash, resource_type, resource_id, resource_name, resource_arn, aws_account_id, "
        "region, captured_at, item_status, item_version, item, source"
    ).split(", ")
    return _insert(engine, "raw.aws_config_configuration_items", columns, rows)


def store_compliance_events(
    *, engine: Engine, events: Sequence[tuple[ComplianceEvent, str]]
) -> int:
    """Store compliance events once each; return how many were new."""
    rows = [
        (
            event.content_hash,
            event.event_kind,
            event.config_rule_name,
            event.resource_type,
            event.resource_id,
            event.aws_account_id,
            event.compliance_type,
            event.recorded_at,
            json.dumps(event.event, ensure_ascii=False, default=str),
            source,
        )
        for event, source in events
    ]
    columns = (
        "content_hash, event_kind, config_rule_name, resource_type, resource_id, "
        "aws_account_id, compliance_type, recorded_at, event, source"
    ).split(", ")
    return _insert(engine, "raw.aws_config_compliance_events", columns, rows)


def store_cloudtrail_events(
    *, engine: Engine, events: Sequence[tuple[CloudTrailEvent, str]]
) -> int:
    """Store CloudTrail records keyed by (event key, content hash); return how many were new."""
    rows = [
        (
            event.event_key,
            event.content_hash,
            event.event_id,
            event.event_time,
            event.event_name,
            event.event_source,
            event.aws_account_id,
            event.region,
            json.dumps(event.record, ensure_ascii=False),
            source,
        )
        for event, source in events
    ]
    columns = (
        "event_key, content_hash, event_id, event_time, event_name, event_source, "
        "aws_account_id, region, record, source"
    ).split(", ")
    return _insert(engine, "raw.cloudtrail_events", columns, rows)


def store_snapshots(*, engine: Engine, snapshots: Sequence[ResourceSnapshot]) -> int:
    """Store resource snapshots, once per distinct set of facts; return how many were new."""
    rows = [
        (
            snap.resource_arn,
            snap.resource_type,
            snap.resource_id,
            snap.aws_account_id,
            snap.region,
            snap.content_hash,
            json.dumps(snap.facts, ensure_ascii=False, default=str),
            snap.taken_at,
            snap.source,
        )
        for snap in snapshots
    ]
    columns = (
        "resource_arn, resource_type, resource_id, aws_account_id, region, content_hash, "
        "facts, taken_at, source"
    ).split(", ")
    return _insert(engine, "raw.resources_snapshots", columns, rows)

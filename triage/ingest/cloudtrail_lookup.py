"""Narrow CloudTrail look-ups (one resource, a short window) stored like trail records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from triage.activity import parse_cloudtrail_document
from triage.aws.cloudtrail import CloudTrailLookupClient
from triage.store.context import store_cloudtrail_events
from triage.store.findings import store_quarantined

logger = logging.getLogger(__name__)


@dataclass
class LookupStats:
    """Counts of one look-up."""

    calls: int = 0
    events_seen: int = 0
    events_loaded: int = 0
    quarantined: int = 0


def lookup_resource_activity(
    *,
    engine: Engine,
    client: Any,
    resource_name: str,
    start: datetime,
    end: datetime,
    lookup: CloudTrailLookupClient | None = None,
) -> LookupStats:
    """Fetch the events that name one resource through `LookupEvents` and store them.

    For a resource whose trail files are not delivered to a bucket the pipeline reads; the
    client keeps to 2 requests/s. Stored records dedupe with trail-file records by event id
    and content hash.
    """
    reader = lookup or CloudTrailLookupClient(client)
    entries = list(
        reader.lookup(attribute="ResourceName", value=resource_name, start=start, end=end)
    )
    parsed = parse_cloudtrail_document({"Events": entries})
    source = f"LookupEvents:ResourceName={resource_name}"
    stats = LookupStats(calls=reader.calls, events_seen=len(parsed.events))
    stats.events_loaded = store_cloudtrail_events(
        engine=engine, events=[(event, source) for event in parsed.events]
    )
    stats.quarantined = store_quarantined(
        engine=engine, records=[(q, source) for q in parsed.quarantined], record_kind="cloudtrail"
    )
    logger.info(
        "lookup resource=%s calls=%d seen=%d loaded=%d",
        resource_name,
        stats.calls,
        stats.events_seen,
        stats.events_loaded,
    )
    return stats

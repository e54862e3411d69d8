"""Enrich the resources alerts name: look up facts through the cache, store snapshots."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from triage.aws.session import make_client, make_session
from triage.errors import SourceUnavailableError
from triage.resources.cache import ResourceCache
from triage.resources.lookup import ClientFactory, ResourceMetadataLookup, ResourceRef
from triage.resources.snapshot import make_snapshot
from triage.settings import Settings
from triage.store.context import store_snapshots

logger = logging.getLogger(__name__)


def session_client_factory(settings: Settings) -> ClientFactory:
    """Return a factory of boto3 clients per (service, account, region), made once each."""
    accounts = {account.account_id: account for account in settings.aws_accounts}
    made: dict[tuple[str, str | None, str | None], Any] = {}
    lock = threading.Lock()

    def factory(service: str, account_id: str | None, region: str | None) -> Any:
        key = (service, account_id, region)
        with lock:
            if key not in made:
                session = make_session(
                    accounts.get(account_id or ""), region or settings.aws_regions[0], settings
                )
                made[key] = make_client(session, service, settings)
            return made[key]

    return factory


@dataclass
class EnrichStats:
    """What one enrichment run did."""

    resources: int = 0
    snapshots_stored: int = 0
    failed: int = 0


def enrich_resources(
    refs: Sequence[ResourceRef],
    *,
    lookup: ResourceMetadataLookup,
    engine: Engine | None = None,
    workers: int = 8,
) -> tuple[EnrichStats, list[dict[str, Any]]]:
    """Describe every resource (in parallel workers) and store the snapshots.

    A resource whose look-up fails for good is logged and counted; the rest still load.
    """
    stats = EnrichStats(resources=len(refs))

    def describe(ref: ResourceRef) -> dict[str, Any] | None:
        try:
            return lookup.describe(ref)
        except SourceUnavailableError:
            logger.exception("resource look-up failed arn=%s", ref.arn)
            return None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(describe, refs))
    facts = [f for f in results if f is not None]
    stats.failed = len(results) - len(facts)
    if engine is not None:
        snapshots = [
            make_snapshot(ref, f, source="resource-lookup")
            for ref, f in zip(refs, results, strict=True)
            if f is not None
        ]
        stats.snapshots_stored = store_snapshots(engine=engine, snapshots=snapshots)
    return stats, facts


def make_lookup(
    settings: Settings, *, clients: ClientFactory | None = None
) -> ResourceMetadataLookup:
    """Build the look-up with the configured Redis cache and AWS clients."""
    if not settings.redis_url:
        raise SourceUnavailableError("REDIS_URL is not set; the resource cache needs Redis")
    cache = ResourceCache.from_url(
        settings.redis_url, ttl_seconds=settings.resource_cache_ttl_seconds
    )
    return ResourceMetadataLookup(
        clients=clients or session_client_factory(settings), cache=cache, settings=settings
    )

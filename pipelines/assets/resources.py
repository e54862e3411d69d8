"""Resource metadata snapshots (tags, owner, exposure) for the resources alerts name."""

import dagster as dg

from pipelines.resources.warehouse import WarehouseResource
from triage.resources.enrich import enrich_resources, make_lookup
from triage.resources.snapshot import alert_resource_refs
from triage.settings import get_settings


@dg.asset(
    key=["resources", "snapshots"],
    group_name="resources",
    deps=[["securityhub", "findings"]],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"postgres", "aws", "redis"},
)
def resources_snapshots(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """One row per distinct set of facts about each resource a stored finding names.

    Facts: tags (tagging API, then the service's own), owner, team, environment, data
    classification, compliance tags, creation date and exposure (S3 public access block and
    policy status, security-group rules open to the world, IAM console access and key age).
    Look-ups go through the Redis cache; a refused look-up is recorded as unknown.
    """
    settings = get_settings()
    engine = warehouse.get_engine()
    refs = alert_resource_refs(engine=engine)
    lookup = make_lookup(settings)
    stats, _ = enrich_resources(refs, lookup=lookup, engine=engine)
    cache = lookup.cache_stats
    context.log.info(f"resources={stats.resources} aws_calls={lookup.aws_calls}")
    return dg.MaterializeResult(
        metadata={
            "resources": stats.resources,
            "snapshots_stored": stats.snapshots_stored,
            "failed": stats.failed,
            "aws_calls": lookup.aws_calls,
            "cache_hit_ratio": round(cache.hit_ratio, 3),
            "cache_fetches": cache.fetches,
        }
    )

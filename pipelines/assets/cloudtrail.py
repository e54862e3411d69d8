"""CloudTrail records from trail log files in S3 (and plain files), into raw.cloudtrail_events."""

import dagster as dg

from pipelines.resources.warehouse import WarehouseResource
from triage.ingest.cloudtrail_trails import ingest_trail_files
from triage.ingest.files import ingest_locations
from triage.settings import get_settings
from triage.store.findings import LoadStats


class CloudTrailIngestConfig(dg.Config):
    """Where one materialization reads."""

    trail_locations: list[str] = []
    file_locations: list[str] = []
    lookback_days: int | None = None


@dg.asset(
    key=["cloudtrail", "events"],
    group_name="cloudtrail",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"postgres", "aws"},
)
def cloudtrail_events(
    context: dg.AssetExecutionContext, config: CloudTrailIngestConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Every distinct CloudTrail record, keyed by event id plus content hash.

    Trail buckets (TRIAGE_CLOUDTRAIL_LOCATIONS, `s3://bucket/prefix`) are read by account,
    region and day from each scope's cursor; other files or folders are read whole.
    """
    settings = get_settings()
    engine = warehouse.get_engine()
    stats = LoadStats()
    trails = config.trail_locations or settings.cloudtrail_locations
    if trails:
        stats.add(
            ingest_trail_files(
                trails,
                engine=engine,
                settings=settings,
                lookback_days=config.lookback_days or settings.cloudtrail_lookback_days,
            )
        )
    if config.file_locations:
        stats.add(ingest_locations(config.file_locations, engine=engine, settings=settings))
    counts = stats.as_dict()
    context.log.info(f"cloudtrail files={counts['files']} context={counts['context']}")
    return dg.MaterializeResult(
        metadata={
            "files": counts["files"],
            "events_seen": counts["context"].get("cloudtrail_events_seen", 0),
            "events_loaded": counts["context"].get("cloudtrail_events_loaded", 0),
            "quarantined": counts["quarantined"],
        }
    )

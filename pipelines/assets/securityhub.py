"""Security Hub finding versions, ingested incrementally into `raw.securityhub_findings`."""

import dagster as dg

from pipelines.resources.warehouse import WarehouseResource
from triage.ingest import ingest_locations, ingest_securityhub_api
from triage.settings import get_settings
from triage.store.findings import LoadStats


class FindingsIngestConfig(dg.Config):
    """Which sources one materialization reads."""

    from_api: bool = True
    export_locations: list[str] = []


@dg.asset(
    key=["securityhub", "findings"],
    group_name="securityhub",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"postgres", "aws"},
)
def securityhub_findings(
    context: dg.AssetExecutionContext, config: FindingsIngestConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Every version of every Security Hub finding (ASFF), one row per distinct version.

    Reads `GetFindings` for each configured account and region from its high-water mark
    minus an overlap window, plus any export files (folders or `s3://` prefixes) named in
    the run config or in TRIAGE_EXPORT_LOCATIONS. Loads are idempotent upserts, so a retry
    or rerun stores nothing twice. A scope that still fails after retries fails the run.
    """
    settings = get_settings()
    engine = warehouse.get_engine()
    stats = LoadStats()
    scopes_meta: list[dict[str, object]] = []

    if config.from_api:
        for scope in ingest_securityhub_api(engine=engine, settings=settings):
            stats.add(scope.stats)
            scopes_meta.append(
                {
                    "account": scope.aws_account_id,
                    "region": scope.region,
                    "status": scope.status,
                    "pages": scope.pages,
                    "window_start": scope.window_start.isoformat(),
                    "window_end": scope.window_end.isoformat(),
                    "versions_loaded": scope.stats.versions_loaded,
                }
            )
            context.log.info(
                f"scope account={scope.aws_account_id} region={scope.region} "
                f"status={scope.status} pages={scope.pages}"
            )
    locations = config.export_locations or settings.export_locations
    if locations:
        stats.add(ingest_locations(locations, engine=engine, settings=settings))

    counts = stats.as_dict()
    return dg.MaterializeResult(
        metadata={
            "findings_seen": counts["findings_seen"],
            "versions_loaded": counts["versions_loaded"],
            "unchanged": counts["unchanged"],
            "quarantined": counts["quarantined"],
            "files": counts["files"],
            "quarantine_reasons": dg.MetadataValue.json(counts["reasons"]),
            "scopes": dg.MetadataValue.json(scopes_meta),
        }
    )

"""AWS Config history for the resources alerts name, into `raw.aws_config_*`."""

import dagster as dg

from pipelines.resources.warehouse import WarehouseResource
from triage.ingest.aws_config_api import ingest_config_history
from triage.ingest.files import ingest_locations
from triage.resources.enrich import session_client_factory
from triage.resources.snapshot import alert_resource_refs
from triage.settings import get_settings


class ConfigHistoryIngestConfig(dg.Config):
    """Which sources one materialization reads."""

    from_api: bool = True
    locations: list[str] = []


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["aws_config", "configuration_items"],
            group_name="aws_config",
            deps=[["securityhub", "findings"]],
            kinds={"postgres", "aws"},
            description="Every distinct configuration item of the resources alerts name.",
        ),
        dg.AssetSpec(
            ["aws_config", "compliance_events"],
            group_name="aws_config",
            kinds={"postgres", "aws"},
            description="Config rule evaluations and invocations found in Config files.",
        ),
    ],
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def aws_config_configuration_items(
    context: dg.AssetExecutionContext,
    config: ConfigHistoryIngestConfig,
    warehouse: WarehouseResource,
):  # type: ignore[no-untyped-def]
    """Configuration items (one row per distinct item) and compliance events.

    Reads `GetResourceConfigHistory` per resource named by a stored finding, from its
    cursor (or the horizon, 90 days by default) in 7-day windows, following tokens across
    empty pages; plus Config history and snapshot files under the configured locations
    (TRIAGE_AWS_CONFIG_LOCATIONS). Loads are idempotent.
    """
    settings = get_settings()
    engine = warehouse.get_engine()
    api_meta: dict[str, object] = {}
    if config.from_api:
        refs = alert_resource_refs(engine=engine)
        stats = ingest_config_history(
            refs, engine=engine, settings=settings, clients=session_client_factory(settings)
        )
        api_meta = {
            "resources": stats.resources,
            "calls": stats.calls,
            "items_loaded": stats.items_loaded,
            "unknown_resources": len(stats.unknown),
        }
        context.log.info(f"config history resources={stats.resources} calls={stats.calls}")
    files = ingest_locations(
        config.locations or settings.aws_config_locations, engine=engine, settings=settings
    )
    counts = files.as_dict()
    yield dg.MaterializeResult(
        asset_key=["aws_config", "configuration_items"],
        metadata={
            "api": dg.MetadataValue.json(api_meta),
            "file_items_loaded": counts["context"].get("aws_config_items_loaded", 0),
            "quarantined": counts["quarantined"],
        },
    )
    yield dg.MaterializeResult(
        asset_key=["aws_config", "compliance_events"],
        metadata={"events_loaded": counts["context"].get("aws_config_compliance_events_loaded", 0)},
    )

"""Jobs: the whole ingest-and-build graph, and the dbt build alone."""

import dagster as dg

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.all(),
    description="Ingest findings from every configured source, then rebuild the marts.",
)

transform_job = dg.define_asset_job(
    "transform_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.groups("securityhub", "aws_config", "cloudtrail", "resources"),
    description="Rebuild the staging, intermediate and marts models from what raw holds.",
)

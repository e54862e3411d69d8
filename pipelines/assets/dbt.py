"""The dbt project as Dagster assets: staging, intermediate and marts."""

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt"

# dbt renders profiles.yml at parse time; a placeholder lets the manifest build without a
# database. Runs always receive the real DATABASE_URL from the environment.
os.environ.setdefault("DATABASE_URL", "postgresql://triage@127.0.0.1:5432/triage")

# Models that read the correlation schema build in their own selection, after the
# correlation assets (pipelines/assets/correlation.py).
CORRELATION_MARTS = "tag:correlation_marts"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


class TriageDbtTranslator(DagsterDbtTranslator):
    """Names dbt assets by model and groups them by layer (staging, intermediate, marts).

    Sources keep the default `[source, table]` key, which is the key of the ingest asset
    that fills the table (`securityhub/findings`), so the graph joins them.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        """Return the bare model name for models, seeds and snapshots."""
        if dbt_resource_props.get("resource_type") in {"model", "seed", "snapshot"}:
            return dg.AssetKey([str(dbt_resource_props["name"])])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Return the model's layer, the first folder under models/."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return str(fqn[1])
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=TriageDbtTranslator(),
    exclude=CORRELATION_MARTS,
)
def triage_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Build and test every dbt model, seed and test."""
    yield from dbt.cli(["build"], context=context).stream()

"""Correlation: score the dbt candidate pairs, form groups, then build the group marts.

The order is dbt intermediate models -> `correlation/alert_pairs` ->
`correlation/alert_groups` (+ `correlation/alert_group_members`) -> the dbt models tagged
`correlation_marts`, which read the correlation schema as a dbt source. Those models are
a second dbt asset selection, so the first dbt build never waits on the correlation.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.assets.dbt import CORRELATION_MARTS, TriageDbtTranslator, dbt_project
from pipelines.resources.warehouse import WarehouseResource
from triage.correlation.steps import build_groups, build_pairs
from triage.settings import get_settings


@dg.asset(
    key=["correlation", "alert_pairs"],
    group_name="correlation",
    deps=[dg.AssetKey("int_alert_pairs_blocked"), dg.AssetKey("int_alert_features_extracted")],
    kinds={"postgres", "scikitlearn"},
)
def correlation_alert_pairs(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every candidate pair scored by text, resource, time, account, pattern and entity.

    Replaces `correlation.alert_pairs` with the pairs scoring at least
    TRIAGE_CORRELATION_STORE_MIN_SCORE, each with the parts of its score and its blocks.
    """
    stats = build_pairs(warehouse.get_engine(), get_settings())
    return dg.MaterializeResult(metadata=stats)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["correlation", "alert_groups"],
            group_name="correlation",
            deps=[correlation_alert_pairs],
            description="One row per group: parent alert, title, size.",
            kinds={"postgres"},
        ),
        dg.AssetSpec(
            ["correlation", "alert_group_members"],
            group_name="correlation",
            deps=[correlation_alert_pairs],
            description="One row per grouped alert with why it is in its group.",
            kinds={"postgres"},
        ),
    ],
)
def correlation_alert_groups(warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    """Groups of the pairs above the threshold under the grouping rules and manual edits.

    Group ids carry over from the previous run by Jaccard overlap of at least 0.5.
    """
    stats = build_groups(warehouse.get_engine(), get_settings())
    yield dg.MaterializeResult(asset_key=["correlation", "alert_groups"], metadata=stats)
    yield dg.MaterializeResult(
        asset_key=["correlation", "alert_group_members"],
        metadata={"grouped_alerts": stats["grouped_alerts"]},
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    select=CORRELATION_MARTS,
    dagster_dbt_translator=TriageDbtTranslator(),
    name="triage_dbt_correlation_marts",
)
def triage_dbt_correlation_marts(
    context: dg.AssetExecutionContext, dbt: DbtCliResource
) -> Iterator[Any]:
    """Build and test the marts that read the correlation schema."""
    yield from dbt.cli(["build"], context=context).stream()

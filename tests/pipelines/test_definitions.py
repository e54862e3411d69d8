"""Smoke test: the Dagster code location loads and every job resolves."""

from __future__ import annotations

import dagster as dg


def test_definitions_load_and_jobs_resolve():
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    job_names = {job.name for job in repo.get_all_jobs()}
    assert {"ingest_job", "transform_job"} <= job_names
    for name in job_names:
        assert repo.get_job(name) is not None

    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert "securityhub/findings" in keys
    assert "fct_alerts" in keys
    assert "fct_alert_findings" in keys

    # The dbt staging model depends on the ingest asset through the dbt source.
    graph = defs.resolve_asset_graph()
    upstream = {
        key.to_user_string()
        for key in graph.get(dg.AssetKey("stg_securityhub__findings")).parent_keys
    }
    assert "securityhub/findings" in upstream

    # The reopen step runs after the marts it reads.
    reopen = graph.get(dg.AssetKey(["app", "alert_states_reopened"])).parent_keys
    assert dg.AssetKey("fct_alerts") in reopen
    assert "writeback_outbox_sensor" in {sensor.name for sensor in repo.sensor_defs}


def test_resource_context_assets_feed_their_dbt_staging_models():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for ingest, staging in (
        ("aws_config/configuration_items", "stg_aws_config__configuration_items"),
        ("aws_config/compliance_events", "stg_aws_config__compliance_events"),
        ("cloudtrail/events", "stg_cloudtrail__events"),
        ("resources/snapshots", "stg_resources__snapshots"),
    ):
        parents = {key.to_user_string() for key in graph.get(dg.AssetKey(staging)).parent_keys}
        assert ingest in parents, staging
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"fct_resource_changes", "fct_resource_activity", "fct_alert_assessments"} <= keys


def test_correlation_assets_sit_between_the_dbt_pairs_and_the_correlation_marts():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    pairs = graph.get(dg.AssetKey(["correlation", "alert_pairs"]))
    assert {k.to_user_string() for k in pairs.parent_keys} >= {"int_alert_pairs_blocked"}
    groups = graph.get(dg.AssetKey("fct_alert_groups"))
    members = graph.get(dg.AssetKey("fct_alert_group_members"))
    assert dg.AssetKey("stg_correlation__alert_groups") in groups.parent_keys | set().union(
        *(graph.get(p).parent_keys for p in groups.parent_keys)
    )
    upstream = {
        k.to_user_string()
        for k in graph.get(dg.AssetKey("stg_correlation__alert_group_members")).parent_keys
    }
    assert upstream == {"correlation/alert_group_members"}
    assert dg.AssetKey("fct_alerts") in members.parent_keys
    # the marts that read the correlation schema are not in the first dbt selection
    first = next(
        a for a in defs.assets if getattr(a, "op", None) and a.op.name == "triage_dbt_assets"
    )
    assert dg.AssetKey("fct_alert_groups") not in first.keys
    assert dg.AssetKey("int_alert_pairs_blocked") in first.keys

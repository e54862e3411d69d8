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

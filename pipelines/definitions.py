"""The Dagster code location: assets, jobs, schedules, sensors and resources."""

import dagster as dg
from dagster_dbt import DbtCliResource

from pipelines.assets.aws_config import aws_config_configuration_items
from pipelines.assets.cloudtrail import cloudtrail_events
from pipelines.assets.correlation import (
    correlation_alert_groups,
    correlation_alert_pairs,
    triage_dbt_correlation_marts,
)
from pipelines.assets.dbt import dbt_project, triage_dbt_assets
from pipelines.assets.resources import resources_snapshots
from pipelines.assets.securityhub import securityhub_findings
from pipelines.assets.workflow import alert_states_reopened
from pipelines.checks import findings_keys_present, findings_severity_in_expected_set
from pipelines.jobs import ingest_job, transform_job
from pipelines.resources import WarehouseResource
from pipelines.schedules import ingest_job_schedule
from pipelines.sensors import securityhub_queue_sensor, writeback_outbox_sensor
from triage.transform import dbt_executable

defs = dg.Definitions(
    assets=[
        securityhub_findings,
        aws_config_configuration_items,
        cloudtrail_events,
        resources_snapshots,
        triage_dbt_assets,
        alert_states_reopened,
        correlation_alert_pairs,
        correlation_alert_groups,
        triage_dbt_correlation_marts,
    ],
    asset_checks=[findings_severity_in_expected_set, findings_keys_present],
    jobs=[ingest_job, transform_job],
    schedules=[ingest_job_schedule],
    sensors=[securityhub_queue_sensor, writeback_outbox_sensor],
    resources={
        "warehouse": WarehouseResource(database_url=dg.EnvVar("DATABASE_URL")),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    },
)

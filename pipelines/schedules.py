"""Schedules for the ingest job."""

import dagster as dg

from pipelines.jobs import ingest_job

ingest_job_schedule = dg.ScheduleDefinition(
    job=ingest_job,
    cron_schedule="*/15 * * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Pull new finding versions every 15 minutes and rebuild the marts.",
)

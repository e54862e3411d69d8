"""Sensors: drain the EventBridge-fed SQS queue of findings; drain the write-back outbox."""

import dagster as dg

from pipelines.jobs import transform_job
from triage.ingest import drain_finding_queue
from triage.settings import get_settings
from triage.store.db import get_migrated_engine


@dg.sensor(
    job=transform_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED
)
def securityhub_queue_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Store findings from the SQS queue, delete each message after its findings are stored,
    and request a rebuild of the marts when anything new arrived."""
    settings = get_settings()
    if not settings.sqs_queue_url:
        return dg.SensorResult(skip_reason="TRIAGE_SQS_QUEUE_URL is not set")
    stats = drain_finding_queue(engine=get_migrated_engine(), settings=settings, max_batches=20)
    context.log.info(
        f"drained messages={stats.files} loaded={stats.versions_loaded} "
        f"quarantined={stats.quarantined}"
    )
    if stats.versions_loaded == 0:
        return dg.SensorResult(skip_reason=f"no new finding versions ({stats.files} messages)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"sqs-{context.cursor or ''}-{stats.versions_loaded}")]
    )


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED)
def writeback_outbox_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Send queued triage status changes to Security Hub (BatchUpdateFindings)."""
    from triage.writeback.drain import drain_outbox

    result = drain_outbox(engine=get_migrated_engine(), settings=get_settings())
    if result.unsupported:
        return dg.SkipReason("the endpoint lacks BatchUpdateFindings; items stay queued")
    return dg.SkipReason(
        f"write-back calls={result.calls} sent={result.sent} retried={result.retried} "
        f"failed={result.failed}"
    )

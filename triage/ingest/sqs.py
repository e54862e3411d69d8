"""Drain the SQS queue that an EventBridge rule fills with Security Hub findings."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from triage.findings import parse_finding_bytes
from triage.ingest.batch import FindingBatchWriter
from triage.settings import Settings, get_settings
from triage.store.findings import LoadStats

logger = logging.getLogger(__name__)


def drain_finding_queue(
    *,
    engine: Engine,
    queue_url: str | None = None,
    settings: Settings | None = None,
    max_batches: int = 100,
    wait_seconds: int = 1,
) -> LoadStats:
    """Receive messages, store their findings, then delete exactly those messages.

    A message is deleted only after its findings (or its quarantine record) are committed,
    so a crash in between redelivers it and the idempotent upsert absorbs the repeat.
    """
    from triage.aws.session import make_session
    from triage.aws.sqs import SqsFindingQueue

    settings = settings or get_settings()
    url = queue_url or settings.sqs_queue_url
    if not url:
        raise ValueError("no SQS queue configured: set TRIAGE_SQS_QUEUE_URL")
    queue = SqsFindingQueue(
        session=make_session(None, settings.aws_regions[0], settings),
        queue_url=url,
        settings=settings,
    )
    stats = LoadStats()
    for _ in range(max_batches):
        messages = queue.receive(max_messages=10, wait_seconds=wait_seconds)
        if not messages:
            break
        writer = FindingBatchWriter(engine=engine, stats=stats)
        for message in messages:
            source = f"sqs:{url.rsplit('/', 1)[-1]}:{message.message_id}"
            writer.add(
                parse_finding_bytes(message.body.encode("utf-8"), source=source), source=source
            )
        writer.flush()
        queue.delete([m.receipt_handle for m in messages])
        stats.files += len(messages)
    return stats

"""Queue Security Hub write-backs in the app outbox, in the transaction of the change."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.audit import Actor
from triage.settings import get_settings
from triage.workflow.states import SECURITYHUB_STATUS, AlertStatus

logger = logging.getLogger(__name__)

# NOTE: Note.Text is limited to 512 characters (ASFF "Note"); case B17 shows a longer one is
# rejected inside an HTTP 200 answer, so the note is cut before sending.
NOTE_LIMIT = 512


def region_of(product_arn: str) -> str:
    """The region of a product ARN (`arn:aws:securityhub:<region>::product/...`)."""
    parts = product_arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else "us-east-1"


def build_note(
    *, alert_id: str, status: AlertStatus, actor: str, reason: str | None, link: str | None
) -> str:
    """Summarise a change in at most 512 characters; the alert id and status come first."""
    head = f"triage_alert_id={alert_id} status={status} by={actor}"
    tail = f" {link}" if link else ""
    room = NOTE_LIMIT - len(head) - len(tail)
    middle = ""
    if reason and room > 5:
        text = " ".join(reason.split())
        middle = f": {text}"
        if len(middle) > room:
            middle = middle[: room - 1] + "…"
    return (head + middle + tail)[:NOTE_LIMIT]


def enqueue_status_writeback(
    *, db: Connection, alert_id: str, status: AlertStatus, actor: Actor, reason: str | None
) -> int:
    """Queue one outbox row per finding of the alert; older pending rows are superseded.

    Returns the number of rows queued (0 when the alert has no findings in the marts).
    """
    settings = get_settings()
    if not settings.writeback_enabled:
        return 0
    findings = db.execute(
        sa.text(
            "select distinct product_arn, finding_id from marts.fct_alert_findings "
            "where alert_id = :alert_id"
        ),
        {"alert_id": alert_id},
    ).all()
    if not findings:
        return 0
    link = f"{settings.api_url}/api/v1/alerts/{alert_id}"
    note = build_note(alert_id=alert_id, status=status, actor=actor.name, reason=reason, link=link)
    db.execute(
        sa.text(
            "update app.writeback_outbox set state = 'superseded' "
            "where alert_id = :alert_id and state = 'pending'"
        ),
        {"alert_id": alert_id},
    )
    db.execute(
        sa.text(
            "insert into app.writeback_outbox (alert_id, product_arn, finding_id, region, "
            "workflow_status, note) values (:alert_id, :product_arn, :finding_id, :region, "
            ":workflow_status, :note)"
        ),
        [
            {
                "alert_id": alert_id,
                "product_arn": row.product_arn,
                "finding_id": row.finding_id,
                "region": region_of(row.product_arn),
                "workflow_status": SECURITYHUB_STATUS[status],
                "note": note,
            }
            for row in findings
        ],
    )
    logger.debug("write-back queued alert_id=%s findings=%s", alert_id, len(findings))
    return len(findings)

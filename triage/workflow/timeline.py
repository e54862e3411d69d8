"""An alert's timeline: every human action beside every stored version of its findings.

Each item has the shape `at`, `kind`, `source`, `actor`, `summary`, `details`; other
sources (Config, CloudTrail) add items of the same shape.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.errors import NotFoundError, ValidationError
from triage.workflow.alert_state import alert_exists

_TIMELINE_SQL = """
with items as (
    select
        event.at,
        event.kind,
        'triage' as source,
        event.actor,
        event.summary,
        event.details,
        'e' || lpad(event.event_id::text, 19, '0') as ref
    from app.alert_events as event
    where event.alert_id = :alert_id
    union all
    select
        version.updated_at as at,
        'finding_version' as kind,
        'securityhub' as source,
        coalesce(version.finding ->> 'ProductName', 'Security Hub') as actor,
        'finding ' || version.finding_id || ': workflow '
            || coalesce(version.finding -> 'Workflow' ->> 'Status', 'none')
            || ', compliance '
            || coalesce(version.finding -> 'Compliance' ->> 'Status', 'none')
            || ', record ' || coalesce(version.finding ->> 'RecordState', 'none') as summary,
        jsonb_build_object(
            'finding_id', version.finding_id,
            'product_arn', version.product_arn,
            'workflow_status', version.finding -> 'Workflow' ->> 'Status',
            'compliance_status', version.finding -> 'Compliance' ->> 'Status',
            'record_state', version.finding ->> 'RecordState',
            'severity_label', version.finding -> 'Severity' ->> 'Label',
            'loaded_at', version.loaded_at
        ) as details,
        'f' || lpad(version.finding_version_id::text, 19, '0') as ref
    from marts.fct_alert_findings as alert_finding
    inner join raw.securityhub_findings as version
        on version.product_arn = alert_finding.product_arn
        and version.finding_id = alert_finding.finding_id
    where alert_finding.alert_id = :alert_id
)
select at, kind, source, actor, summary, details, ref
from items
{page}
order by at desc, ref desc
limit :limit
"""


def _encode(at: datetime, ref: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), ref]).encode()).decode()


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        at, ref = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        return datetime.fromisoformat(at), str(ref)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            "cursor is not one this API issued; start from the first page"
        ) from exc


def get_timeline(
    *, db: Connection, alert_id: str, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of an alert's timeline, newest first, and the next page's cursor.

    Raises:
        NotFoundError: no such alert.
        ValidationError: a cursor this API did not issue.
    """
    if not alert_exists(db=db, alert_id=alert_id):
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    params: dict[str, Any] = {"alert_id": alert_id, "limit": limit + 1}
    page = ""
    if cursor:
        params["c_at"], params["c_ref"] = _decode(cursor)
        page = "where (at, ref) < (:c_at, :c_ref)"
    rows = db.execute(sa.text(_TIMELINE_SQL.format(page=page)), params).all()
    items = [dict(row._mapping) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = _encode(items[-1]["at"], items[-1]["ref"])
    for item in items:
        item.pop("ref")
    return items, next_cursor

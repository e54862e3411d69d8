"""Read an alert's resource context, impact, Config changes and timeline from the marts."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.resource_context.cursor import decode_timeline_cursor, encode_timeline_cursor
from api.resource_context.schemas import (
    AlertContextRead,
    ImpactPartsRead,
    ImpactRead,
    LastChangeRead,
    ResourceChangeRead,
    ResourceContextRead,
    TimelineItem,
    TimelinePage,
)
from triage.errors import NotFoundError

RECENT_CHANGES = 5

_ALERT_SQL = """
select alert_id, aws_account_id, first_seen_at, impact_score, impact_severity_points,
    impact_sensitivity_points, impact_exposure_points, impact_environment_points,
    last_change_actor, last_change_at
from marts.fct_alerts where alert_id = :alert_id
"""

_CONTEXT_SQL = """
select resource.resource_id, resource.resource_type, resource.owner, resource.team,
    resource.environment, resource.classification, resource.compliance_tags, resource.tags,
    resource.created_at, resource.exposure_level, resource.exposure, resource.unknown_facts,
    resource.snapshot_taken_at
from marts.fct_alert_resources as alert_resource
inner join marts.dim_resources as resource
    on resource.resource_key = alert_resource.resource_key
where alert_resource.alert_id = :alert_id
order by alert_resource.is_primary desc nulls last, alert_resource.resource_id
limit 1
"""

# The alert's resources reduced to the short name the context marts join on (dbt macro
# resource_ref), each with the alert's account.
_REFS_CTE = """
refs as (
    select distinct lower(regexp_replace(alert_resource.resource_id, '^.*[:/]', '')) as ref
    from marts.fct_alert_resources as alert_resource
    where alert_resource.alert_id = :alert_id and alert_resource.resource_id is not null
)
"""

_CHANGES_SQL = f"""
with {_REFS_CTE}
select change.* from marts.fct_resource_changes as change
inner join refs on refs.ref = change.resource_ref
where (change.aws_account_id is null or change.aws_account_id = :account
    or cast(:account as text) is null)
    and change.captured_at <= coalesce(cast(:before as timestamptz), 'infinity')
order by change.captured_at desc, change.resource_change_key
limit :limit
"""

_TIMELINE_SQL = f"""
with {_REFS_CTE},
items as (
    select 'triage:' || lpad(event.event_id::text, 19, '0') as id, event.at,
        event.kind, 'triage' as source, event.actor, event.summary, event.details
    from app.alert_events as event
    where event.alert_id = :alert_id
    union all
    select 'finding:' || version.finding_version_id::text as id, version.updated_at as at,
        'finding_version' as kind, 'securityhub' as source, null::text as actor,
        null::text as summary,
        jsonb_build_object(
            'finding_id', version.finding_id, 'product_arn', version.product_arn,
            'severity_label', version.normalized ->> 'severity_label',
            'workflow_status', version.normalized ->> 'workflow_status',
            'record_state', version.normalized ->> 'record_state',
            'compliance_status', version.normalized ->> 'compliance_status',
            'title', version.normalized ->> 'title'
        ) as details
    from marts.fct_alert_findings as alert_finding
    inner join raw.securityhub_findings as version
        on version.product_arn = alert_finding.product_arn
        and version.finding_id = alert_finding.finding_id
    where alert_finding.alert_id = :alert_id
    union all
    select 'config:' || change.resource_change_key, change.captured_at, 'config_change',
        'aws_config', change.change_actor, null::text,
        jsonb_build_object(
            'resource_type', change.resource_type, 'resource_id', change.resource_id,
            'change_type', change.change_type, 'changed_attributes', change.changed_attributes,
            'change_action', change.change_action, 'change_event_id', change.change_event_id
        )
    from marts.fct_resource_changes as change
    inner join refs on refs.ref = change.resource_ref
    where change.aws_account_id is null or change.aws_account_id = :account
        or cast(:account as text) is null
    union all
    select 'cloudtrail:' || activity.resource_activity_key, activity.event_at,
        'cloudtrail_event', 'cloudtrail', activity.actor, null::text,
        jsonb_build_object(
            'event_id', activity.event_id, 'action', activity.action,
            'event_source', activity.event_source, 'source_ip', activity.source_ip,
            'user_agent', activity.user_agent, 'error_code', activity.error_code,
            'resource_type', activity.resource_type, 'resource_name', activity.resource_name
        )
    from marts.fct_resource_activity as activity
    inner join refs on refs.ref = activity.resource_ref
    where activity.aws_account_id is null or activity.aws_account_id = :account
        or cast(:account as text) is null
)
select * from items
{{where}}
order by at desc, id desc
limit :limit
"""


def _alert_row(db: Connection, alert_id: str) -> sa.Row[Any]:
    row = db.execute(sa.text(_ALERT_SQL), {"alert_id": alert_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    return row


def get_alert_context(*, db: Connection, alert_id: str) -> AlertContextRead:
    """Return the primary resource's context, the impact, the last change and recent changes.

    Raises:
        NotFoundError: no alert has this id.
    """
    alert = _alert_row(db, alert_id)
    params = {"alert_id": alert_id, "account": alert.aws_account_id}
    context_row = db.execute(sa.text(_CONTEXT_SQL), params).one_or_none()
    changes = db.execute(
        sa.text(_CHANGES_SQL), params | {"limit": RECENT_CHANGES, "before": None}
    ).all()
    # The change that put the resource in the state the finding reports.
    before_alert = db.execute(
        sa.text(_CHANGES_SQL), params | {"limit": 1, "before": alert.first_seen_at}
    ).one_or_none()

    context = None
    if context_row is not None:
        data = dict(context_row._mapping)
        data["compliance_tags"] = data["compliance_tags"] or {}
        data["tags"] = data["tags"] or {}
        data["exposure"] = data["exposure"] or {}
        data["unknown_facts"] = list(data["unknown_facts"] or [])
        data["exposure_level"] = data["exposure_level"] or "unknown"
        context = ResourceContextRead(**data)
    impact = ImpactRead(
        score=alert.impact_score or 0,
        parts=ImpactPartsRead(
            severity=alert.impact_severity_points or 0,
            data_sensitivity=alert.impact_sensitivity_points or 0,
            exposure=alert.impact_exposure_points or 0,
            environment=alert.impact_environment_points or 0,
        ),
    )
    last_change = None
    change = ResourceChangeRead(**before_alert._mapping) if before_alert else None
    if alert.last_change_actor is not None or change is not None:
        from_config = change is not None and change.change_actor == alert.last_change_actor
        last_change = LastChangeRead(
            actor=alert.last_change_actor,
            at=alert.last_change_at,
            source="aws_config" if from_config else "cloudtrail",
            change=change,
        )
    return AlertContextRead(
        context=context,
        impact=impact,
        last_change=last_change,
        recent_changes=[ResourceChangeRead(**row._mapping) for row in changes],
    )


def _summary(kind: str, actor: str | None, details: dict[str, Any]) -> str:
    if kind == "finding_version":
        parts = [details.get("severity_label"), details.get("workflow_status")]
        state = " ".join(str(p) for p in parts if p)
        return f"finding version: {state} ({details.get('record_state') or 'no record state'})"
    if kind == "config_change":
        names = [a.get("attribute") for a in details.get("changed_attributes") or []]
        changed = ", ".join(str(n) for n in names[:3]) or "no attribute diff"
        who = f" by {actor}" if actor else ""
        return f"{details.get('change_type')} {details.get('resource_id')}{who}: {changed}"
    error = f" failed ({details['error_code']})" if details.get("error_code") else ""
    return f"{details.get('action')} by {actor or 'unknown actor'}{error}"


def get_alert_timeline(
    *, db: Connection, alert_id: str, limit: int, cursor: str | None = None
) -> TimelinePage:
    """Merge human actions, finding versions, Config changes and CloudTrail events, newest first.

    Raises:
        NotFoundError: no alert has this id.
        InvalidCursorError: `cursor` is not one this API issued.
    """
    alert = _alert_row(db, alert_id)
    params: dict[str, Any] = {"alert_id": alert_id, "account": alert.aws_account_id}
    where = ""
    if cursor is not None:
        position = decode_timeline_cursor(cursor)
        where = "where (at, id) < (:k_at, :k_id)"
        params |= {"k_at": position.at, "k_id": position.item_id}
    sql = _TIMELINE_SQL.replace("{where}", where)
    rows = db.execute(sa.text(sql), params | {"limit": limit + 1}).all()

    items = []
    for row in rows[:limit]:
        details = row.details if isinstance(row.details, dict) else json.loads(row.details)
        items.append(
            TimelineItem(
                id=row.id,
                at=row.at,
                kind=row.kind,
                source=row.source,
                actor=row.actor,
                summary=row.summary or _summary(row.kind, row.actor, details),
                details=details,
            )
        )
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_timeline_cursor(items[-1].at, items[-1].id)
    return TimelinePage(items=items, next_cursor=next_cursor)

"""Read alerts, their findings and resources from the dbt marts."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.alerts.cursor import AlertCursor, decode_cursor, encode_cursor
from api.alerts.filters import (
    ACCOUNT,
    NO_STATUS,
    PRODUCT,
    REGION,
    SEVERITY_ORDER,
    where_clause,
)
from api.alerts.schemas import (
    AlertDetail,
    AlertFilters,
    AlertFindingRead,
    AlertList,
    AlertRead,
    AlertResourceRead,
    AlertSummary,
    SeverityResolution,
)
from api.resource_context.service import get_alert_context
from triage.errors import NotFoundError
from triage.findings.model import SeverityLabel

logger = logging.getLogger(__name__)

ALERT_COLUMNS = (
    "alert_id, alert_key, severity_label, severity_score, workflow_status, record_state, "
    "compliance_status, product_name, company_name, aws_account_id, region, resource_type, "
    "resource_id, count_resources, title, description, types, security_control_id, "
    "standards, first_seen_at, last_seen_at, updated_at, count_findings, "
    "is_closed_by_source, closed_reason, "
    # The human state lives in app (never in a dbt table); scalar look-ups by primary key
    # keep the marts' keyset query plan unchanged.
    "coalesce((select state.status from app.alert_states as state "
    "where state.alert_id = fct_alerts.alert_id), 'new') as triage_status, "
    "(select assignee.username from app.alert_states as state join app.users as assignee "
    "on assignee.user_id = state.assignee_id where state.alert_id = fct_alerts.alert_id) "
    "as assignee, "
    # resource context and impact (issue 3)
    "owner, environment, classification, impact_score, last_change_actor"
)

# NOTE: keyset paging needs severity_score, last_seen_at and alert_id to be not null (the
# dbt tests on fct_alerts assert it): a null in a row comparison drops the row. The sort
# and the predicate use the same column order and direction, so one b-tree index on
# (severity_score, last_seen_at, alert_id), scanned backwards, serves every page.
_KEYSET = "(severity_score, last_seen_at, alert_id) < (:k_score, :k_seen, :k_id)"
_ORDER = "order by severity_score desc, last_seen_at desc, alert_id desc"


def _alert(row: sa.Row[Any]) -> AlertRead:
    data = dict(row._mapping)
    data["types"] = data["types"] or []
    data["standards"] = data["standards"] or []
    return AlertRead(id=data["alert_id"], **data)


# Public name for other domains that show alerts (the grouped queue).
alert_read = _alert


def list_alerts(
    *, db: Connection, filters: AlertFilters, limit: int, cursor: str | None = None
) -> AlertList:
    """Return one page of alerts, highest severity and most recently seen first.

    Raises:
        InvalidCursorError: `cursor` is not one this API issued.
    """
    where, params = where_clause(filters)
    page_where = where
    if cursor is not None:
        position = decode_cursor(cursor)
        page_where = f"{where} and {_KEYSET}" if where else f"where {_KEYSET}"
        params |= {
            "k_score": position.severity_score,
            "k_seen": position.last_seen_at,
            "k_id": position.alert_id,
        }

    page_sql = f"select {ALERT_COLUMNS} from marts.fct_alerts {page_where} {_ORDER} limit :limit"
    rows = db.execute(sa.text(page_sql), params | {"limit": limit + 1}).all()
    total = db.execute(
        sa.text(f"select count(*) from marts.fct_alerts {where}"), params
    ).scalar_one()

    items = [_alert(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            AlertCursor(
                severity_score=last.severity_score,
                last_seen_at=last.last_seen_at,
                alert_id=last.alert_id,
            )
        )
    logger.debug("alerts page: items=%s total=%s more=%s", len(items), total, bool(next_cursor))
    return AlertList(items=items, total=total, next_cursor=next_cursor)


_FACET_COLUMNS = {ACCOUNT: "aws_account_id", REGION: "region", PRODUCT: "product_name"}


def _facet_values(filters: AlertFilters) -> dict[str, tuple[str, ...]]:
    return {ACCOUNT: filters.accounts, REGION: filters.regions, PRODUCT: filters.products}


def summarize_alerts(*, db: Connection, filters: AlertFilters) -> AlertSummary:
    """Count alerts by severity and workflow status, and list the filter choices.

    Severity and status counts honour every filter, so they add up to `total`. Each list of
    choices (accounts, regions, products) ignores its own filter, so a dashboard can still
    offer the other values of a dimension the user has already narrowed.
    """
    # One scan: group by every dimension the summary reports, leaving the three facet
    # filters to Python, which applies them with and without each facet's own filter.
    where, params = where_clause(filters, exclude=frozenset(_FACET_COLUMNS))
    sql = (
        "select severity_label, coalesce(upper(workflow_status), :none) as status, "
        "aws_account_id, region, product_name, count(*) as n "
        f"from marts.fct_alerts {where} group by 1, 2, 3, 4, 5"
    )
    rows = db.execute(sa.text(sql), params | {"none": NO_STATUS}).all()

    wanted = _facet_values(filters)

    def matches(row: sa.Row[Any], *, skip: str | None = None) -> bool:
        values = {ACCOUNT: row.aws_account_id, REGION: row.region, PRODUCT: row.product_name}
        return all(
            not wanted[facet] or values[facet] in wanted[facet]
            for facet in _FACET_COLUMNS
            if facet != skip
        )

    by_severity = {label: 0 for label in SEVERITY_ORDER}
    by_status: dict[str, int] = {}
    choices: dict[str, set[str]] = {facet: set() for facet in _FACET_COLUMNS}
    for row in rows:
        if matches(row):
            if row.severity_label in by_severity:
                by_severity[SeverityLabel(row.severity_label)] += row.n
            else:
                logger.warning("alert with unexpected severity_label=%r", row.severity_label)
            by_status[row.status] = by_status.get(row.status, 0) + row.n
        for facet, column in _FACET_COLUMNS.items():
            value = getattr(row, column)
            if value is not None and matches(row, skip=facet):
                choices[facet].add(value)
    return AlertSummary(
        total=sum(by_status.values()),
        by_severity=by_severity,
        by_status=dict(sorted(by_status.items(), key=lambda item: (-item[1], item[0]))),
        accounts=sorted(choices[ACCOUNT]),
        regions=sorted(choices[REGION]),
        products=sorted(choices[PRODUCT]),
    )


_FINDINGS_SQL = """
select
    alert_finding.product_arn,
    alert_finding.finding_id,
    alert_finding.severity_label,
    alert_finding.workflow_status,
    alert_finding.record_state,
    alert_finding.compliance_status,
    alert_finding.updated_at,
    alert_finding.generator_id,
    alert_finding.standard,
    latest.finding,
    latest.normalized,
    latest.updated_at as raw_updated_at
from marts.fct_alert_findings as alert_finding
left join lateral (
    select version.finding, version.normalized, version.updated_at
    from raw.securityhub_findings as version
    where version.product_arn = alert_finding.product_arn
        and version.finding_id = alert_finding.finding_id
    order by version.updated_at desc, version.loaded_at desc, version.finding_version_id desc
    limit 1
) as latest on true
where alert_finding.alert_id = :alert_id
order by alert_finding.updated_at desc nulls last, alert_finding.product_arn,
    alert_finding.finding_id
"""

_RESOURCES_SQL = """
select
    alert_resource.resource_key,
    alert_resource.resource_id,
    alert_resource.resource_type,
    alert_resource.region,
    alert_resource.is_primary,
    resource.aws_account_id,
    resource.partition,
    resource.tags,
    resource.first_seen_at,
    resource.last_seen_at,
    resource.count_alerts
from marts.fct_alert_resources as alert_resource
left join marts.dim_resources as resource
    on resource.resource_key = alert_resource.resource_key
where alert_resource.alert_id = :alert_id
order by alert_resource.is_primary desc nulls last, alert_resource.resource_id
"""


def _finding(row: sa.Row[Any]) -> AlertFindingRead:
    data = dict(row._mapping)
    normalized: dict[str, Any] | None = data.pop("normalized")
    severity = None
    warnings: list[str] = []
    if normalized is not None:
        severity = SeverityResolution(
            label=normalized.get("severity_label"),
            score=normalized.get("severity_score"),
            source=normalized.get("severity_source"),
            is_missing=normalized.get("severity_missing"),
            product=normalized.get("severity_product"),
            original=normalized.get("severity_original"),
        )
        warnings = list(normalized.get("warnings") or [])
    return AlertFindingRead(severity=severity, warnings=warnings, **data)


def get_alert(*, db: Connection, alert_id: str) -> AlertDetail:
    """Return one alert with its findings (latest raw version each) and resources.

    Raises:
        NotFoundError: no alert has this id.
    """
    sql = f"select {ALERT_COLUMNS} from marts.fct_alerts where alert_id = :alert_id"
    row = db.execute(sa.text(sql), {"alert_id": alert_id}).one_or_none()
    if row is None:
        raise NotFoundError(
            f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts and change only "
            "when an alert's key changes"
        )

    params = {"alert_id": alert_id}
    findings = [_finding(r) for r in db.execute(sa.text(_FINDINGS_SQL), params)]
    resources = [
        AlertResourceRead(**r._mapping) for r in db.execute(sa.text(_RESOURCES_SQL), params)
    ]
    context = get_alert_context(db=db, alert_id=alert_id)
    return AlertDetail(
        **_alert(row).model_dump(),
        findings=findings,
        resources=resources,
        **context.model_dump(),
    )

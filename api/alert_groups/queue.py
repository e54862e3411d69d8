"""The grouped queue: groups and the alerts in no group, as one keyset-paged list."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.alert_groups.schemas import QueueItem, QueueList
from api.alert_groups.service import GROUP_COLUMNS, group_read
from api.alerts.cursor import AlertCursor, decode_cursor, encode_cursor
from api.alerts.filters import where_clause
from api.alerts.schemas import AlertFilters
from api.alerts.service import ALERT_COLUMNS, alert_read

# A group matches the filters when any of its members does; an alert when it does itself.
_QUEUE_SQL = """
with matching as (
    select alert_id from marts.fct_alerts {where}
),
items as (
    select 'group' as kind, alert_group_id as id, severity_score, last_seen_at
    from marts.fct_alert_groups
    where last_seen_at is not null and alert_group_id in (
        select member.alert_group_id from marts.fct_alert_group_members as member
        where member.alert_id in (select alert_id from matching)
    )
    union all
    select 'alert' as kind, alert_id as id, severity_score, last_seen_at
    from marts.fct_alerts
    where alert_id in (select alert_id from matching)
        and alert_id not in (select alert_id from marts.fct_alert_group_members)
)
select kind, id, severity_score, last_seen_at from items
{page}
order by severity_score desc, last_seen_at desc, id desc
limit :limit
"""
_KEYSET = "where (severity_score, last_seen_at, id) < (:k_score, :k_seen, :k_id)"


def list_grouped_queue(
    *, db: Connection, filters: AlertFilters, limit: int, cursor: str | None
) -> QueueList:
    """One page of the grouped queue: each item a group or an ungrouped alert.

    Raises:
        InvalidCursorError: `cursor` is not one this API issued.
    """
    where, params = where_clause(filters)
    page = ""
    if cursor is not None:
        position = decode_cursor(cursor)
        page = _KEYSET
        params |= {
            "k_score": position.severity_score,
            "k_seen": position.last_seen_at,
            "k_id": position.alert_id,
        }
    sql = _QUEUE_SQL.format(where=where, page=page)
    keys = db.execute(sa.text(sql), params | {"limit": limit + 1}).all()
    count_sql = _QUEUE_SQL.format(where=where, page="").replace(
        "select kind, id, severity_score, last_seen_at from items", "select count(*) from items"
    )
    count_sql = count_sql.rsplit("order by", 1)[0]
    total = db.execute(sa.text(count_sql), params).scalar_one()
    shown = keys[:limit]
    items = _hydrate(db, shown)
    next_cursor = None
    if len(keys) > limit:
        last = shown[-1]
        next_cursor = encode_cursor(
            AlertCursor(
                severity_score=last.severity_score, last_seen_at=last.last_seen_at, alert_id=last.id
            )
        )
    return QueueList(items=items, total=total, next_cursor=next_cursor)


def _hydrate(db: Connection, keys: list[sa.Row[Any]]) -> list[QueueItem]:
    group_ids = [k.id for k in keys if k.kind == "group"]
    alert_ids = [k.id for k in keys if k.kind == "alert"]
    groups = {
        row.alert_group_id: group_read(row)
        for row in db.execute(
            sa.text(
                f"select {GROUP_COLUMNS} from marts.fct_alert_groups "
                "where alert_group_id = any(:ids)"
            ),
            {"ids": group_ids},
        )
    }
    alerts = {
        row.alert_id: alert_read(row)
        for row in db.execute(
            sa.text(f"select {ALERT_COLUMNS} from marts.fct_alerts where alert_id = any(:ids)"),
            {"ids": alert_ids},
        )
    }
    items = []
    for key in keys:
        if key.kind == "group":
            group = groups[key.id]
            items.append(
                QueueItem(
                    kind="group",
                    id=key.id,
                    title=group.title,
                    severity_label=group.severity_label,
                    severity_score=group.severity_score,
                    workflow_status=group.workflow_status,
                    count_alerts=group.count_members,
                    last_seen_at=key.last_seen_at,
                    group=group,
                )
            )
        else:
            alert = alerts[key.id]
            items.append(
                QueueItem(
                    kind="alert",
                    id=key.id,
                    title=alert.title,
                    severity_label=alert.severity_label,
                    severity_score=alert.severity_score,
                    workflow_status=alert.workflow_status,
                    count_alerts=1,
                    last_seen_at=key.last_seen_at,
                    alert=alert,
                )
            )
    return items

"""Read alert groups from the marts, find similar alerts, and record merges and splits."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.alert_groups.schemas import (
    AlertGroupDetail,
    AlertGroupEditRead,
    AlertGroupList,
    AlertGroupMemberRead,
    AlertGroupMerge,
    AlertGroupRead,
    AlertGroupSplit,
    SimilarAlert,
    SimilarAlertList,
)
from api.alerts.cursor import AlertCursor, decode_cursor, encode_cursor
from triage.errors import NotFoundError, ValidationError

logger = logging.getLogger(__name__)

GROUP_COLUMNS = (
    "alert_group_id, parent_alert_id, title, severity_label, severity_score, workflow_status, "
    "aws_account_ids, regions, count_members, count_accounts, first_seen_at, last_seen_at, "
    "first_grouped_at"
)
MEMBER_COLUMNS = (
    "alert_id, is_parent, title, severity_label, severity_score, aws_account_id, region, "
    "resource_type, resource_id, workflow_status, last_seen_at, linked_alert_id, score, "
    "score_parts, blocks, reasons"
)
_KEYSET = "(severity_score, last_seen_at, alert_group_id) < (:k_score, :k_seen, :k_id)"
_ORDER = "order by severity_score desc, last_seen_at desc, alert_group_id desc"


def group_read(row: sa.Row[Any]) -> AlertGroupRead:
    """Turn a `marts.fct_alert_groups` row into its schema."""
    data = dict(row._mapping)
    return AlertGroupRead(id=data["alert_group_id"], **data)


def list_alert_groups(
    *, db: Connection, limit: int, cursor: str | None, account: str | None = None
) -> AlertGroupList:
    """One page of groups, highest severity then most recently seen first.

    Raises:
        InvalidCursorError: `cursor` is not one this API issued.
    """
    clauses, params = [], {}
    if account:
        clauses.append(":account = any(aws_account_ids)")
        params["account"] = account
    where = f"where {' and '.join(clauses)}" if clauses else ""
    page = list(clauses)
    if cursor is not None:
        position = decode_cursor(cursor)
        page.append(_KEYSET)
        params |= {
            "k_score": position.severity_score,
            "k_seen": position.last_seen_at,
            "k_id": position.alert_id,
        }
    page_where = f"where {' and '.join(page)}" if page else ""
    rows = db.execute(
        sa.text(
            f"select {GROUP_COLUMNS} from marts.fct_alert_groups {page_where} {_ORDER} limit :limit"
        ),
        params | {"limit": limit + 1},
    ).all()
    total = db.execute(
        sa.text(f"select count(*) from marts.fct_alert_groups {where}"), params
    ).scalar_one()
    items = [group_read(row) for row in rows[:limit]]
    next_cursor = None
    if len(rows) > limit and items[-1].last_seen_at is not None:
        last = items[-1]
        next_cursor = encode_cursor(
            AlertCursor(
                severity_score=last.severity_score,
                last_seen_at=last.last_seen_at,
                alert_id=last.alert_group_id,
            )
        )
    return AlertGroupList(items=items, total=total, next_cursor=next_cursor)


def _group_row(db: Connection, group_id: str) -> sa.Row[Any]:
    row = db.execute(
        sa.text(f"select {GROUP_COLUMNS} from marts.fct_alert_groups where alert_group_id = :id"),
        {"id": group_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(
            f"alert group {group_id!r} not found; ids come from GET /api/v1/alert-groups"
        )
    return row


def _member_ids(db: Connection, group_id: str) -> list[str]:
    return list(
        db.execute(
            sa.text(
                "select alert_id from marts.fct_alert_group_members "
                "where alert_group_id = :id order by alert_id"
            ),
            {"id": group_id},
        ).scalars()
    )


def get_alert_group(*, db: Connection, group_id: str) -> AlertGroupDetail:
    """A group with its members, parent first, and why each member is there.

    Raises:
        NotFoundError: no group has this id.
    """
    group = group_read(_group_row(db, group_id))
    rows = db.execute(
        sa.text(
            f"select {MEMBER_COLUMNS} from marts.fct_alert_group_members "
            "where alert_group_id = :id "
            "order by is_parent desc, severity_score desc nulls last, alert_id"
        ),
        {"id": group_id},
    ).all()
    members = [
        AlertGroupMemberRead(
            **{
                **row._mapping,
                "score_parts": row.score_parts or {},
                "blocks": row.blocks or [],
                "reasons": row.reasons or [],
            }
        )
        for row in rows
    ]
    return AlertGroupDetail(**group.model_dump(), members=members)


def _record_edit(
    db: Connection,
    *,
    kind: str,
    group_id: str,
    alert_ids: list[str],
    others: list[str],
    note: str | None,
    user_id: str,
) -> AlertGroupEditRead:
    row = db.execute(
        sa.text(
            "insert into app.alert_group_edits "
            "(kind, alert_group_id, alert_ids, other_alert_ids, note, created_by) "
            "values (:kind, :group_id, :alert_ids, :others, :note, :user_id) "
            "returning alert_group_edit_id, kind, alert_group_id, alert_ids, other_alert_ids, "
            "note, created_by, created_at"
        ),
        {
            "kind": kind,
            "group_id": group_id,
            "alert_ids": alert_ids,
            "others": others,
            "note": note,
            "user_id": user_id,
        },
    ).one()
    db.commit()
    logger.info(
        "alert group edit recorded: kind=%s group=%s alerts=%s", kind, group_id, len(alert_ids)
    )
    return AlertGroupEditRead(**row._mapping)


def merge_alert_groups(
    *, db: Connection, group_id: str, request: AlertGroupMerge, user_id: str
) -> AlertGroupEditRead:
    """Record that the given groups and alerts belong with this group from now on.

    Raises:
        NotFoundError: the group, one of the other groups, or one of the alerts is unknown.
        ValidationError: nothing to merge.
    """
    members = _member_ids(db, _group_row(db, group_id).alert_group_id)
    others = [g for g in dict.fromkeys(request.group_ids) if g != group_id]
    if not others and not request.alert_ids:
        raise ValidationError(
            "give at least one other group in `group_ids` or alert in `alert_ids`"
        )
    merged = list(members)
    for other in others:
        _group_row(db, other)
        merged.extend(_member_ids(db, other))
    if request.alert_ids:
        known = set(
            db.execute(
                sa.text("select alert_id from marts.fct_alerts where alert_id = any(:ids)"),
                {"ids": list(request.alert_ids)},
            ).scalars()
        )
        missing = sorted(set(request.alert_ids) - known)
        if missing:
            raise NotFoundError(f"alerts not found: {', '.join(missing[:10])}")
        merged.extend(request.alert_ids)
    return _record_edit(
        db,
        kind="merge",
        group_id=group_id,
        alert_ids=list(dict.fromkeys(merged)),
        others=[],
        note=request.note,
        user_id=user_id,
    )


def split_alert_group(
    *, db: Connection, group_id: str, request: AlertGroupSplit, user_id: str
) -> AlertGroupEditRead:
    """Record that the given members leave this group (together, as a group of their own).

    Raises:
        NotFoundError: no group has this id.
        ValidationError: an alert is not a member, or the split would take every member.
    """
    members = _member_ids(db, _group_row(db, group_id).alert_group_id)
    chosen = list(dict.fromkeys(request.alert_ids))
    strangers = sorted(set(chosen) - set(members))
    if strangers:
        raise ValidationError(
            f"alerts {', '.join(strangers[:10])} are not members of group {group_id!r}"
        )
    rest = [m for m in members if m not in set(chosen)]
    if not rest:
        raise ValidationError("a split must leave at least one member in the group")
    return _record_edit(
        db,
        kind="split",
        group_id=group_id,
        alert_ids=chosen,
        others=rest,
        note=request.note,
        user_id=user_id,
    )


_SIMILAR_SQL = """
select
    case when pair.alert_id_a = :id then pair.alert_id_b else pair.alert_id_a end as alert_id,
    pair.score, pair.score_parts, pair.blocks,
    alert.title, alert.severity_label, alert.aws_account_id, alert.region, alert.resource_id,
    member.alert_group_id
from correlation.alert_pairs as pair
inner join marts.fct_alerts as alert
    on alert.alert_id = case when pair.alert_id_a = :id then pair.alert_id_b
        else pair.alert_id_a end
left join marts.fct_alert_group_members as member on member.alert_id = alert.alert_id
where pair.alert_id_a = :id or pair.alert_id_b = :id
order by pair.score desc, alert.alert_id
limit :limit
"""


def similar_alerts(*, db: Connection, alert_id: str, limit: int) -> SimilarAlertList:
    """The alerts most similar to one alert among its scored candidate pairs.

    Raises:
        NotFoundError: no alert has this id.
    """
    exists = db.execute(
        sa.text("select 1 from marts.fct_alerts where alert_id = :id"), {"id": alert_id}
    ).first()
    if exists is None:
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    rows = db.execute(sa.text(_SIMILAR_SQL), {"id": alert_id, "limit": limit}).all()
    return SimilarAlertList(
        alert_id=alert_id,
        items=[SimilarAlert(**row._mapping) for row in rows],
    )

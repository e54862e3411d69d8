"""HTTP routes for admins: the audit log and the write-back outbox status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from api.audit.schemas import AuditList, AuditRead, WritebackStatus
from api.deps import CurrentUser, DbDep
from triage.audit import AuditFilters, list_audit

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditList)
def get_audit_log(
    db: DbDep,
    user: CurrentUser,
    actor: Annotated[str | None, Query(max_length=200, description="User id or name.")] = None,
    action: Annotated[str | None, Query(max_length=100, description="e.g. alert.update")] = None,
    object_type: Annotated[str | None, Query(max_length=50)] = None,
    object_id: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="At or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Before (ISO 8601).")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> AuditList:
    """Every change made through the app, newest first, filterable."""
    filters = AuditFilters(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        since=since,
        until=until,
    )
    items, total, next_cursor = list_audit(db=db, filters=filters, limit=limit, cursor=cursor)
    return AuditList(
        items=[AuditRead(**item) for item in items], total=total, next_cursor=next_cursor
    )


@router.get("/writeback", response_model=WritebackStatus)
def get_writeback_status(db: DbDep, user: CurrentUser) -> WritebackStatus:
    """Counts of the Security Hub write-back outbox by state."""
    rows = db.execute(
        sa.text("select state, count(*) from app.writeback_outbox group by 1 order by 1")
    ).all()
    endpoints = (
        db.execute(sa.text("select endpoint from app.writeback_endpoints order by 1"))
        .scalars()
        .all()
    )
    return WritebackStatus(
        by_state={row[0]: row[1] for row in rows}, unsupported_endpoints=list(endpoints)
    )

"""The append-only audit log of every change made through the app services."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.errors import ValidationError


@dataclass(frozen=True)
class Actor:
    """Who makes a change and from where: a user through the API, or a system step."""

    actor_id: str
    name: str
    role: str | None = None
    request_id: str | None = None
    client_address: str | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        """An actor for pipeline steps and workers (`system:<name>`)."""
        return cls(actor_id=f"system:{name}", name=f"system:{name}")


_INSERT = sa.text(
    "insert into app.audit_log (actor_id, actor_name, action, object_type, object_id, "
    "before, after, request_id, client_address) values (:actor_id, :actor_name, :action, "
    ":object_type, :object_id, cast(:before as jsonb), cast(:after as jsonb), :request_id, "
    ":client_address)"
)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def record_audit(
    *,
    db: Connection,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    db.execute(
        _INSERT,
        {
            "actor_id": actor.actor_id,
            "actor_name": actor.name,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": _json(before),
            "after": _json(after),
            "request_id": actor.request_id,
            "client_address": actor.client_address,
        },
    )


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit listing; None means any."""

    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _decode_cursor(cursor: str) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            "cursor is not one this API issued; start from the first page"
        ) from exc


def _encode_cursor(audit_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"id": audit_id}).encode()).decode()


def list_audit(
    *, db: Connection, filters: AuditFilters, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], int, str | None]:
    """Return one page of audit rows, newest first, the total and the next cursor."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.actor:
        clauses.append("(actor_id = :actor or actor_name = :actor)")
        params["actor"] = filters.actor
    for name in ("action", "object_type", "object_id"):
        value = getattr(filters, name)
        if value:
            clauses.append(f"{name} = :{name}")
            params[name] = value
    if filters.since:
        clauses.append("at >= :since")
        params["since"] = filters.since
    if filters.until:
        clauses.append("at < :until")
        params["until"] = filters.until
    where = ("where " + " and ".join(clauses)) if clauses else ""
    total = db.execute(sa.text(f"select count(*) from app.audit_log {where}"), params).scalar_one()

    page_clauses = list(clauses)
    if cursor:
        page_clauses.append("audit_id < :after_id")
        params["after_id"] = _decode_cursor(cursor)
    page_where = ("where " + " and ".join(page_clauses)) if page_clauses else ""
    rows = db.execute(
        sa.text(
            "select audit_id, at, actor_id, actor_name, action, object_type, object_id, before, "
            f"after, request_id, client_address from app.audit_log {page_where} "
            "order by audit_id desc limit :limit"
        ),
        params | {"limit": limit + 1},
    ).all()
    items = [dict(row._mapping) for row in rows[:limit]]
    next_cursor = _encode_cursor(items[-1]["audit_id"]) if len(rows) > limit else None
    return items, total, next_cursor

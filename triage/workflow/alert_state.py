"""Read and change an alert's human state: status transitions, assignment, ETags, bulk."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts.roles import Role
from triage.accounts.users import find_user
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError, ValidationError
from triage.workflow.errors import (
    InvalidTransitionError,
    PreconditionFailedError,
    PreconditionRequiredError,
)
from triage.workflow.states import TIMESTAMP_COLUMN, AlertStatus, allowed_from, can_move
from triage.writeback.outbox import enqueue_status_writeback

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 2000
_STATE_COLUMNS = (
    "state.alert_id, state.status, state.assignee_id, assignee.username as assignee, "
    "state.suppressed_reason, state.suppressed_until, state.version, state.reopen_count, "
    "state.acknowledged_at, state.investigating_at, state.resolved_at, state.suppressed_at, "
    "state.false_positive_at, state.reopened_at, state.assigned_at, state.updated_at, "
    "state.updated_by"
)
_SELECT_STATE = (
    f"select {_STATE_COLUMNS} from app.alert_states as state "
    "left join app.users as assignee on assignee.user_id = state.assignee_id "
    "where state.alert_id = :alert_id"
)


@dataclass(frozen=True)
class AlertChange:
    """A requested change; fields left out of `fields_set` are not touched."""

    status: AlertStatus | None = None
    reason: str | None = None
    suppressed_until: datetime | None = None
    assignee: str | None = None
    fields_set: frozenset[str] = frozenset()


@dataclass
class ChangeResult:
    """The state after a change and what changed (field: [before, after])."""

    state: dict[str, Any]
    changes: dict[str, list[Any]] = field(default_factory=dict)


def etag_for(version: int) -> str:
    """The ETag of an alert's state at a version (a strong validator)."""
    return f'"v{version}"'


def _parse_if_match(if_match: str) -> int | None:
    text = if_match.strip()
    if text == "*":
        return None
    text = text.removeprefix("W/").strip('"')
    if not text.startswith("v") or not text[1:].isdigit():
        raise PreconditionFailedError(
            f"If-Match {if_match!r} is not an ETag this API issued; GET the alert for its ETag"
        )
    return int(text[1:])


def alert_exists(*, db: Connection, alert_id: str) -> bool:
    """Whether marts.fct_alerts has the alert (or app already holds state for it)."""
    found = db.execute(
        sa.text(
            "select exists (select 1 from marts.fct_alerts where alert_id = :id) "
            "or exists (select 1 from app.alert_states where alert_id = :id)"
        ),
        {"id": alert_id},
    ).scalar_one()
    return bool(found)


def _not_found(alert_id: str) -> NotFoundError:
    return NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")


def _default_state(alert_id: str) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "status": AlertStatus.NEW,
        "assignee_id": None,
        "assignee": None,
        "suppressed_reason": None,
        "suppressed_until": None,
        "version": 0,
        "reopen_count": 0,
        **{column: None for column in TIMESTAMP_COLUMN.values()},
        "assigned_at": None,
        "updated_at": None,
        "updated_by": None,
    }


def _state(row: sa.Row[Any]) -> dict[str, Any]:
    data = dict(row._mapping)
    data["status"] = AlertStatus(data["status"])
    data["assignee_id"] = str(data["assignee_id"]) if data["assignee_id"] else None
    return data


def get_alert_state(*, db: Connection, alert_id: str) -> dict[str, Any]:
    """Return an alert's state (status `new`, version 0 when nobody has touched it).

    Raises:
        NotFoundError: no such alert.
    """
    row = db.execute(sa.text(_SELECT_STATE), {"alert_id": alert_id}).one_or_none()
    if row is not None:
        return _state(row)
    if not alert_exists(db=db, alert_id=alert_id):
        raise _not_found(alert_id)
    return _default_state(alert_id)


def _lock_state(*, db: Connection, alert_id: str, actor: Actor) -> dict[str, Any]:
    if not alert_exists(db=db, alert_id=alert_id):
        raise _not_found(alert_id)
    db.execute(
        sa.text(
            "insert into app.alert_states (alert_id, version, updated_by) "
            "values (:id, 0, :by) on conflict (alert_id) do nothing"
        ),
        {"id": alert_id, "by": actor.name},
    )
    row = db.execute(sa.text(_SELECT_STATE + " for update of state"), {"alert_id": alert_id}).one()
    return _state(row)


def _resolve_assignee(db: Connection, username: str | None) -> tuple[str | None, str | None]:
    if username is None:
        return None, None
    user = find_user(db=db, username=username)
    if user is None or not user.is_active:
        raise ValidationError(f"assignee {username!r} is not an active user")
    if not user.role.allows(Role.ENGINEER):
        raise ValidationError(f"assignee {username!r} is a viewer; assign an engineer or admin")
    return user.user_id, user.username


def _event(
    db: Connection, *, alert_id: str, kind: str, actor: Actor, summary: str, details: dict[str, Any]
) -> None:
    db.execute(
        sa.text(
            "insert into app.alert_events (alert_id, kind, actor, summary, details) "
            "values (:alert_id, :kind, :actor, :summary, cast(:details as jsonb))"
        ),
        {
            "alert_id": alert_id,
            "kind": kind,
            "actor": actor.name,
            "summary": summary,
            "details": json.dumps(details, default=str),
        },
    )


def _check_status_change(
    current: dict[str, Any], change: AlertChange, *, now: datetime, system: bool
) -> None:
    target = change.status
    assert target is not None
    if not system and target is not current["status"] and not can_move(current["status"], target):
        raise InvalidTransitionError(
            f"cannot move an alert from {current['status']} to {target}; allowed: "
            f"{', '.join(allowed_from(current['status']))}"
        )
    if target is AlertStatus.SUPPRESSED:
        if not (change.reason and change.reason.strip()):
            raise ValidationError("suppressing an alert needs a reason")
        if change.suppressed_until is None:
            raise ValidationError("suppressing an alert needs suppressed_until (an expiry)")
        if change.suppressed_until.tzinfo is None:
            raise ValidationError("suppressed_until needs a time zone, e.g. 2025-01-31T00:00:00Z")
        if change.suppressed_until <= now:
            raise ValidationError("suppressed_until must be in the future")
    if change.reason is not None and len(change.reason) > MAX_REASON_LENGTH:
        raise ValidationError(f"reason must have at most {MAX_REASON_LENGTH} characters")


def update_alert(
    *,
    db: Connection,
    actor: Actor,
    alert_id: str,
    change: AlertChange,
    if_match: str | None,
    require_match: bool = True,
    system: bool = False,
    event_kind: str = "status_changed",
) -> ChangeResult:
    """Apply a status and/or assignee change in the caller's transaction.

    Writes the state (one timestamp per transition), a timeline event per change, an audit
    row and, for status changes, the Security Hub write-back items.

    Args:
        if_match: the `If-Match` header; required unless `require_match` is false.
        system: a pipeline step (reopening) may make moves a person may not.

    Raises:
        NotFoundError: no such alert.
        PreconditionRequiredError: `If-Match` is missing.
        PreconditionFailedError: `If-Match` names another version.
        InvalidTransitionError: the status cannot be reached from the current one.
        ValidationError: a suppression without reason or expiry, an unknown assignee.
    """
    if require_match and if_match is None:
        raise PreconditionRequiredError(
            "this write needs an If-Match header with the alert's ETag (from GET)"
        )
    if not change.fields_set & {"status", "assignee"}:
        raise ValidationError("nothing to change: give status and/or assignee")
    now = datetime.now(UTC)
    current = _lock_state(db=db, alert_id=alert_id, actor=actor)
    expected = _parse_if_match(if_match) if if_match is not None else None
    if expected is not None and expected != current["version"]:
        raise PreconditionFailedError(
            f"the alert changed since you read it (you sent version {expected}, it is at "
            f"{current['version']}); GET it again and reapply your change"
        )

    sets: dict[str, Any] = {}
    changes: dict[str, list[Any]] = {}
    if "status" in change.fields_set and change.status is not None:
        if change.status is not current["status"] or change.status is AlertStatus.SUPPRESSED:
            _check_status_change(current, change, now=now, system=system)
            sets["status"] = str(change.status)
            sets[TIMESTAMP_COLUMN[change.status]] = now
            suppressed = change.status is AlertStatus.SUPPRESSED
            sets["suppressed_reason"] = change.reason if suppressed else None
            sets["suppressed_until"] = change.suppressed_until if suppressed else None
            changes["status"] = [str(current["status"]), str(change.status)]
            if change.status is AlertStatus.NEW:
                sets["reopen_count"] = current["reopen_count"] + 1
    if "assignee" in change.fields_set:
        assignee_id, assignee_name = _resolve_assignee(db, change.assignee)
        if assignee_id != current["assignee_id"]:
            sets["assignee_id"] = uuid.UUID(assignee_id) if assignee_id else None
            sets["assigned_at"] = now
            changes["assignee"] = [current["assignee"], assignee_name]
    if not changes:
        return ChangeResult(state=current)

    sets |= {"version": current["version"] + 1, "updated_at": now, "updated_by": actor.name}
    assignments = ", ".join(f"{column} = :{column}" for column in sets)
    db.execute(
        sa.text(f"update app.alert_states set {assignments} where alert_id = :alert_id"),
        sets | {"alert_id": alert_id},
    )
    after = get_alert_state(db=db, alert_id=alert_id)
    if "status" in changes:
        before_status, after_status = changes["status"]
        summary = f"status {before_status} -> {after_status}"
        if change.reason:
            summary += f": {change.reason[:200]}"
        _event(
            db,
            alert_id=alert_id,
            kind=event_kind,
            actor=actor,
            summary=summary,
            details={
                "from": before_status,
                "to": after_status,
                "reason": change.reason,
                "suppressed_until": change.suppressed_until,
            },
        )
        enqueue_status_writeback(
            db=db,
            alert_id=alert_id,
            status=AlertStatus(after_status),
            actor=actor,
            reason=change.reason,
        )
    if "assignee" in changes:
        before_name, after_name = changes["assignee"]
        _event(
            db,
            alert_id=alert_id,
            kind="assigned",
            actor=actor,
            summary=f"assigned to {after_name}" if after_name else "unassigned",
            details={"from": before_name, "to": after_name},
        )
    record_audit(
        db=db,
        actor=actor,
        action="alert.update",
        object_type="alert",
        object_id=alert_id,
        before={key: pair[0] for key, pair in changes.items()} | {"version": current["version"]},
        after={key: pair[1] for key, pair in changes.items()} | {"version": after["version"]},
    )
    logger.info("alert updated alert_id=%s changes=%s actor=%s", alert_id, changes, actor.name)
    return ChangeResult(state=after, changes=changes)


def record_event(
    *, db: Connection, alert_id: str, kind: str, actor: Actor, summary: str, details: dict[str, Any]
) -> None:
    """Add a human action (a note, a checklist step) to the alert's timeline."""
    _event(db, alert_id=alert_id, kind=kind, actor=actor, summary=summary, details=details)

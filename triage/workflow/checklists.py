"""Checklist progress per alert, on the template that matches the alert."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts.users import User
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError
from triage.workflow.alert_state import record_event
from triage.workflow.checklist_templates import ChecklistTemplate, match_template


def _template_for(db: Connection, alert_id: str) -> ChecklistTemplate:
    row = db.execute(
        sa.text(
            "select security_control_id, types, product_name from marts.fct_alerts "
            "where alert_id = :id"
        ),
        {"id": alert_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    return match_template(
        security_control_id=row.security_control_id,
        types=list(row.types or []),
        product_name=row.product_name,
    )


def get_checklist(*, db: Connection, alert_id: str) -> dict[str, Any]:
    """The alert's checklist: its template's steps with who did each and when.

    Raises:
        NotFoundError: no such alert.
    """
    template = _template_for(db, alert_id)
    rows = db.execute(
        sa.text(
            "select progress.step_id, progress.is_done, progress.updated_at, "
            "editor.username from app.checklist_progress as progress "
            "join app.users as editor on editor.user_id = progress.updated_by "
            "where progress.alert_id = :id and progress.template_id = :t"
        ),
        {"id": alert_id, "t": template.template_id},
    ).all()
    done = {row.step_id: row for row in rows}
    steps = []
    for step_id, text in template.steps:
        row = done.get(step_id)
        steps.append(
            {
                "step_id": step_id,
                "text": text,
                "is_done": bool(row and row.is_done),
                "updated_by": row.username if row else None,
                "updated_at": row.updated_at if row else None,
            }
        )
    count_done = sum(1 for step in steps if step["is_done"])
    return {
        "alert_id": alert_id,
        "template_id": template.template_id,
        "title": template.title,
        "steps": steps,
        "count_done": count_done,
        "count_steps": len(steps),
    }


def set_step(
    *, db: Connection, actor: Actor, user: User, alert_id: str, step_id: str, is_done: bool
) -> dict[str, Any]:
    """Tick or untick one step of the alert's checklist.

    Raises:
        NotFoundError: no such alert, or the step is not in its template.
    """
    template = _template_for(db, alert_id)
    texts = dict(template.steps)
    if step_id not in texts:
        raise NotFoundError(
            f"step {step_id!r} is not in checklist {template.template_id!r}; steps: "
            f"{', '.join(texts)}"
        )
    before = db.execute(
        sa.text(
            "select is_done from app.checklist_progress where alert_id = :a and "
            "template_id = :t and step_id = :s"
        ),
        {"a": alert_id, "t": template.template_id, "s": step_id},
    ).scalar_one_or_none()
    if bool(before) != is_done:
        db.execute(
            sa.text(
                "insert into app.checklist_progress (alert_id, template_id, step_id, is_done, "
                "updated_by) values (:a, :t, :s, :d, :u) on conflict (alert_id, template_id, "
                "step_id) do update set is_done = excluded.is_done, updated_by = "
                "excluded.updated_by, updated_at = now()"
            ),
            {
                "a": alert_id,
                "t": template.template_id,
                "s": step_id,
                "d": is_done,
                "u": uuid.UUID(user.user_id),
            },
        )
        verb = "done" if is_done else "reopened"
        record_event(
            db=db,
            alert_id=alert_id,
            kind="checklist_step",
            actor=actor,
            summary=f"checklist step {verb}: {texts[step_id]}",
            details={"template_id": template.template_id, "step_id": step_id, "is_done": is_done},
        )
        record_audit(
            db=db,
            actor=actor,
            action="checklist.update",
            object_type="alert",
            object_id=alert_id,
            before={"step_id": step_id, "is_done": bool(before)},
            after={"step_id": step_id, "is_done": is_done},
        )
    return get_checklist(db=db, alert_id=alert_id)

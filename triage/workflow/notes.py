"""Notes on alerts: Markdown bodies, every edit kept as a version, rendering sanitised."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts.errors import PermissionDeniedError
from triage.accounts.roles import Role
from triage.accounts.users import User
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError, ValidationError
from triage.workflow.alert_state import alert_exists, record_event
from triage.workflow.markdown import render_markdown

MAX_NOTE_LENGTH = 20_000
_COLUMNS = (
    "note.note_id, note.alert_id, note.author_id, author.username as author, note.body, "
    "note.version, note.created_at, note.updated_at"
)


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError("a note needs a non-empty body")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(f"a note may have at most {MAX_NOTE_LENGTH} characters")
    return text


def _note(row: sa.Row[Any]) -> dict[str, Any]:
    data = dict(row._mapping)
    data["note_id"] = str(data["note_id"])
    data["author_id"] = str(data["author_id"])
    data["html"] = render_markdown(data["body"])
    return data


def _get(db: Connection, alert_id: str, note_id: str, *, lock: bool = False) -> dict[str, Any]:
    try:
        key = uuid.UUID(note_id)
    except ValueError as exc:
        raise NotFoundError(f"note {note_id!r} not found on alert {alert_id!r}") from exc
    row = db.execute(
        sa.text(
            f"select {_COLUMNS} from app.notes as note join app.users as author "
            "on author.user_id = note.author_id where note.note_id = :id and note.alert_id = :a"
            + (" for update of note" if lock else "")
        ),
        {"id": key, "a": alert_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"note {note_id!r} not found on alert {alert_id!r}")
    return _note(row)


def add_note(
    *, db: Connection, actor: Actor, user: User, alert_id: str, body: str
) -> dict[str, Any]:
    """Add a note (version 1) to an alert.

    Raises:
        NotFoundError: no such alert.
        ValidationError: empty or too long.
    """
    text = _check_body(body)
    if not alert_exists(db=db, alert_id=alert_id):
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    note_id = uuid.uuid4()
    db.execute(
        sa.text(
            "insert into app.notes (note_id, alert_id, author_id, body) "
            "values (:id, :alert_id, :author, :body)"
        ),
        {"id": note_id, "alert_id": alert_id, "author": uuid.UUID(user.user_id), "body": text},
    )
    db.execute(
        sa.text(
            "insert into app.note_versions (note_id, version, body, edited_by) "
            "values (:id, 1, :body, :author)"
        ),
        {"id": note_id, "body": text, "author": uuid.UUID(user.user_id)},
    )
    note = _get(db, alert_id, str(note_id))
    record_event(
        db=db,
        alert_id=alert_id,
        kind="note_added",
        actor=actor,
        summary=f"note added: {text[:120]}",
        details={"note_id": note["note_id"]},
    )
    record_audit(
        db=db,
        actor=actor,
        action="note.create",
        object_type="note",
        object_id=note["note_id"],
        after={"alert_id": alert_id, "body": text},
    )
    return note


def edit_note(
    *, db: Connection, actor: Actor, user: User, alert_id: str, note_id: str, body: str
) -> dict[str, Any]:
    """Replace a note's body, keeping the old one as a version; authors and admins may.

    Raises:
        NotFoundError: no such note on the alert.
        PermissionDeniedError: the user is neither the author nor an admin.
        ValidationError: empty or too long.
    """
    text = _check_body(body)
    before = _get(db, alert_id, note_id, lock=True)
    if before["author_id"] != user.user_id and user.role is not Role.ADMIN:
        raise PermissionDeniedError("only the note's author or an admin may edit it")
    if text == before["body"]:
        return before
    version = before["version"] + 1
    db.execute(
        sa.text(
            "update app.notes set body = :body, version = :v, updated_at = now() "
            "where note_id = :id"
        ),
        {"body": text, "v": version, "id": uuid.UUID(note_id)},
    )
    db.execute(
        sa.text(
            "insert into app.note_versions (note_id, version, body, edited_by) "
            "values (:id, :v, :body, :by)"
        ),
        {"id": uuid.UUID(note_id), "v": version, "body": text, "by": uuid.UUID(user.user_id)},
    )
    record_event(
        db=db,
        alert_id=alert_id,
        kind="note_edited",
        actor=actor,
        summary=f"note edited (version {version})",
        details={"note_id": note_id, "version": version},
    )
    record_audit(
        db=db,
        actor=actor,
        action="note.update",
        object_type="note",
        object_id=note_id,
        before={"body": before["body"], "version": before["version"]},
        after={"body": text, "version": version},
    )
    return _get(db, alert_id, note_id)


def list_notes(*, db: Connection, alert_id: str) -> list[dict[str, Any]]:
    """An alert's notes, oldest first.

    Raises:
        NotFoundError: no such alert.
    """
    if not alert_exists(db=db, alert_id=alert_id):
        raise NotFoundError(f"alert {alert_id!r} not found; ids come from GET /api/v1/alerts")
    rows = db.execute(
        sa.text(
            f"select {_COLUMNS} from app.notes as note join app.users as author "
            "on author.user_id = note.author_id where note.alert_id = :a "
            "order by note.created_at, note.note_id"
        ),
        {"a": alert_id},
    ).all()
    return [_note(row) for row in rows]


def list_note_versions(*, db: Connection, alert_id: str, note_id: str) -> list[dict[str, Any]]:
    """Every version of a note, oldest first, each rendered.

    Raises:
        NotFoundError: no such note on the alert.
    """
    _get(db, alert_id, note_id)
    rows = db.execute(
        sa.text(
            "select version.version, version.body, version.edited_at, editor.username as "
            "edited_by from app.note_versions as version join app.users as editor "
            "on editor.user_id = version.edited_by where version.note_id = :id "
            "order by version.version"
        ),
        {"id": uuid.UUID(note_id)},
    ).all()
    return [dict(row._mapping) | {"html": render_markdown(row.body)} for row in rows]

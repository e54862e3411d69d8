"""HTTP routes for investigating an alert: notes with versions and the checklist.

The timeline, which merges these human actions with the finding, Config and CloudTrail
history, is served by api/resource_context/.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, DbDep, RedisDep
from api.investigations.schemas import (
    ChecklistRead,
    ChecklistStepUpdate,
    NoteCreate,
    NoteList,
    NoteRead,
    NoteVersionList,
    NoteVersionRead,
)
from triage.accounts.users import get_user
from triage.workflow import checklists, live, notes

router = APIRouter(prefix="/alerts", tags=["investigations"])

_NOT_FOUND = {404: {"description": "No such alert (or note, or step)."}}


@router.get("/{alert_id}/notes", response_model=NoteList, responses=_NOT_FOUND)
def list_notes(alert_id: str, db: DbDep, user: CurrentUser) -> NoteList:
    """An alert's notes, oldest first, each with sanitised HTML."""
    items = [NoteRead(**note) for note in notes.list_notes(db=db, alert_id=alert_id)]
    return NoteList(items=items, total=len(items))


@router.post("/{alert_id}/notes", response_model=NoteRead, status_code=201, responses=_NOT_FOUND)
def create_note(
    alert_id: str, body: NoteCreate, db: DbDep, user: CurrentUser, redis_client: RedisDep
) -> NoteRead:
    """Add a Markdown note to an alert."""
    author = get_user(db=db, user_id=user.user_id)
    note = notes.add_note(db=db, actor=user.actor(), user=author, alert_id=alert_id, body=body.body)
    db.commit()
    live.publish(
        redis_client,
        live.alert_message(
            alert_id=alert_id,
            changes={"note_added": note["note_id"]},
            actor=user.username,
            kind="alert.note",
        ),
    )
    return NoteRead(**note)


@router.patch("/{alert_id}/notes/{note_id}", response_model=NoteRead, responses=_NOT_FOUND)
def update_note(
    alert_id: str, note_id: str, body: NoteCreate, db: DbDep, user: CurrentUser
) -> NoteRead:
    """Edit a note (its author or an admin); the previous body is kept as a version."""
    editor = get_user(db=db, user_id=user.user_id)
    note = notes.edit_note(
        db=db, actor=user.actor(), user=editor, alert_id=alert_id, note_id=note_id, body=body.body
    )
    db.commit()
    return NoteRead(**note)


@router.get(
    "/{alert_id}/notes/{note_id}/versions", response_model=NoteVersionList, responses=_NOT_FOUND
)
def list_note_versions(
    alert_id: str, note_id: str, db: DbDep, user: CurrentUser
) -> NoteVersionList:
    """Every version of a note, oldest first."""
    items = [
        NoteVersionRead(**version)
        for version in notes.list_note_versions(db=db, alert_id=alert_id, note_id=note_id)
    ]
    return NoteVersionList(items=items, total=len(items))


@router.get("/{alert_id}/checklist", response_model=ChecklistRead, responses=_NOT_FOUND)
def get_checklist(alert_id: str, db: DbDep, user: CurrentUser) -> ChecklistRead:
    """The alert's checklist and its progress."""
    return ChecklistRead(**checklists.get_checklist(db=db, alert_id=alert_id))


@router.put(
    "/{alert_id}/checklist/steps/{step_id}", response_model=ChecklistRead, responses=_NOT_FOUND
)
def update_checklist_step(
    alert_id: str,
    step_id: str,
    body: ChecklistStepUpdate,
    db: DbDep,
    user: CurrentUser,
    redis_client: RedisDep,
) -> ChecklistRead:
    """Tick or untick one checklist step."""
    editor = get_user(db=db, user_id=user.user_id)
    checklist = checklists.set_step(
        db=db,
        actor=user.actor(),
        user=editor,
        alert_id=alert_id,
        step_id=step_id,
        is_done=body.is_done,
    )
    db.commit()
    live.publish(
        redis_client,
        live.alert_message(
            alert_id=alert_id,
            changes={"checklist": {step_id: body.is_done}},
            actor=user.username,
            kind="alert.checklist",
        ),
    )
    return ChecklistRead(**checklist)

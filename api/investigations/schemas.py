"""Request and response shapes of notes, checklists and the timeline."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NoteCreate(BaseModel):
    """A note in Markdown."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20_000)


class NoteRead(BaseModel):
    """A note: its Markdown and the sanitised HTML to show."""

    note_id: str
    alert_id: str
    author: str
    body: str
    html: str
    version: int
    created_at: datetime
    updated_at: datetime


class NoteList(BaseModel):
    """An alert's notes, oldest first."""

    items: list[NoteRead]
    total: int
    next_cursor: str | None = None


class NoteVersionRead(BaseModel):
    """One version of a note."""

    version: int
    body: str
    html: str
    edited_by: str
    edited_at: datetime


class NoteVersionList(BaseModel):
    """Every version of a note, oldest first."""

    items: list[NoteVersionRead]
    total: int
    next_cursor: str | None = None


class ChecklistStepRead(BaseModel):
    """One step and who ticked it."""

    step_id: str
    text: str
    is_done: bool
    updated_by: str | None
    updated_at: datetime | None


class ChecklistRead(BaseModel):
    """The alert's checklist, from the template matching its control, type or product."""

    alert_id: str
    template_id: str
    title: str
    steps: list[ChecklistStepRead]
    count_done: int
    count_steps: int


class ChecklistStepUpdate(BaseModel):
    """Tick or untick a step."""

    model_config = ConfigDict(extra="forbid")

    is_done: bool

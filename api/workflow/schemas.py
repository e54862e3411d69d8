"""Request and response shapes of the alert workflow (status, assignment, bulk)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from triage.workflow.states import AlertStatus


class AlertStateRead(BaseModel):
    """An alert's triage state; `etag` is the value to send back in `If-Match`."""

    alert_id: str
    status: AlertStatus
    assignee: str | None
    suppressed_reason: str | None
    suppressed_until: datetime | None
    version: int
    reopen_count: int
    acknowledged_at: datetime | None
    investigating_at: datetime | None
    resolved_at: datetime | None
    suppressed_at: datetime | None
    false_positive_at: datetime | None
    reopened_at: datetime | None
    assigned_at: datetime | None
    updated_at: datetime | None
    updated_by: str | None
    allowed_transitions: list[AlertStatus]
    etag: str


class AlertStateUpdate(BaseModel):
    """A status and/or assignee change; `assignee: null` unassigns."""

    model_config = ConfigDict(extra="forbid")

    status: AlertStatus | None = None
    reason: str | None = Field(
        default=None, max_length=2000, description="Why; required when suppressing."
    )
    suppressed_until: datetime | None = Field(
        default=None, description="When a suppression ends (required when suppressing)."
    )
    assignee: str | None = Field(default=None, max_length=63, description="A username.")


class AlertBulkUpdate(AlertStateUpdate):
    """One change applied to many alerts."""

    alert_ids: list[str] = Field(min_length=1, max_length=500)


class AlertBulkItem(BaseModel):
    """The outcome for one alert of a bulk action."""

    alert_id: str
    ok: bool
    error: str | None = None
    state: AlertStateRead | None = None


class AlertBulkResult(BaseModel):
    """Outcomes of a bulk action: each alert succeeds or fails on its own."""

    items: list[AlertBulkItem]
    succeeded: int
    failed: int

"""Response shapes of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditRead(BaseModel):
    """One audit row: who did what to which object, before and after, from where."""

    audit_id: int
    at: datetime
    actor_id: str
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    request_id: str | None
    client_address: str | None


class AuditList(BaseModel):
    """One page of audit rows, newest first."""

    items: list[AuditRead]
    total: int
    next_cursor: str | None


class WritebackStatus(BaseModel):
    """The write-back outbox by state, and endpoints found to lack BatchUpdateFindings."""

    by_state: dict[str, int]
    unsupported_endpoints: list[str]

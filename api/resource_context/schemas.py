"""Response shapes of the resource context: who owns it, what changed, who changed it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ResourceContextRead(BaseModel):
    """The primary resource's metadata from `marts.dim_resources`.

    A fact AWS refused to tell (access denied) is null and named in `unknown_facts`; a
    null fact not listed there is known to be absent (for example, no owner tag).
    """

    resource_id: str | None
    resource_type: str | None
    owner: str | None
    team: str | None
    environment: str | None
    classification: str | None
    compliance_tags: dict[str, Any] = Field(default_factory=dict)
    tags: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None
    exposure_level: str = Field(description="public, exposed, internal or unknown.")
    exposure: dict[str, Any] = Field(default_factory=dict)
    unknown_facts: list[str] = Field(default_factory=list)
    snapshot_taken_at: datetime | None


class ImpactPartsRead(BaseModel):
    """The four parts the impact score adds up (see docs/data-contracts.md)."""

    severity: int = Field(description="0-40 from the severity label.")
    data_sensitivity: int = Field(description="0-25 from the data classification.")
    exposure: int = Field(description="0-20 from public exposure.")
    environment: int = Field(description="0-15 from the environment.")


class ImpactRead(BaseModel):
    """Risk score 0-100 and its parts."""

    score: int
    parts: ImpactPartsRead


class ChangedAttributeRead(BaseModel):
    """One attribute a Config change altered, before and after."""

    attribute: str
    before: Any = None
    after: Any = None


class ResourceChangeRead(BaseModel):
    """One AWS Config change on a resource of the alert, with its CloudTrail actor."""

    resource_change_key: str
    resource_type: str
    resource_id: str
    resource_name: str | None
    change_type: str
    captured_at: datetime
    changed_attributes: list[ChangedAttributeRead]
    change_actor: str | None
    change_action: str | None
    change_event_id: str | None
    change_event_at: datetime | None


class LastChangeRead(BaseModel):
    """Who last changed one of the alert's resources before the alert was first seen."""

    actor: str | None
    at: datetime | None
    source: str | None = Field(description="aws_config (with its actor) or cloudtrail.")
    change: ResourceChangeRead | None = Field(
        default=None,
        description="The newest Config change at or before the alert's first sighting.",
    )


class AlertContextRead(BaseModel):
    """Everything the detail view shows beside the finding."""

    context: ResourceContextRead | None
    impact: ImpactRead
    last_change: LastChangeRead | None
    recent_changes: list[ResourceChangeRead]


TimelineKind = Literal["finding_version", "config_change", "cloudtrail_event"]


class TimelineItem(BaseModel):
    """One moment in an alert's history: a human action, a finding version or a change."""

    id: str
    at: datetime
    kind: str = Field(
        description="A human action (status_changed, assigned, note_added, ...), "
        "finding_version, config_change or cloudtrail_event."
    )
    source: str = Field(
        description="triage (people and our steps), securityhub, aws_config, cloudtrail."
    )
    actor: str | None
    summary: str
    details: dict[str, Any]


class TimelinePage(BaseModel):
    """One page of the timeline, newest first."""

    items: list[TimelineItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )

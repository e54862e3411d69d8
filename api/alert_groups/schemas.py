"""Response and request shapes of the alert-group endpoints and the grouped queue."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.alerts.schemas import AlertRead


class AlertGroupRead(BaseModel):
    """One group from `marts.fct_alert_groups`; `id` repeats `alert_group_id`."""

    id: str
    alert_group_id: str
    parent_alert_id: str
    title: str
    severity_label: str
    severity_score: int
    workflow_status: str | None
    aws_account_ids: list[str]
    regions: list[str]
    count_members: int
    count_accounts: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    first_grouped_at: datetime | None


class AlertGroupMemberRead(BaseModel):
    """One member and why it is in the group: the pair that linked it, its parts and blocks."""

    alert_id: str
    is_parent: bool
    title: str | None
    severity_label: str | None
    severity_score: int | None
    aws_account_id: str | None
    region: str | None
    resource_type: str | None
    resource_id: str | None
    workflow_status: str | None
    last_seen_at: datetime | None
    linked_alert_id: str | None = Field(description="The member this one was linked to.")
    score: float | None = Field(description="Similarity of the linking pair, in [0, 1].")
    score_parts: dict[str, float] = Field(
        description="Each feature's weighted share of the score; the parts sum to `score`."
    )
    blocks: list[str] = Field(description="The blocking keys that proposed the linking pair.")
    reasons: list[str] = Field(description="Similarity, rules and manual merges that applied.")


class AlertGroupDetail(AlertGroupRead):
    """A group with every member and why each is there."""

    members: list[AlertGroupMemberRead]


class AlertGroupList(BaseModel):
    """One page of groups, the total and the next page's cursor."""

    items: list[AlertGroupRead]
    total: int
    next_cursor: str | None


class AlertGroupMerge(BaseModel):
    """Groups and alerts to merge into the group of the path."""

    group_ids: list[str] = Field(default_factory=list, max_length=100)
    alert_ids: list[str] = Field(default_factory=list, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)


class AlertGroupSplit(BaseModel):
    """Members to take out of the group of the path; they form a group of their own."""

    alert_ids: list[str] = Field(min_length=1, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)


class AlertGroupEditRead(BaseModel):
    """A recorded merge or split; the next correlation run applies it, and every run after."""

    alert_group_edit_id: int
    kind: Literal["merge", "split"]
    alert_group_id: str
    alert_ids: list[str]
    other_alert_ids: list[str]
    note: str | None
    created_by: str
    created_at: datetime
    applies_on_next_run: bool = True


class QueueItem(BaseModel):
    """One row of the grouped queue: a group, or an alert that is in no group."""

    kind: Literal["group", "alert"]
    id: str
    title: str | None
    severity_label: str
    severity_score: int
    workflow_status: str | None
    count_alerts: int
    last_seen_at: datetime
    group: AlertGroupRead | None = None
    alert: AlertRead | None = None


class QueueList(BaseModel):
    """One page of the grouped queue, highest severity and most recently seen first."""

    items: list[QueueItem]
    total: int
    next_cursor: str | None


class SimilarAlert(BaseModel):
    """An alert similar to the one asked about, with the explanation of the score."""

    alert_id: str
    title: str | None
    severity_label: str | None
    aws_account_id: str | None
    region: str | None
    resource_id: str | None
    score: float
    score_parts: dict[str, float]
    blocks: list[str]
    alert_group_id: str | None = Field(description="The similar alert's group, if any.")


class SimilarAlertList(BaseModel):
    """The most similar alerts, best first."""

    alert_id: str
    items: list[SimilarAlert]

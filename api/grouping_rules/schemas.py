"""Request and response shapes of the grouping-rule endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from triage.correlation.rules import RuleKind


class GroupingRuleCreate(BaseModel):
    """A new rule; see `triage.correlation.rules.GroupingRule` for what each kind does."""

    name: str = Field(min_length=1, max_length=200)
    kind: RuleKind
    field: str | None = Field(
        default=None,
        description="security_control_id, finding_type, cve_id, resource_id, product_name, "
        "region or title; none for never_across_accounts.",
    )
    values: list[str] = Field(
        default_factory=list, max_length=2, description="Two values for never_together."
    )
    across_accounts: bool = Field(
        default=False, description="group_by_field only: let the groups span accounts."
    )
    is_enabled: bool = True


class GroupingRuleUpdate(BaseModel):
    """Fields to change; omitted fields keep their value."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: RuleKind | None = None
    field: str | None = None
    values: list[str] | None = Field(default=None, max_length=2)
    across_accounts: bool | None = None
    is_enabled: bool | None = None


class GroupingRuleRead(BaseModel):
    """A stored rule; the next correlation run applies every enabled rule."""

    id: int
    name: str
    kind: RuleKind
    field: str | None
    values: list[str]
    across_accounts: bool
    is_enabled: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


class GroupingRuleList(BaseModel):
    """Every rule, oldest first."""

    items: list[GroupingRuleRead]
    total: int

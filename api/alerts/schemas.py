"""Request filters and response shapes of the alerts endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.resource_context.schemas import (
    ImpactRead,
    LastChangeRead,
    ResourceChangeRead,
    ResourceContextRead,
)
from triage.findings.model import SeverityLabel
from triage.workflow.states import AlertStatus


class AlertFilters(BaseModel):
    """Filters shared by the list and summary endpoints; empty lists mean "any"."""

    model_config = ConfigDict(frozen=True)

    severities: tuple[SeverityLabel, ...] = ()
    statuses: tuple[str, ...] = Field(default=(), description="Upper-cased workflow statuses.")
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    q: str | None = None
    closed: bool | None = None
    owners: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    classifications: tuple[str, ...] = ()
    triage_statuses: tuple[AlertStatus, ...] = ()
    assignees: tuple[str, ...] = Field(
        default=(), description="Usernames; `none` selects unassigned alerts."
    )


class AlertRead(BaseModel):
    """One alert from `marts.fct_alerts`; `id` repeats `alert_id` for clients."""

    id: str
    alert_id: str
    alert_key: str | None
    severity_label: str
    severity_score: int
    workflow_status: str | None
    record_state: str | None
    compliance_status: str | None
    product_name: str | None
    company_name: str | None
    aws_account_id: str | None
    region: str | None
    resource_type: str | None
    resource_id: str | None
    count_resources: int | None
    title: str | None
    description: str | None
    types: list[str]
    security_control_id: str | None
    standards: list[str]
    first_seen_at: datetime | None
    last_seen_at: datetime
    updated_at: datetime | None
    count_findings: int | None
    is_closed_by_source: bool | None
    closed_reason: str | None
    triage_status: str = Field(default="new", description="Our workflow status (app schema).")
    assignee: str | None = None
    owner: str | None = None
    environment: str | None = None
    classification: str | None = None
    impact_score: int | None = None
    last_change_actor: str | None = None


class AlertList(BaseModel):
    """One page of alerts, the count under the same filters and the next page's cursor."""

    items: list[AlertRead]
    total: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class AlertSummary(BaseModel):
    """Counts for the dashboard's severity cards and the choices for its filters."""

    total: int
    by_severity: dict[SeverityLabel, int] = Field(
        description="Every label, highest first; zero when no alert has it."
    )
    by_status: dict[str, int] = Field(
        description="Upper-cased workflow status; `NONE` counts alerts without one."
    )
    accounts: list[str] = Field(description="Accounts matching every filter but `account`.")
    regions: list[str] = Field(description="Regions matching every filter but `region`.")
    products: list[str] = Field(description="Products matching every filter but `product`.")


class SeverityResolution(BaseModel):
    """How the normaliser resolved one finding's severity (from its latest raw version)."""

    label: str | None
    score: int | None
    source: str | None
    is_missing: bool | None
    product: float | None
    original: str | None


class AlertFindingRead(BaseModel):
    """One finding of an alert, with its latest raw ASFF JSON when the raw table has it."""

    product_arn: str
    finding_id: str
    severity_label: str | None
    workflow_status: str | None
    record_state: str | None
    compliance_status: str | None
    updated_at: datetime | None
    generator_id: str | None
    standard: str | None
    severity: SeverityResolution | None = Field(
        description="Null when no raw version of the finding is stored."
    )
    warnings: list[str] = Field(default_factory=list)
    raw_updated_at: datetime | None = None
    finding: dict[str, Any] | None = Field(
        default=None, description="The latest stored version exactly as received."
    )


class AlertResourceRead(BaseModel):
    """One current resource of an alert, joined to its `marts.dim_resources` row."""

    resource_key: str
    resource_id: str | None
    resource_type: str | None
    region: str | None
    is_primary: bool | None
    aws_account_id: str | None
    partition: str | None
    tags: dict[str, Any] | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    count_alerts: int | None


class AlertDetail(AlertRead):
    """An alert with its findings, resources, resource context and impact."""

    findings: list[AlertFindingRead]
    resources: list[AlertResourceRead]
    context: ResourceContextRead | None = Field(
        default=None, description="The primary resource's owner, classification, exposure."
    )
    impact: ImpactRead | None = None
    last_change: LastChangeRead | None = None
    recent_changes: list[ResourceChangeRead] = Field(
        default_factory=list,
        description="The newest AWS Config changes on the alert's resources, with actors.",
    )

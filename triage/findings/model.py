"""The internal finding model every adapter (ASFF now, OCSF later) produces.

The keys and their rules are fixed by ``docs/data-contracts.md`` (section ``normalized``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer


class SchemaFormat(StrEnum):
    """The wire format a finding arrived in."""

    ASFF = "asff"
    OCSF = "ocsf"


class SeverityLabel(StrEnum):
    """ASFF severity labels, lowest first."""

    INFORMATIONAL = "INFORMATIONAL"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class SeveritySource(StrEnum):
    """Which input field the severity label was resolved from (case B11 order)."""

    LABEL = "label"
    FINDING_PROVIDER_FIELDS = "finding_provider_fields"
    NORMALIZED = "normalized"
    PRODUCT = "product"
    MISSING = "missing"


class AccountIdSource(StrEnum):
    """Where ``aws_account_id`` was found."""

    FINDING = "finding"
    RESOURCE_ARN = "resource_arn"
    PRODUCT_ARN = "product_arn"
    FINDING_ARN = "finding_arn"
    MISSING = "missing"


class ComplianceStatusGroup(StrEnum):
    """``Compliance.Status`` folded onto the ASFF enum."""

    PASSED = "PASSED"
    FAILED = "FAILED"
    WARNING = "WARNING"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    OTHER = "other"
    NONE = "none"


class RecordStateGroup(StrEnum):
    """``RecordState`` folded onto the ASFF enum."""

    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    OTHER = "other"
    NONE = "none"


class WorkflowStatusGroup(StrEnum):
    """``Workflow.Status`` folded onto the ASFF enum."""

    NEW = "NEW"
    NOTIFIED = "NOTIFIED"
    RESOLVED = "RESOLVED"
    SUPPRESSED = "SUPPRESSED"
    OTHER = "other"
    NONE = "none"


# Lower bound of each label's range; the contract calls it the label's score.
SEVERITY_SCORE_FOR_LABEL: dict[SeverityLabel, int] = {
    SeverityLabel.INFORMATIONAL: 0,
    SeverityLabel.LOW: 1,
    SeverityLabel.MEDIUM: 40,
    SeverityLabel.HIGH: 70,
    SeverityLabel.CRITICAL: 90,
}


def format_utc(value: datetime) -> str:
    """Render an aware datetime as the contract's fixed UTC form ``...HH:MM:SS.ffffffZ``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class NormalizedResource(BaseModel):
    """One entry of ``Resources``, reduced to what triage joins and shows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str | None
    id: str | None
    partition: str | None
    region: str | None
    tags: dict[str, Any] = Field(default_factory=dict)
    name: str | None


class NormalizedFinding(BaseModel):
    """A finding in the product's own shape, whatever format it arrived in."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)

    schema_format: SchemaFormat = SchemaFormat.ASFF
    product_arn: str
    finding_id: str
    product_key: str
    generator_id: str | None
    aws_account_id: str | None
    aws_account_id_source: AccountIdSource
    is_account_id_valid: bool
    region: str | None
    product_name: str | None
    company_name: str | None
    title: str | None
    description: str | None
    types: list[str] = Field(default_factory=list)
    severity_label: SeverityLabel
    severity_score: int = Field(ge=0, le=100)
    severity_source: SeveritySource
    severity_missing: bool
    severity_product: float | None
    severity_original: str | None
    created_at: AwareDatetime | None
    updated_at: AwareDatetime
    first_observed_at: AwareDatetime | None
    last_observed_at: AwareDatetime | None
    record_state: str | None
    workflow_status: str | None
    compliance_status: str | None
    compliance_status_group: ComplianceStatusGroup
    record_state_group: RecordStateGroup
    workflow_status_group: WorkflowStatusGroup
    security_control_id: str | None
    standard_control_key: str | None
    related_standards: list[str] = Field(default_factory=list)
    resources: list[NormalizedResource] = Field(default_factory=list)
    product_fields: dict[str, Any] = Field(default_factory=dict)
    source_url: str | None
    warnings: list[str] = Field(default_factory=list)

    @field_serializer(
        "created_at", "updated_at", "first_observed_at", "last_observed_at", when_used="json"
    )
    def _serialize_timestamp(self, value: datetime | None) -> str | None:
        return None if value is None else format_utc(value)

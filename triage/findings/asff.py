"""Normalise one AWS Security Finding Format (ASFF) object into a ``NormalizedFinding``.

Field rules are those of ``docs/data-contracts.md`` (section ``normalized``).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, TypeVar

from triage.findings.arn import (
    ACCOUNT_PATTERN,
    account_of,
    parse_arn,
    region_of,
    without_region,
)
from triage.findings.errors import FindingRejectedError, InvalidTimestampError
from triage.findings.model import (
    AccountIdSource,
    ComplianceStatusGroup,
    NormalizedFinding,
    NormalizedResource,
    RecordStateGroup,
    SchemaFormat,
    WorkflowStatusGroup,
)
from triage.findings.resources import normalize_resources
from triage.findings.severity import resolve_severity
from triage.findings.timestamps import parse_timestamp

logger = logging.getLogger(__name__)

_Group = TypeVar("_Group", ComplianceStatusGroup, RecordStateGroup, WorkflowStatusGroup)

# "<standard>/v/<version>/[rule/]<control>" inside a GeneratorId or StandardsControlArn,
# e.g. arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1.
_STANDARD_CONTROL = re.compile(r"(?:^|/)(?P<std>[A-Za-z0-9-]+/v/[^/]+)/(?:rule/)?(?P<ctl>[^/]+)$")
_STANDARD_ONLY = re.compile(r"(?:^|/)(?P<std>[A-Za-z0-9-]+/v/[^/]+)$")
_DEPRECATED_WORKFLOW_STATES = {
    "NEW": WorkflowStatusGroup.NEW,
    "RESOLVED": WorkflowStatusGroup.RESOLVED,
}


def normalize_asff(obj: object) -> NormalizedFinding:
    """Normalise one ASFF finding object.

    Raises:
        FindingRejectedError: the record is not an object, or lacks a usable ``Id``,
            ``ProductArn`` or ``UpdatedAt``, or has an unparsable ``CreatedAt``.
    """
    if not isinstance(obj, dict):
        raise FindingRejectedError(
            "not_an_object", f"expected a JSON object, found {type(obj).__name__}"
        )
    finding_id = _required_text(obj, "Id", "missing_id")
    product_arn = _required_text(obj, "ProductArn", "missing_product_arn")
    warnings: list[str] = []

    if obj.get("UpdatedAt") in (None, ""):
        raise FindingRejectedError("missing_updated_at", f"Id={finding_id} has no UpdatedAt")
    updated_at = _timestamp(obj, "UpdatedAt", warnings, required=True)
    if obj.get("CreatedAt") in (None, ""):
        warnings.append("missing_created_at")
    created_at = _timestamp(obj, "CreatedAt", warnings, required=True)
    first_observed_at = _timestamp(obj, "FirstObservedAt", warnings, required=False)
    last_observed_at = _timestamp(obj, "LastObservedAt", warnings, required=False)

    product_fields = obj.get("ProductFields")
    if not isinstance(product_fields, dict):
        if product_fields is not None:
            warnings.append("product_fields_not_an_object")
        product_fields = {}
    resources = normalize_resources(obj.get("Resources"), warnings)
    account_id, account_source = _account_id(obj, product_arn, finding_id, warnings)
    company_name, product_name = _product_names(obj, product_arn, product_fields)
    severity = resolve_severity(obj)
    warnings.extend(severity.warnings)
    compliance = obj.get("Compliance") if isinstance(obj.get("Compliance"), dict) else None
    compliance_status = _text(compliance.get("Status")) if compliance else None
    record_state = _text(obj.get("RecordState"))
    workflow_status, workflow_group = _workflow(obj)

    return NormalizedFinding(
        schema_format=SchemaFormat.ASFF,
        product_arn=product_arn,
        finding_id=finding_id,
        product_key=without_region(product_arn),
        generator_id=_text(obj.get("GeneratorId")),
        aws_account_id=account_id,
        aws_account_id_source=account_source,
        is_account_id_valid=bool(account_id and ACCOUNT_PATTERN.fullmatch(account_id)),
        region=_region(obj, product_arn, finding_id, resources),
        product_name=product_name,
        company_name=company_name,
        title=_text(obj.get("Title")),
        description=_text(obj.get("Description")),
        types=_types(obj.get("Types"), warnings),
        severity_label=severity.label,
        severity_score=severity.score,
        severity_source=severity.source,
        severity_missing=severity.missing,
        severity_product=severity.product,
        severity_original=severity.original,
        created_at=created_at,
        updated_at=updated_at,
        first_observed_at=first_observed_at,
        last_observed_at=last_observed_at,
        record_state=record_state,
        workflow_status=workflow_status,
        compliance_status=compliance_status,
        compliance_status_group=_group(compliance_status, ComplianceStatusGroup),
        record_state_group=_group(record_state, RecordStateGroup),
        workflow_status_group=workflow_group,
        security_control_id=_security_control_id(obj, compliance, product_fields),
        standard_control_key=_standard_control_key(obj, product_fields),
        related_standards=_related_standards(compliance),
        resources=resources,
        product_fields=product_fields,
        source_url=_text(obj.get("SourceUrl")),
        warnings=warnings,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _required_text(obj: dict[str, Any], key: str, reason: str) -> str:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value
    found = "nothing" if value is None else repr(value)[:80]
    raise FindingRejectedError(reason, f"expected a non-empty string in {key}, found {found}")


def _timestamp(
    obj: dict[str, Any], key: str, warnings: list[str], *, required: bool
) -> datetime | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    try:
        parsed, assumed_utc = parse_timestamp(value)
    except InvalidTimestampError as exc:
        if required:
            raise FindingRejectedError("invalid_timestamp", f"{key}: {exc}") from exc
        warnings.append(f"invalid_timestamp:{key}")
        logger.debug("optional timestamp dropped field=%s id=%s", key, obj.get("Id"))
        return None
    if assumed_utc:
        warnings.append(f"timestamp_without_offset:{key}")
    return parsed


def _account_id(
    obj: dict[str, Any], product_arn: str, finding_id: str, warnings: list[str]
) -> tuple[str | None, AccountIdSource]:
    value = obj.get("AwsAccountId")
    if value is not None and str(value).strip():
        if not isinstance(value, str):
            warnings.append("account_id_not_a_string")
        return str(value), AccountIdSource.FINDING
    resources = obj.get("Resources") if isinstance(obj.get("Resources"), list) else []
    for resource in resources:
        account = account_of(resource.get("Id")) if isinstance(resource, dict) else None
        if account:
            warnings.append("account_id_from_resource_arn")
            return account, AccountIdSource.RESOURCE_ARN
    for arn, source in (
        (product_arn, AccountIdSource.PRODUCT_ARN),
        (finding_id, AccountIdSource.FINDING_ARN),
    ):
        account = account_of(arn)
        if account:
            warnings.append(f"account_id_from_{source.value}")
            return account, source
    warnings.append("account_id_missing")
    return None, AccountIdSource.MISSING


def _region(
    obj: dict[str, Any], product_arn: str, finding_id: str, resources: list[NormalizedResource]
) -> str | None:
    region = _text(obj.get("Region"))
    if region:
        return region
    region = region_of(product_arn) or region_of(finding_id)
    if region:
        return region
    return resources[0].region if resources else None


def _product_names(
    obj: dict[str, Any], product_arn: str, product_fields: dict[str, Any]
) -> tuple[str | None, str | None]:
    company = _text(obj.get("CompanyName") or product_fields.get("aws/securityhub/CompanyName"))
    product = _text(obj.get("ProductName") or product_fields.get("aws/securityhub/ProductName"))
    arn = parse_arn(product_arn)
    path = arn.resource.split("/") if arn else []
    if len(path) >= 3 and path[0] == "product":
        company = company or path[1]
        product = product or "/".join(path[2:])
    return company, product


def _types(value: object, warnings: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append("types_not_a_list")
        return [str(value)]
    return [str(item) for item in value]


def _workflow(obj: dict[str, Any]) -> tuple[str | None, WorkflowStatusGroup]:
    workflow = obj.get("Workflow")
    status = _text(workflow.get("Status")) if isinstance(workflow, dict) else None
    if status is not None:
        return status, _group(status, WorkflowStatusGroup)
    # WorkflowState is deprecated; only NEW and RESOLVED carry over to Workflow.Status.
    state = _text(obj.get("WorkflowState"))
    if state is None:
        return None, WorkflowStatusGroup.NONE
    return state, _DEPRECATED_WORKFLOW_STATES.get(state, WorkflowStatusGroup.OTHER)


def _group(value: str | None, enum: type[_Group]) -> _Group:
    if value is None:
        return enum("none")
    if value in enum.__members__ and value == enum[value].value:
        return enum[value]
    return enum("other")


def _security_control_id(
    obj: dict[str, Any], compliance: dict[str, Any] | None, product_fields: dict[str, Any]
) -> str | None:
    control = _text(compliance.get("SecurityControlId")) if compliance else None
    if control:
        return control
    # ProductFields.ControlId is a security control id only on consolidated control findings;
    # on older per-standard findings it is the standard's own id (e.g. PCI.EC2.5).
    generator = str(obj.get("GeneratorId") or "")
    consolidated = generator.startswith("security-control/") or "/security-control/" in str(
        obj.get("Id") or ""
    )
    return _text(product_fields.get("ControlId")) if consolidated else None


def _standard_control_key(obj: dict[str, Any], product_fields: dict[str, Any]) -> str | None:
    for candidate in (obj.get("GeneratorId"), product_fields.get("StandardsControlArn")):
        match = _STANDARD_CONTROL.search(candidate) if isinstance(candidate, str) else None
        if match:
            return f"{match['std']}/{match['ctl']}"
    standard = product_fields.get("StandardsArn") or product_fields.get("StandardsGuideArn")
    control = product_fields.get("ControlId") or product_fields.get("RuleId")
    match = _STANDARD_ONLY.search(standard) if isinstance(standard, str) else None
    if match and isinstance(control, str) and control:
        return f"{match['std']}/{control}"
    return None


def _related_standards(compliance: dict[str, Any] | None) -> list[str]:
    standards = compliance.get("AssociatedStandards") if compliance else None
    if not isinstance(standards, list):
        return []
    return [
        str(s["StandardsId"]) for s in standards if isinstance(s, dict) and s.get("StandardsId")
    ]

"""Render Security Hub control findings: consolidated and the older per-standard layout."""

from __future__ import annotations

import random
from typing import Any

from triage.demo.builders import base_finding
from triage.demo.catalogue import CIS, FSBP, PCI, SEVERITY_NORMALIZED, Control
from triage.demo.estate import Resource, ScopeEstate
from triage.demo.timeline import Version

REMEDIATION_URL = "https://docs.aws.amazon.com/console/securityhub"
STANDARD_TYPES = {
    FSBP: "Software and Configuration Checks/Industry and Regulatory Standards/"
    "AWS-Foundational-Security-Best-Practices",
    CIS: "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS AWS Foundations Benchmark",
    PCI: "Software and Configuration Checks/Industry and Regulatory Standards/PCI-DSS",
}
STANDARD_IDS = {FSBP: f"standards/{FSBP}", CIS: f"ruleset/{CIS}", PCI: f"standards/{PCI}"}
REQUIREMENT_PREFIX = {
    FSBP: None,
    CIS: "CIS AWS Foundations Benchmark v1.2.0",
    PCI: "PCI DSS v3.2.1",
}


def control_findings(
    rng: random.Random,
    scope: ScopeEstate,
    control: Control,
    resource: Resource,
    versions: list[Version],
    *,
    consolidated: bool,
    with_control_id: bool = True,
) -> list[dict[str, Any]]:
    """Return every version of one control's finding(s) on one resource.

    Consolidated: one finding for all standards. Otherwise one finding per standard, with
    the older per-standard `GeneratorId` and `Id` layouts.
    """
    if consolidated:
        groups = [(None, control.standards)]
    else:
        groups = [(standard, ((standard, local_id),)) for standard, local_id in control.standards]
    region, account = scope.region, scope.account_id
    hub = f"arn:aws:securityhub:{region}:{account}"
    product_arn = f"arn:aws:securityhub:{region}::product/aws/securityhub"
    out: list[dict[str, Any]] = []
    for standard, standards in groups:
        uid = _uuid(rng)
        if standard is None:
            finding_id = f"{hub}:security-control/{control.control_id}/finding/{uid}"
            generator = f"security-control/{control.control_id}"
            fields: dict[str, str] = {"RelatedAWSResources:0/type": resource.type}
        else:
            local_id = standards[0][1]
            finding_id = f"{hub}:subscription/{standard}/{local_id}/finding/{uid}"
            generator = (
                f"arn:aws:securityhub:::ruleset/{standard}/rule/{local_id}"
                if standard == CIS
                else f"{standard}/{local_id}"
            )
            arn_key = "StandardsGuideArn" if standard == CIS else "StandardsArn"
            standards_arn = (
                f"arn:aws:securityhub:::ruleset/{standard}"
                if standard == CIS
                else f"arn:aws:securityhub:{region}::standards/{standard}"
            )
            fields = {
                arn_key: standards_arn,
                "StandardsControlArn": f"{hub}:control/{standard}/{local_id}",
                "ControlId": local_id,
            }
        fields.update(
            {
                "aws/securityhub/ProductName": "Security Hub",
                "aws/securityhub/CompanyName": "AWS",
                "Resources:0/Id": resource.id,
                "aws/securityhub/FindingId": f"{product_arn}/{finding_id}",
            }
        )
        types = [STANDARD_TYPES[std] for std, _ in standards]
        requirements = [
            f"{REQUIREMENT_PREFIX[std]}/{local.removeprefix('PCI.')}"
            for std, local in standards
            if REQUIREMENT_PREFIX[std]
        ]
        for index, version in enumerate(versions):
            label = control.severity if version.compliance == "FAILED" else "INFORMATIONAL"
            finding = base_finding(
                scope,
                finding_id=finding_id,
                product="securityhub",
                product_name="Security Hub",
                company="AWS",
                generator_id=generator,
                types=types,
                label=label,
                normalized=SEVERITY_NORMALIZED[label],
                title=control.title,
                description=control.description,
                resources=[resource.as_asff()],
                versions=versions,
                index=index,
            )
            finding["Severity"]["Original"] = control.severity
            compliance: dict[str, Any] = {"Status": version.compliance}
            if with_control_id:
                compliance["SecurityControlId"] = control.control_id
            compliance["AssociatedStandards"] = [
                {"StandardsId": STANDARD_IDS[s]} for s, _ in standards
            ]
            if requirements:
                compliance["RelatedRequirements"] = requirements
            finding["Compliance"] = compliance
            finding["ProductFields"] = dict(fields)
            finding["Remediation"] = {
                "Recommendation": {
                    "Text": "For information on how to correct this issue, consult the AWS "
                    "Security Hub controls documentation.",
                    "Url": f"{REMEDIATION_URL}/{control.control_id}/remediation",
                }
            }
            out.append(finding)
    return out


def _uuid(rng: random.Random) -> str:
    value = f"{rng.getrandbits(128):032x}"
    return f"{value[:8]}-{value[8:12]}-4{value[13:16]}-a{value[17:20]}-{value[20:]}"

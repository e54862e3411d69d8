"""Render demo findings as ASFF, one builder per product, one dict per finding version.

Security Hub control findings live in `triage.demo.control_findings`.
"""

from __future__ import annotations

import random
from typing import Any

from triage.demo.catalogue import SEVERITY_NORMALIZED, cvss_label, guardduty_label
from triage.demo.estate import Resource, ScopeEstate, hex_id
from triage.demo.timeline import Version, iso

SCHEMA_VERSION = "2018-10-08"


def base_finding(
    scope: ScopeEstate,
    *,
    finding_id: str,
    product: str,
    product_name: str,
    company: str,
    generator_id: str,
    types: list[str],
    label: str,
    normalized: int,
    title: str,
    description: str,
    resources: list[dict[str, Any]],
    versions: list[Version],
    index: int,
) -> dict[str, Any]:
    version = versions[index]
    first = versions[0].updated_at
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": finding_id,
        "ProductArn": f"arn:aws:securityhub:{scope.region}::product/aws/{product}",
        "ProductName": product_name,
        "CompanyName": company,
        "Region": scope.region,
        "GeneratorId": generator_id,
        "AwsAccountId": scope.account_id,
        "Types": types,
        "FirstObservedAt": iso(first),
        "LastObservedAt": iso(version.updated_at),
        "CreatedAt": iso(first),
        "UpdatedAt": iso(version.updated_at),
        "Severity": {"Label": label, "Normalized": normalized, "Original": label},
        "Title": title,
        "Description": description,
        "Resources": resources,
        "Workflow": {"Status": version.workflow},
        "RecordState": version.record_state,
        "FindingProviderFields": {"Severity": {"Label": label, "Original": label}, "Types": types},
    }


def guardduty_findings(
    rng: random.Random,
    scope: ScopeEstate,
    spec: tuple[str, str, str, float, str],
    resource: Resource,
    versions: list[Version],
) -> list[dict[str, Any]]:
    """Return every version of one GuardDuty finding."""
    gd_type, asff_type, _target, score, title_template = spec
    region, account = scope.region, scope.account_id
    detector = f"arn:aws:guardduty:{region}:{account}:detector/{scope.detector_id}"
    finding_id = f"{detector}/finding/{hex_id(rng, 32)}"
    label = guardduty_label(score)
    source_ip = f"{rng.choice(('198.51.100', '203.0.113', '192.0.2'))}.{rng.randint(2, 250)}"
    key_principal: str | None = None
    if resource.type == "AwsAccount":
        key_principal = "Root"
    elif gd_type.startswith("UnauthorizedAccess:IAMUser"):
        key_principal = "AssumedRole"
    key_id = f"AWS::IAM::AccessKey:ASIA{hex_id(rng, 16).upper()}"

    def resources_of() -> list[dict[str, Any]]:
        if key_principal is None:
            return [resource.as_asff()]
        name = "root" if key_principal == "Root" else f"{resource.name}-role"
        details = {"PrincipalName": name, "PrincipalType": key_principal, "Status": "Active"}
        return [
            {
                "Type": "AwsIamAccessKey",
                "Id": key_id,
                "Partition": "aws",
                "Region": region,
                "Details": {"AwsIamAccessKey": details},
            }
        ]

    out = []
    for index, version in enumerate(versions):
        finding = base_finding(
            scope,
            finding_id=finding_id,
            product="guardduty",
            product_name="GuardDuty",
            company="Amazon",
            generator_id=detector,
            types=[asff_type],
            label=label,
            normalized=int(score * 10),
            title=title_template.format(name=resource.name),
            description=f"GuardDuty finding {gd_type} for {resource.name} in {account}.",
            resources=resources_of(),
            versions=versions,
            index=index,
        )
        finding["Severity"]["Product"] = score
        finding["Severity"]["Original"] = str(score)
        finding["ProductFields"] = {
            "aws/guardduty/service/archived": str(version.record_state == "ARCHIVED").lower(),
            "aws/guardduty/service/count": str(version.count * rng.randint(1, 9)),
            "aws/guardduty/service/detectorId": scope.detector_id,
            "aws/securityhub/ProductName": "GuardDuty",
            "aws/securityhub/CompanyName": "Amazon",
        }
        finding["Network"] = {"Direction": "IN", "SourceIpV4": source_ip}
        out.append(finding)
    return out


def inspector_findings(
    rng: random.Random,
    scope: ScopeEstate,
    cve: tuple[str, str, str, str, float, str],
    instance: Resource,
    versions: list[Version],
) -> list[dict[str, Any]]:
    """Return every version of one Inspector package-vulnerability finding."""
    cve_id, package, installed, fixed, score, vector = cve
    finding_id = f"arn:aws:inspector2:{scope.region}:{scope.account_id}:finding/{hex_id(rng, 32)}"
    label = cvss_label(score)
    out = []
    for index, _version in enumerate(versions):
        finding = base_finding(
            scope,
            finding_id=finding_id,
            product="inspector",
            product_name="Inspector",
            company="Amazon",
            generator_id="AWSInspector",
            types=["Software and Configuration Checks/Vulnerabilities/CVE"],
            label=label,
            normalized=SEVERITY_NORMALIZED[label],
            title=f"{cve_id} - {package}",
            description=f"{cve_id}: a vulnerability in {package} {installed} on "
            f"{instance.name}; fixed in {fixed}.",
            resources=[instance.as_asff()],
            versions=versions,
            index=index,
        )
        finding["Vulnerabilities"] = [
            {
                "Id": cve_id,
                "VulnerablePackages": [
                    {
                        "Name": package,
                        "Version": installed,
                        "FixedInVersion": fixed,
                        "PackageManager": "OS",
                        "Architecture": "X86_64",
                    }
                ],
                "Cvss": [
                    {
                        "Version": "3.1",
                        "BaseScore": score,
                        "BaseVector": f"CVSS:3.1/{vector}/C:H/I:H/A:H",
                        "Source": "NVD",
                    }
                ],
                "Vendor": {"Name": "NVD", "Url": f"https://nvd.nist.gov/vuln/detail/{cve_id}"},
                "FixAvailable": "YES",
            }
        ]
        finding["ProductFields"] = {
            "aws/inspector/FindingStatus": "CLOSED"
            if finding["RecordState"] == "ARCHIVED"
            else "ACTIVE",
            "aws/inspector/inspectorScore": str(score),
            "aws/securityhub/ProductName": "Inspector",
            "aws/securityhub/CompanyName": "Amazon",
        }
        out.append(finding)
    return out


def macie_findings(
    rng: random.Random,
    scope: ScopeEstate,
    spec: tuple[str, str, tuple[str, ...], str, str],
    bucket: Resource,
    versions: list[Version],
) -> list[dict[str, Any]]:
    """Return every version of one Macie sensitive-data finding (bucket plus object)."""
    macie_type, asff_type, _kinds, label, title = spec
    key = f"exports/{rng.randint(2023, 2025)}/{rng.randint(1, 12):02d}/batch-{hex_id(rng, 6)}.csv"
    category, detection = (
        ("FINANCIAL_INFORMATION", "CREDIT_CARD_NUMBER")
        if "Financial" in macie_type
        else ("PERSONAL_INFORMATION", "EMAIL_ADDRESS")
    )
    hits = rng.randint(3, 4000)
    job = f"arn:aws:macie2:{scope.region}:{scope.account_id}:classification-job/{hex_id(rng, 32)}"
    finding_id = hex_id(rng, 32)
    out = []
    for index, _version in enumerate(versions):
        obj = {
            "Type": "AwsS3Object",
            "Id": f"{bucket.id}/{key}",
            "Partition": "aws",
            "Region": scope.region,
            "Details": {"AwsS3Object": {"ContentType": "text/csv"}},
            "DataClassification": {
                "Result": {
                    "MimeType": "text/csv",
                    "Status": {"Code": "COMPLETE"},
                    "SensitiveData": [
                        {
                            "Category": category,
                            "Detections": [{"Type": detection, "Count": hits}],
                            "TotalCount": hits,
                        }
                    ],
                }
            },
        }
        finding = base_finding(
            scope,
            finding_id=finding_id,
            product="macie",
            product_name="Macie",
            company="Amazon",
            generator_id=job,
            types=[asff_type],
            label=label,
            normalized=SEVERITY_NORMALIZED[label],
            title=title,
            description=f"The object s3://{bucket.name}/{key} contains {hits} occurrences of "
            f"{detection.replace('_', ' ').lower()}s.",
            resources=[bucket.as_asff(), obj],
            versions=versions,
            index=index,
        )
        finding["ProductFields"] = {
            "aws/macie/FindingType": macie_type,
            "aws/securityhub/ProductName": "Macie",
            "aws/securityhub/CompanyName": "Amazon",
        }
        out.append(finding)
    return out


def access_analyzer_findings(
    scope: ScopeEstate,
    resource: Resource,
    versions: list[Version],
    *,
    public: bool,
) -> list[dict[str, Any]]:
    """Return every version of one IAM Access Analyzer external-access finding."""
    analyzer = (
        f"arn:aws:access-analyzer:{scope.region}:{scope.account_id}:analyzer/{scope.analyzer_name}"
    )
    label = "HIGH" if public else "LOW"
    access = "public access" if public else "cross-account access from 999988887777"
    out = []
    for index, _version in enumerate(versions):
        finding = base_finding(
            scope,
            finding_id=f"{analyzer}/{resource.id}",
            product="access-analyzer",
            product_name="IAM Access Analyzer",
            company="AWS",
            generator_id="aws/access-analyzer",
            types=[
                "Software and Configuration Checks/AWS Security Best Practices/"
                "External Access Granted"
            ],
            label=label,
            normalized=SEVERITY_NORMALIZED[label],
            title=f"{resource.type}/{resource.id} allows {access}",
            description=f"{resource.name} grants {access} through its resource policy.",
            resources=[resource.as_asff()],
            versions=versions,
            index=index,
        )
        finding["ProductFields"] = {
            "ResourceOwnerAccount": scope.account_id,
            "aws/securityhub/ProductName": "IAM Access Analyzer",
            "aws/securityhub/CompanyName": "AWS",
        }
        out.append(finding)
    return out

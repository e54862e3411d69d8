"""Rows for raw.securityhub_findings shaped as docs/data-contracts.md says, for the dbt tests."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

ACCOUNT = "111122223333"
SECURITYHUB_PRODUCT = "arn:aws:securityhub:{region}::product/aws/securityhub"
ENUMS = {
    "record_state": {"ACTIVE", "ARCHIVED"},
    "workflow_status": {"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"},
    "compliance_status": {"PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"},
}
SCORES = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}


def _utc(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def _group(field: str, value: str | None) -> str:
    if value is None:
        return "none"
    return value if value in ENUMS[field] else "other"


def resource(resource_type: str, resource_id: str, region: str = "us-east-1") -> dict[str, Any]:
    """One entry of `normalized.resources` as the contract shapes it."""
    return {
        "type": resource_type,
        "id": resource_id,
        "partition": "aws",
        "region": region,
        "tags": {"team": "platform"},
        "name": None,
    }


def finding_version(
    *,
    finding_id: str,
    updated_at: datetime,
    product_arn: str = SECURITYHUB_PRODUCT.format(region="us-east-1"),
    region: str = "us-east-1",
    severity_label: str = "HIGH",
    resources: list[dict[str, Any]] | None = None,
    security_control_id: str | None = None,
    standard_control_key: str | None = None,
    generator_id: str | None = None,
    record_state: str = "ACTIVE",
    workflow_status: str = "NEW",
    compliance_status: str | None = None,
    product_name: str = "Security Hub",
    source: str = "file:tests",
    loaded_after: timedelta = timedelta(minutes=5),
) -> dict[str, Any]:
    """A row for raw.securityhub_findings whose `normalized` follows docs/data-contracts.md."""
    arn_parts = product_arn.split(":")
    product_key = ":".join([*arn_parts[:3], "", *arn_parts[4:]])
    created_at = updated_at - timedelta(days=1)
    normalized = {
        "schema_format": "asff",
        "product_arn": product_arn,
        "finding_id": finding_id,
        "product_key": product_key,
        "generator_id": generator_id,
        "aws_account_id": ACCOUNT,
        "aws_account_id_source": "finding",
        "is_account_id_valid": True,
        "region": region,
        "product_name": product_name,
        "company_name": "AWS",
        "title": f"title of {finding_id}",
        "description": None,
        "types": ["Software and Configuration Checks"],
        "severity_label": severity_label,
        "severity_score": SCORES[severity_label],
        "severity_source": "label",
        "severity_missing": False,
        "severity_product": None,
        "severity_original": None,
        "created_at": _utc(created_at),
        "updated_at": _utc(updated_at),
        "first_observed_at": _utc(created_at),
        "last_observed_at": _utc(updated_at),
        "record_state": record_state,
        "workflow_status": workflow_status,
        "compliance_status": compliance_status,
        "compliance_status_group": _group("compliance_status", compliance_status),
        "record_state_group": _group("record_state", record_state),
        "workflow_status_group": _group("workflow_status", workflow_status),
        "security_control_id": security_control_id,
        "standard_control_key": standard_control_key,
        "related_standards": [],
        "resources": resources or [],
        "product_fields": {},
        "source_url": None,
        "warnings": [],
    }
    # The original finding only needs to be distinct per version for the content hash.
    original = {"Id": finding_id, "ProductArn": product_arn, "UpdatedAt": _utc(updated_at)}
    original["Normalized"] = normalized
    canonical = json.dumps(original, sort_keys=True, separators=(",", ":"))
    return {
        "product_arn": product_arn,
        "finding_id": finding_id,
        "updated_at": updated_at,
        "content_hash": hashlib.sha256(canonical.encode()).hexdigest(),
        "aws_account_id": ACCOUNT,
        "region": region,
        "finding": json.dumps(original),
        "normalized": json.dumps(normalized),
        "source": source,
        "loaded_at": updated_at + loaded_after,
    }


def insert_versions(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Insert finding versions the way the loader does: `on conflict do nothing`."""
    statement = sa.text(
        "insert into raw.securityhub_findings (product_arn, finding_id, updated_at, "
        "content_hash, schema_format, aws_account_id, region, finding, normalized, source, "
        "loaded_at) values (:product_arn, :finding_id, :updated_at, :content_hash, 'asff', "
        ":aws_account_id, :region, cast(:finding as jsonb), cast(:normalized as jsonb), "
        ":source, :loaded_at) on conflict do nothing"
    )
    with engine.begin() as connection:
        for row in rows:
            connection.execute(statement, row)


def case_rows() -> list[dict[str, Any]]:
    """Finding versions for cases B06, B07, B08, B10, B12 and a version update."""
    t0 = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    sg = "arn:aws:ec2:eu-west-2:111122223333:security-group/sg-0example1"
    custodian = "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default"
    instance = "arn:aws:ec2:us-east-1:111122223333:instance/{}"
    s3_finding = "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/aaaa"
    s3_bucket = [resource("AwsS3Bucket", "arn:aws:s3:::example-bucket", "eu-west-1")]
    return [
        # B06: the same finding read from its region and from the aggregation region
        # (whose copy names the aggregator in ProductArn), plus one us-east-1 finding.
        *[
            finding_version(
                finding_id=s3_finding,
                product_arn=SECURITYHUB_PRODUCT.format(region=served_by),
                region="eu-west-1",
                security_control_id="S3.8",
                resources=s3_bucket,
                updated_at=t0,
                source=f"securityhub:111122223333:{served_by}",
                loaded_after=timedelta(minutes=minutes),
            )
            for served_by, minutes in (("eu-west-1", 5), ("us-east-1", 30))
        ],
        finding_version(
            finding_id="arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.19/finding/bbbb",
            security_control_id="EC2.19",
            resources=[resource("AwsEc2SecurityGroup", "sg-0bbbb", "us-east-1")],
            updated_at=t0 + timedelta(minutes=5),
        ),
        # B07: one open SSH port, one finding per enabled standard (consolidation off);
        # only the FSBP one carries SecurityControlId, the others go through the seed.
        finding_version(
            finding_id="f-fsbp",
            region="eu-west-2",
            product_arn=SECURITYHUB_PRODUCT.format(region="eu-west-2"),
            generator_id="aws-foundational-security-best-practices/v/1.0.0/EC2.13",
            standard_control_key="aws-foundational-security-best-practices/v/1.0.0/EC2.13",
            security_control_id="EC2.13",
            compliance_status="FAILED",
            resources=[resource("AwsEc2SecurityGroup", sg, "eu-west-2")],
            updated_at=t0,
        ),
        finding_version(
            finding_id="f-cis",
            region="eu-west-2",
            product_arn=SECURITYHUB_PRODUCT.format(region="eu-west-2"),
            generator_id="arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1",
            standard_control_key="cis-aws-foundations-benchmark/v/1.2.0/4.1",
            compliance_status="FAILED",
            resources=[resource("AwsEc2SecurityGroup", sg, "eu-west-2")],
            updated_at=t0 + timedelta(minutes=1),
        ),
        finding_version(
            finding_id="f-pci",
            region="eu-west-2",
            product_arn=SECURITYHUB_PRODUCT.format(region="eu-west-2"),
            generator_id="pci-dss/v/3.2.1/PCI.EC2.5",
            standard_control_key="pci-dss/v/3.2.1/PCI.EC2.5",
            compliance_status="FAILED",
            resources=[resource("AwsEc2SecurityGroup", sg, "eu-west-2")],
            updated_at=t0 + timedelta(minutes=2),
        ),
        # Version update: the PCI finding passes later; the alert stays open (B07).
        finding_version(
            finding_id="f-pci",
            region="eu-west-2",
            product_arn=SECURITYHUB_PRODUCT.format(region="eu-west-2"),
            generator_id="pci-dss/v/3.2.1/PCI.EC2.5",
            standard_control_key="pci-dss/v/3.2.1/PCI.EC2.5",
            compliance_status="PASSED",
            workflow_status="RESOLVED",
            severity_label="INFORMATIONAL",
            resources=[resource("AwsEc2SecurityGroup", sg, "eu-west-2")],
            updated_at=t0 + timedelta(days=1),
        ),
        # B08: a producer re-posts one Id with a new resource set; another finding
        # names three resources at once.
        finding_version(
            finding_id="custodian/ec2-untagged/0001",
            product_arn=custodian,
            product_name="Default",
            resources=[
                resource("AwsEc2Instance", instance.format(name))
                for name in ("i-0aaa1111", "i-0bbb2222", "i-0ccc3333")
            ],
            updated_at=datetime(2024, 6, 1, 10, 0, tzinfo=UTC),
        ),
        finding_version(
            finding_id="custodian/ec2-untagged/0001",
            product_arn=custodian,
            product_name="Default",
            resources=[resource("AwsEc2Instance", instance.format("i-0ddd4444"))],
            updated_at=datetime(2024, 6, 1, 11, 0, tzinfo=UTC),
        ),
        finding_version(
            finding_id="custodian/ec2-untagged/0002",
            product_arn=custodian,
            product_name="Default",
            severity_label="MEDIUM",
            resources=[
                resource("AwsEc2Instance", instance.format(name))
                for name in ("i-0eee1111", "i-0fff2222", "i-0ggg3333")
            ],
            updated_at=datetime(2024, 6, 1, 10, 0, tzinfo=UTC),
        ),
        # B10: an Inspector finding (no Compliance block) that is later archived.
        *[
            finding_version(
                finding_id="arn:aws:inspector2:us-east-1:111122223333:finding/0example01",
                product_arn=SECURITYHUB_PRODUCT.format(region="us-east-1").replace(
                    "aws/securityhub", "aws/inspector"
                ),
                product_name="Inspector",
                record_state=state,
                resources=[resource("AwsEc2Instance", instance.format("i-0eee5555"))],
                updated_at=datetime(2024, 8, day, 12, 0, tzinfo=UTC),
            )
            for day, state in ((1, "ACTIVE"), (3, "ARCHIVED"))
        ],
        # B12: findings without a resource id, one of them updated (MEDIUM, then HIGH).
        *[
            finding_version(
                finding_id="f-9",
                product_arn=SECURITYHUB_PRODUCT.format(region="us-east-1").replace(
                    "aws/securityhub", "aws/guardduty"
                ),
                product_name="GuardDuty",
                severity_label=label,
                updated_at=datetime(2024, 9, day, 8, 0, tzinfo=UTC),
            )
            for day, label in ((1, "MEDIUM"), (2, "HIGH"))
        ],
        finding_version(
            finding_id="f-root-mfa",
            security_control_id="IAM.6",
            severity_label="CRITICAL",
            compliance_status="FAILED",
            updated_at=datetime(2024, 9, 1, 8, 0, tzinfo=UTC),
        ),
    ]

"""The demo estate generator: valid ASFF, deterministic, realistic mix and history."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

import boto3
import pytest
from botocore.validate import ParamValidator

from triage.demo.generator import (
    generate_eventbridge_event,
    generate_findings,
    generate_findings_bulk,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
REQUIRED = (
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity",
    "Title",
    "Description",
    "Resources",
    "Region",
    "CompanyName",
    "ProductName",
    "Workflow",
    "RecordState",
    "FirstObservedAt",
    "LastObservedAt",
)


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    return generate_findings(now=NOW)


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_every_finding_is_valid_for_batch_import(findings: list[dict]) -> None:
    shape = (
        boto3.client("securityhub", region_name="us-east-1")
        .meta.service_model.operation_model("BatchImportFindings")
        .input_shape
    )
    for start in range(0, len(findings), 100):
        report = ParamValidator().validate({"Findings": findings[start : start + 100]}, shape)
        assert not report.has_errors(), report.generate_report()
    for finding in findings:
        assert all(key in finding for key in REQUIRED), finding["Id"]
        assert finding["Severity"]["Label"] in {
            "INFORMATIONAL",
            "LOW",
            "MEDIUM",
            "HIGH",
            "CRITICAL",
        }
        assert 0 <= finding["Severity"]["Normalized"] <= 100
        assert _ts(finding["CreatedAt"]) <= _ts(finding["UpdatedAt"]) <= NOW
        assert _ts(finding["FirstObservedAt"]) <= _ts(finding["LastObservedAt"])
        assert finding["Resources"]
        if finding["ProductName"] == "Security Hub":
            assert finding["Compliance"]["Status"] in {"PASSED", "FAILED"}


def test_size_and_determinism(findings: list[dict]) -> None:
    assert 300 <= len(findings) <= 600
    assert generate_findings(now=NOW) == findings
    assert generate_findings(now=NOW, seed=8) != findings
    assert [f["UpdatedAt"] for f in findings] == sorted(f["UpdatedAt"] for f in findings)
    bigger = generate_findings(now=NOW, scale=3)
    assert 2.5 * len(findings) < len(bigger) < 3.5 * len(findings)
    keys = {(f["ProductArn"], f["Id"], f["UpdatedAt"]) for f in bigger}
    assert len(keys) == len(bigger)


def test_estate_spans_accounts_regions_and_products(findings: list[dict]) -> None:
    scopes = {(f["AwsAccountId"], f["Region"]) for f in findings}
    assert len(scopes) == 6
    products = Counter(f["ProductName"] for f in findings)
    assert set(products) == {
        "Security Hub",
        "GuardDuty",
        "Inspector",
        "Macie",
        "IAM Access Analyzer",
    }
    types = {t for f in findings for t in f["Types"]}
    assert any("InstanceCredentialExfiltration" in t for t in types)
    assert any("PortProbeUnprotectedPort" in t for t in types)
    cves = {v["Id"] for f in findings for v in f.get("Vulnerabilities", [])}
    assert len(cves) >= 5
    instances = {f["Resources"][0]["Id"] for f in findings if f["ProductName"] == "Inspector"}
    assert len(instances) >= 6
    bucket_tags = [
        r["Tags"] for f in findings for r in f["Resources"] if r["Type"] == "AwsS3Bucket"
    ]
    assert any(t.get("data-classification") == "confidential" for t in bucket_tags)
    assert all({"owner", "team", "environment"} <= set(t) for t in bucket_tags)
    assert any(
        r["Id"] == "arn:aws:s3:::acme-prod-payments-logs" for f in findings for r in f["Resources"]
    )


def test_control_findings_repeat_across_standards_and_layouts(findings: list[dict]) -> None:
    controls = [f for f in findings if f["ProductName"] == "Security Hub"]
    generators = {f["GeneratorId"] for f in controls}
    assert "security-control/S3.8" in generators
    assert "aws-foundational-security-best-practices/v/1.0.0/EC2.13" in generators
    assert "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1" in (
        generators
    )
    assert "pci-dss/v/3.2.1/PCI.EC2.5" in generators
    consolidated = [f for f in controls if f["GeneratorId"].startswith("security-control/")]
    assert consolidated and all(f["Compliance"]["SecurityControlId"] for f in consolidated)
    assert any("SecurityControlId" not in f["Compliance"] for f in controls)

    # Per-standard findings: the same control on the same resource, one finding per standard.
    by_alert = defaultdict(set)
    for f in controls:
        control = f["Compliance"].get("SecurityControlId") or f["ProductFields"].get("ControlId")
        by_alert[(f["AwsAccountId"], f["Region"], control, f["Resources"][0]["Id"])].add(
            f["GeneratorId"]
        )
    assert any(len(gens) >= 3 for gens in by_alert.values())


def test_findings_change_over_time(findings: list[dict]) -> None:
    versions = defaultdict(list)
    for f in findings:
        versions[(f["ProductArn"], f["Id"])].append(f)
    multi = [v for v in versions.values() if len(v) > 1]
    assert len(multi) >= 50
    for history in multi:
        stamps = [f["UpdatedAt"] for f in history]
        assert stamps == sorted(set(stamps))
        assert len({f["CreatedAt"] for f in history}) == 1
    latest = [v[-1] for v in versions.values()]
    assert any(f["RecordState"] == "ARCHIVED" for f in latest)
    assert any(f.get("Compliance", {}).get("Status") == "PASSED" for f in latest)
    assert any(f["Workflow"]["Status"] == "RESOLVED" for f in latest)
    assert any(f["Workflow"]["Status"] == "SUPPRESSED" for f in latest)
    fixed = [
        v
        for v in multi
        if v[0].get("Compliance", {}).get("Status") == "FAILED"
        and v[-1]["Compliance"]["Status"] == "PASSED"
    ]
    assert fixed
    assert all(v[-1]["Severity"]["Label"] == "INFORMATIONAL" for v in fixed)


def test_bulk_streams_exactly_n_unique_versions() -> None:
    stream = generate_findings_bulk(5000, seed=3, now=NOW)
    items = list(stream)
    assert len(items) == 5000
    assert len({(f["ProductArn"], f["Id"], f["UpdatedAt"]) for f in items}) == 5000
    assert list(generate_findings_bulk(50, seed=3, now=NOW)) == items[:50]


def test_eventbridge_envelope(findings: list[dict]) -> None:
    batch = [f for f in findings if f["AwsAccountId"] == "444455556666"][:5]
    event = generate_eventbridge_event(batch)
    assert event["detail-type"] == "Security Hub Findings - Imported"
    assert event["source"] == "aws.securityhub"
    assert event["account"] == "444455556666"
    assert event["region"] == batch[0]["Region"]
    assert event["detail"]["findings"] == batch
    assert len(event["resources"]) == 5
    assert generate_eventbridge_event(batch)["id"] == event["id"]
    with pytest.raises(ValueError):
        generate_eventbridge_event([])

"""Unit tests of the ASFF normaliser against the field cases (B04, B06, B08, B10, B11)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from triage.findings import normalize_asff, parse_finding_objects
from triage.findings.errors import FindingRejectedError

AGGREGATOR_PRODUCT = "arn:aws:securityhub:us-east-1::product/aws/securityhub"
REGIONAL_PRODUCT = "arn:aws:securityhub:eu-west-1::product/aws/securityhub"


def test_b04_timestamps_with_and_without_fractions_and_offsets(make_finding):
    rows = [
        make_finding(
            Id="f-1",
            UpdatedAt="2024-04-03T08:15:30.123Z",
            LastObservedAt="2024-04-03T08:15:30.123Z",
        ),
        make_finding(
            Id="f-2", UpdatedAt="2024-04-03T08:15:30Z", LastObservedAt="2024-04-03T08:15:30Z"
        ),
        make_finding(Id="f-3", UpdatedAt="2024-04-03T10:15:30.5+02:00"),
    ]
    result = parse_finding_objects(rows, source="test")

    assert result.quarantined == []
    by_id = {f.normalized.finding_id: f.normalized for f in result.findings}
    assert by_id["f-1"].updated_at == datetime(2024, 4, 3, 8, 15, 30, 123000, tzinfo=UTC)
    assert by_id["f-2"].updated_at == datetime(2024, 4, 3, 8, 15, 30, tzinfo=UTC)
    assert by_id["f-3"].updated_at == datetime(2024, 4, 3, 8, 15, 30, 500000, tzinfo=UTC)
    assert by_id["f-3"].last_observed_at is None
    dumped = by_id["f-3"].model_dump(mode="json")
    assert dumped["updated_at"] == "2024-04-03T08:15:30.500000Z"
    assert dumped["last_observed_at"] is None
    assert by_id["f-1"].model_dump(mode="json")["last_observed_at"] == "2024-04-03T08:15:30.123000Z"


def test_b04_bad_updated_at_quarantines_only_that_row(make_finding):
    rows = [make_finding(Id="good"), make_finding(Id="bad", UpdatedAt="2024-13-45T99:00:00Z")]
    result = parse_finding_objects(rows, source="test")

    assert [f.normalized.finding_id for f in result.findings] == ["good"]
    assert [q.reason for q in result.quarantined] == ["invalid_timestamp"]
    assert '"Id":"bad"' in result.quarantined[0].original_text


def test_nanosecond_fraction_is_truncated_to_microseconds(make_finding):
    finding = normalize_asff(make_finding(CreatedAt="2021-09-16T20:54:59.332489963Z"))

    assert finding.created_at == datetime(2021, 9, 16, 20, 54, 59, 332489, tzinfo=UTC)


def test_invalid_optional_timestamp_becomes_null_with_warning(make_finding):
    finding = normalize_asff(make_finding(FirstObservedAt="1977-06-02T122:29:47.694473+00:00"))

    assert finding.first_observed_at is None
    assert "invalid_timestamp:FirstObservedAt" in finding.warnings


def test_invalid_created_at_is_quarantined(make_finding):
    with pytest.raises(FindingRejectedError) as caught:
        normalize_asff(make_finding(CreatedAt="yesterday"))
    assert caught.value.reason == "invalid_timestamp"


@pytest.mark.parametrize(
    ("drop", "overrides", "reason"),
    [
        (["Id"], {}, "missing_id"),
        ([], {"Id": ""}, "missing_id"),
        (["ProductArn"], {}, "missing_product_arn"),
        (["UpdatedAt"], {}, "missing_updated_at"),
    ],
)
def test_unkeyable_records_are_rejected(make_finding, drop, overrides, reason):
    with pytest.raises(FindingRejectedError) as caught:
        normalize_asff(make_finding(drop=drop, **overrides))
    assert caught.value.reason == reason


def test_non_object_in_a_batch_is_quarantined(make_finding):
    result = parse_finding_objects([make_finding(), "not a finding", 7], source="test")

    assert len(result.findings) == 1
    assert [q.reason for q in result.quarantined] == ["not_an_object", "not_an_object"]


def test_b06_aggregator_and_regional_copies_share_product_key(make_finding):
    finding_id = "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/aaaa"
    aggregated = normalize_asff(
        make_finding(Id=finding_id, Region="eu-west-1", ProductArn=AGGREGATOR_PRODUCT)
    )
    regional = normalize_asff(
        make_finding(Id=finding_id, Region="eu-west-1", ProductArn=REGIONAL_PRODUCT)
    )

    assert aggregated.product_key == regional.product_key
    assert aggregated.product_key == "arn:aws:securityhub:::product/aws/securityhub"
    assert aggregated.product_arn == AGGREGATOR_PRODUCT  # kept as received
    assert aggregated.region == regional.region == "eu-west-1"


def test_b08_every_resource_is_kept(make_finding):
    resources = [
        {
            "Type": "AwsEc2SecurityGroup",
            "Id": f"arn:aws:ec2:us-east-1:111122223333:security-group/sg-0example{n}",
        }
        for n in (1, 2, 3)
    ]
    resources[1]["Tags"] = {"team": "platform"}
    finding = normalize_asff(make_finding(Resources=resources))

    assert [r.id for r in finding.resources] == [r["Id"] for r in resources]
    assert [r.name for r in finding.resources] == ["sg-0example1", "sg-0example2", "sg-0example3"]
    assert finding.resources[1].tags == {"team": "platform"}
    assert all(r.partition == "aws" and r.region == "us-east-1" for r in finding.resources)


def test_b10_no_compliance_block(make_finding):
    finding = normalize_asff(
        make_finding(
            Id="arn:aws:inspector2:us-east-1:111122223333:finding/0example01",
            ProductArn="arn:aws:securityhub:us-east-1::product/aws/inspector",
            Severity={"Label": "HIGH"},
        )
    )

    assert finding.compliance_status is None
    assert finding.compliance_status_group == "none"
    assert finding.severity_label == "HIGH"
    assert finding.company_name == "aws" and finding.product_name == "inspector"


def test_b10_archived_record_state(make_finding):
    finding = normalize_asff(make_finding(RecordState="ARCHIVED"))

    assert finding.record_state == "ARCHIVED"
    assert finding.record_state_group == "ARCHIVED"


def test_b11_severity_resolution_order(make_finding):
    rows = [
        make_finding(Id="v-1", Severity={"Label": "HIGH", "Normalized": 40, "Product": 7.8}),
        make_finding(Id="v-2", Severity={"Normalized": 40, "Product": 7.8}),
        make_finding(
            Id="v-3",
            FindingProviderFields={"Severity": {"Label": "CRITICAL", "Original": "9.8"}},
            Severity={"Normalized": 90},
        ),
        make_finding(Id="v-4", drop=["Severity"]),
    ]
    result = parse_finding_objects(rows, source="test")
    by_id = {f.normalized.finding_id: f.normalized for f in result.findings}

    assert by_id["v-1"].severity_label == "HIGH"
    assert by_id["v-1"].severity_source == "label"
    assert by_id["v-2"].severity_label == "MEDIUM"
    assert by_id["v-2"].severity_source == "normalized"
    assert by_id["v-2"].severity_product == 7.8
    assert by_id["v-2"].severity_score == 40
    assert "severity_derived_from_normalized" in by_id["v-2"].warnings
    assert by_id["v-3"].severity_label == "CRITICAL"
    assert by_id["v-3"].severity_source == "finding_provider_fields"
    assert by_id["v-3"].severity_original == "9.8"
    assert by_id["v-4"].severity_label == "INFORMATIONAL"
    assert by_id["v-4"].severity_missing is True
    assert by_id["v-4"].severity_source == "missing"
    assert all(not by_id[k].severity_missing for k in ("v-1", "v-2", "v-3"))


@pytest.mark.parametrize(
    ("normalized", "label"),
    [
        (0, "INFORMATIONAL"),
        (1, "LOW"),
        (39, "LOW"),
        (40, "MEDIUM"),
        (69, "MEDIUM"),
        (70, "HIGH"),
        (89, "HIGH"),
        (90, "CRITICAL"),
        (100, "CRITICAL"),
    ],
)
def test_normalized_range_boundaries(make_finding, normalized, label):
    finding = normalize_asff(make_finding(Severity={"Normalized": normalized}))

    assert finding.severity_label == label
    assert finding.severity_score == normalized


def test_product_only_severity_is_derived_and_marked(make_finding):
    finding = normalize_asff(make_finding(Severity={"Product": 75}))

    assert finding.severity_label == "HIGH"
    assert finding.severity_source == "product"
    assert finding.severity_product == 75
    assert finding.severity_score == 70  # the label's score: Normalized was not given


def test_compliance_value_outside_enum_kept_and_grouped_other(make_finding):
    finding = normalize_asff(make_finding(Compliance={"Status": "INFOED"}))

    assert finding.compliance_status == "INFOED"
    assert finding.compliance_status_group == "other"


def test_workflow_and_record_state_outside_enum_grouped_other(make_finding):
    finding = normalize_asff(make_finding(Workflow={"Status": "DONE"}, RecordState="DELETED"))

    assert (finding.workflow_status, finding.workflow_status_group) == ("DONE", "other")
    assert (finding.record_state, finding.record_state_group) == ("DELETED", "other")


def test_deprecated_workflow_state_is_the_fallback(make_finding):
    finding = normalize_asff(make_finding(drop=["Workflow"], WorkflowState="RESOLVED"))

    assert (finding.workflow_status, finding.workflow_status_group) == ("RESOLVED", "RESOLVED")


def test_eleven_digit_account_is_kept_and_flagged(make_finding):
    finding = normalize_asff(make_finding(AwsAccountId="12345678910"))

    assert finding.aws_account_id == "12345678910"
    assert finding.aws_account_id_source == "finding"
    assert finding.is_account_id_valid is False


def test_missing_account_taken_from_resource_arn(make_finding):
    resources = [
        {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::example-bucket"},
        {"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:444455556666:instance/i-0eee5555"},
    ]
    finding = normalize_asff(make_finding(drop=["AwsAccountId"], Id="f-plain", Resources=resources))

    assert finding.aws_account_id == "444455556666"
    assert finding.aws_account_id_source == "resource_arn"
    assert finding.is_account_id_valid is True


def test_missing_account_falls_back_to_finding_arn_then_missing(make_finding):
    from_id = normalize_asff(make_finding(drop=["AwsAccountId", "Resources"]))
    nothing = normalize_asff(make_finding(drop=["AwsAccountId", "Resources"], Id="plain-id"))

    assert (from_id.aws_account_id, from_id.aws_account_id_source) == (
        "111122223333",
        "finding_arn",
    )
    assert (nothing.aws_account_id, nothing.aws_account_id_source) == (None, "missing")
    assert nothing.is_account_id_valid is False


def test_region_falls_back_to_product_arn(make_finding):
    finding = normalize_asff(make_finding(ProductArn=REGIONAL_PRODUCT, Id="plain-id"))

    assert finding.region == "eu-west-1"


def test_security_control_id_sources(make_finding):
    from_compliance = normalize_asff(
        make_finding(Compliance={"Status": "FAILED", "SecurityControlId": "S3.8"})
    )
    from_product_fields = normalize_asff(make_finding(ProductFields={"ControlId": "EC2.13"}))
    legacy = normalize_asff(
        make_finding(
            GeneratorId="pci-dss/v/3.2.1/PCI.EC2.5", ProductFields={"ControlId": "PCI.EC2.5"}
        )
    )

    assert from_compliance.security_control_id == "S3.8"
    assert from_product_fields.security_control_id == "EC2.13"  # consolidated GeneratorId
    assert legacy.security_control_id is None  # a standard's own id; dbt maps it


@pytest.mark.parametrize(
    ("generator_id", "product_fields", "expected"),
    [
        (
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/4.1",
            {},
            "cis-aws-foundations-benchmark/v/1.2.0/4.1",
        ),
        (
            "aws-foundational-security-best-practices/v/1.0.0/EC2.13",
            {},
            "aws-foundational-security-best-practices/v/1.0.0/EC2.13",
        ),
        ("pci-dss/v/3.2.1/PCI.EC2.5", {}, "pci-dss/v/3.2.1/PCI.EC2.5"),
        (
            "some-generator",
            {
                "StandardsControlArn": "arn:aws:securityhub:us-east-1:111122223333:control/"
                "cis-aws-foundations-benchmark/v/1.2.0/1.6"
            },
            "cis-aws-foundations-benchmark/v/1.2.0/1.6",
        ),
        ("security-control/S3.8", {}, None),
        ("prowler-s3_bucket_public_access", {}, None),
    ],
)
def test_standard_control_key(make_finding, generator_id, product_fields, expected):
    finding = normalize_asff(make_finding(GeneratorId=generator_id, ProductFields=product_fields))

    assert finding.standard_control_key == expected


def test_related_standards_and_product_fields(make_finding):
    compliance = {
        "Status": "PASSED",
        "AssociatedStandards": [
            {"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"},
            {"StandardsId": "standards/cis-aws-foundations-benchmark/v/1.4.0"},
        ],
    }
    fields = {"aws/securityhub/ProductName": "Security Hub", "aws/securityhub/CompanyName": "AWS"}
    finding = normalize_asff(make_finding(Compliance=compliance, ProductFields=fields))

    assert finding.related_standards == [
        s["StandardsId"] for s in compliance["AssociatedStandards"]
    ]
    assert (finding.company_name, finding.product_name) == ("AWS", "Security Hub")
    assert finding.product_fields == fields


def test_model_dump_has_every_contract_key(make_finding):
    dumped = normalize_asff(make_finding()).model_dump(mode="json")

    contract_keys = {
        "schema_format",
        "product_arn",
        "finding_id",
        "product_key",
        "generator_id",
        "aws_account_id",
        "aws_account_id_source",
        "is_account_id_valid",
        "region",
        "product_name",
        "company_name",
        "title",
        "description",
        "types",
        "severity_label",
        "severity_score",
        "severity_source",
        "severity_missing",
        "severity_product",
        "severity_original",
        "created_at",
        "updated_at",
        "first_observed_at",
        "last_observed_at",
        "record_state",
        "workflow_status",
        "compliance_status",
        "compliance_status_group",
        "record_state_group",
        "workflow_status_group",
        "security_control_id",
        "standard_control_key",
        "related_standards",
        "resources",
        "product_fields",
        "source_url",
        "warnings",
    }
    assert set(dumped) == contract_keys
    assert dumped["schema_format"] == "asff"
    assert set(dumped["resources"][0]) == {"type", "id", "partition", "region", "tags", "name"}


def test_timestamp_without_offset_is_read_as_utc_with_warning(make_finding):
    finding = normalize_asff(make_finding(UpdatedAt="2024-04-03T08:15:30"))

    assert finding.updated_at == datetime(2024, 4, 3, 8, 15, 30, tzinfo=UTC)
    assert "timestamp_without_offset:UpdatedAt" in finding.warnings


def test_placebo_datetime_object_is_parsed(make_finding):
    placebo = {
        "__class__": "datetime",
        "year": 2018,
        "month": 11,
        "day": 29,
        "hour": 0,
        "minute": 2,
        "second": 14,
        "microsecond": 810068,
    }
    finding = normalize_asff(make_finding(UpdatedAt=placebo))

    assert finding.updated_at == datetime(2018, 11, 29, 0, 2, 14, 810068, tzinfo=UTC)


def test_resource_tags_given_as_key_value_list(make_finding):
    resource = {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::example-bucket"}
    resource["Tags"] = [{"Key": "env", "Value": "prod"}]
    finding = normalize_asff(make_finding(Resources=[resource]))

    assert finding.resources[0].tags == {"env": "prod"}
    assert finding.resources[0].name == "example-bucket"


def test_malformed_product_arn_still_yields_key_and_region(make_finding):
    finding = normalize_asff(
        make_finding(
            ProductArn="arn:aws::securityhub:us-east-1::product/aws/guardduty",
            Id="plain-id",
            drop=["Region"],
        )
    )

    assert finding.product_key == "arn:aws::securityhub:::product/aws/guardduty"
    assert finding.region == "us-east-1"
    assert (finding.company_name, finding.product_name) == ("aws", "guardduty")

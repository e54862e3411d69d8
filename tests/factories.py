"""Builders of valid ASFF findings for tests; callers override only the fields under test."""

from __future__ import annotations

import copy
import json
from typing import Any

ACCOUNT = "111122223333"
PRODUCT_ARN = "arn:aws:securityhub:us-east-1::product/aws/securityhub"


def asff_finding(**overrides: Any) -> dict[str, Any]:
    """Return a complete, valid ASFF finding with the given top-level fields replaced."""
    finding: dict[str, Any] = {
        "SchemaVersion": "2018-10-08",
        "Id": "arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/0001",
        "ProductArn": PRODUCT_ARN,
        "GeneratorId": "security-control/S3.8",
        "AwsAccountId": ACCOUNT,
        "Region": "us-east-1",
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2024-05-01T08:00:00Z",
        "UpdatedAt": "2024-05-02T09:00:00Z",
        "FirstObservedAt": "2024-05-01T08:00:00Z",
        "LastObservedAt": "2024-05-02T09:00:00Z",
        "Severity": {"Label": "HIGH", "Normalized": 70},
        "Title": "S3 general purpose buckets should block public access",
        "Description": "This control checks whether the bucket blocks public access.",
        "ProductName": "Security Hub",
        "CompanyName": "AWS",
        "Resources": [
            {
                "Type": "AwsS3Bucket",
                "Id": "arn:aws:s3:::example-bucket",
                "Partition": "aws",
                "Region": "us-east-1",
            }
        ],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
    }
    for key, value in overrides.items():
        if value is None:
            finding.pop(key, None)
        else:
            finding[key] = copy.deepcopy(value)
    return finding


def as_bytes(obj: Any) -> bytes:
    """Serialise a test input the way a file on disk would hold it."""
    return json.dumps(obj).encode("utf-8")

"""Fixtures for the finding parser tests: a valid ASFF finding to vary per case."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

_BASE_FINDING: dict[str, Any] = {
    "SchemaVersion": "2018-10-08",
    "Id": "arn:aws:securityhub:us-east-1:111122223333:subscription/example/finding/0001",
    "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
    "GeneratorId": "security-control/S3.8",
    "AwsAccountId": "111122223333",
    "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
    "CreatedAt": "2024-04-01T00:00:00Z",
    "UpdatedAt": "2024-04-03T08:15:30Z",
    "Severity": {"Label": "MEDIUM"},
    "Title": "S3 general purpose buckets should block public access",
    "Description": "Example finding built from placeholder values.",
    "Resources": [
        {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::example-bucket", "Region": "us-east-1"}
    ],
    "Workflow": {"Status": "NEW"},
    "RecordState": "ACTIVE",
}


@pytest.fixture
def make_finding() -> Callable[..., dict[str, Any]]:
    """Build a valid finding; keyword arguments replace keys, ``drop=[...]`` removes them."""

    def build(drop: tuple[str, ...] | list[str] = (), **overrides: Any) -> dict[str, Any]:
        finding = copy.deepcopy(_BASE_FINDING)
        finding.update(overrides)
        for key in drop:
            finding.pop(key, None)
        return finding

    return build

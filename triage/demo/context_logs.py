"""Config history items and CloudTrail records for the demo estate, agreeing with findings.

For every bucket that fails a public-access control, a console user removed the bucket's
public access block an hour before the finding was first observed: CloudTrail records the
call, and Config records the bucket's state before (blocked) and after (not blocked), the
after-item naming the CloudTrail event in `relatedEvents`.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PUBLIC_CONTROLS = frozenset({"S3.8", "S3.2", "S3.3", "PCI.S3.2"})
PAB_KEYS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
CONSOLE_USER = "alice.martin"
CONSOLE_AGENT = "[Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36] AWS Console S3"


@dataclass
class ContextLogs:
    """What the generator produced: items and records per (account, region, day)."""

    config_items: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    trail_records: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    public_buckets: list[dict[str, str]] = field(default_factory=list)

    def add_item(self, account: str, region: str, item: dict[str, Any]) -> None:
        """File a configuration item under its capture day."""
        day = item["configurationItemCaptureTime"][:10]
        self.config_items.setdefault((account, region, day), []).append(item)

    def add_record(self, account: str, region: str, record: dict[str, Any]) -> None:
        """File a CloudTrail record under its event day."""
        day = record["eventTime"][:10]
        self.trail_records.setdefault((account, region, day), []).append(record)


def iso(value: datetime) -> str:
    """ISO 8601 UTC with a Z, as Config and CloudTrail write it."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _control_id(finding: dict[str, Any]) -> str | None:
    compliance = finding.get("Compliance") or {}
    if compliance.get("SecurityControlId"):
        return str(compliance["SecurityControlId"])
    generator = str(finding.get("GeneratorId", ""))
    return generator.rsplit("/", 1)[-1] if generator else None


def public_bucket_findings(findings: list[dict[str, Any]]) -> dict[tuple[str, str], datetime]:
    """Return (account, bucket ARN) -> earliest FirstObservedAt of failing public controls."""
    firsts: dict[tuple[str, str], datetime] = {}
    for finding in findings:
        if _control_id(finding) not in PUBLIC_CONTROLS:
            continue
        if (finding.get("Compliance") or {}).get("Status") != "FAILED":
            continue
        first = datetime.fromisoformat(finding.get("FirstObservedAt") or finding["CreatedAt"])
        for resource in finding.get("Resources") or []:
            if resource.get("Type") == "AwsS3Bucket":
                key = (finding["AwsAccountId"], resource["Id"])
                firsts[key] = min(first, firsts.get(key, first))
    return firsts


def _user_identity(account: str, user: str, rng: random.Random) -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{rng.getrandbits(64):016X}",
        "arn": f"arn:aws:iam::{account}:user/{user}",
        "accountId": account,
        "accessKeyId": f"ASIA{rng.getrandbits(64):016X}",
        "userName": user,
    }


def trail_record(
    rng: random.Random,
    *,
    account: str,
    region: str,
    user: str,
    at: datetime,
    source: str,
    name: str,
    parameters: dict[str, Any] | None,
    resources: list[dict[str, str]] | None = None,
    read_only: bool = False,
    agent: str = "aws-cli/2.15.0 Python/3.11",
) -> dict[str, Any]:
    """One CloudTrail record in the trail-file layout (eventVersion 1.09)."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": _user_identity(account, user, rng),
        "eventTime": iso(at),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": f"203.0.113.{rng.randrange(2, 250)}",
        "userAgent": agent,
        "requestParameters": parameters,
        "responseElements": None,
        "requestID": f"{rng.getrandbits(64):016X}",
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if resources:
        record["resources"] = resources
    return record


def bucket_item(
    *,
    account: str,
    region: str,
    bucket: str,
    tags: dict[str, str],
    at: datetime,
    blocked: bool,
    created: datetime,
    related: list[str],
    status: str = "OK",
) -> dict[str, Any]:
    """One configuration item (version 1.3) of an S3 bucket, as history files hold it."""
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": iso(at),
        "configurationStateId": str(int(at.timestamp() * 1000)),
        "awsAccountId": account,
        "configurationItemStatus": status,
        "resourceType": "AWS::S3::Bucket",
        "resourceId": bucket,
        "resourceName": bucket,
        "ARN": f"arn:aws:s3:::{bucket}",
        "awsRegion": region,
        "availabilityZone": "Regional",
        "resourceCreationTime": iso(created),
        "tags": dict(tags),
        "relatedEvents": related,
        "relationships": [],
        # Config 1.3 items in files carry configuration as JSON text.
        "configuration": json.dumps({"name": bucket, "creationDate": iso(created)}),
        "supplementaryConfiguration": {
            "PublicAccessBlockConfiguration": dict.fromkeys(PAB_KEYS, blocked),
            "BucketPolicy": {"policyText": None},
        },
    }

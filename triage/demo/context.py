"""Seed moto with the resources the demo findings name, and Config and CloudTrail logs.

Buckets, IAM users and security groups are created in each account (through the demo
role, so moto files them under that account) with the tags the findings carry. Config
history files and CloudTrail trail files go to one log bucket in the layout AWS delivers
them in, so the pipeline reads them exactly as it reads a real organisation's.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from triage.demo.context_logs import (
    CONSOLE_AGENT,
    CONSOLE_USER,
    PAB_KEYS,
    ContextLogs,
    bucket_item,
    public_bucket_findings,
    trail_record,
)
from triage.demo.seed import assume_demo_role

logger = logging.getLogger(__name__)

LOG_BUCKET = "triage-demo-logs"
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})
_OPEN_PORTS = {"open_web": (443, 443), "open_ssh": (22, 22), "open_rdp": (3389, 3389)}


@dataclass
class ContextSeedResult:
    """What `seed_resource_context` wrote."""

    cloudtrail_uri: str
    aws_config_uri: str
    buckets: int = 0
    users: int = 0
    security_groups: int = 0
    config_items: int = 0
    trail_records: int = 0
    public_buckets: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready values."""
        return asdict(self)


def _resources(findings: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        for resource in finding.get("Resources") or []:
            if resource.get("Type") in {"AwsS3Bucket", "AwsIamUser", "AwsEc2SecurityGroup"}:
                found.setdefault((finding["AwsAccountId"], resource["Id"]), resource)
    return found


def build_context_logs(
    findings: list[dict[str, Any]], *, seed: int = 7, home_region: str = "us-east-1"
) -> ContextLogs:
    """Build Config items and CloudTrail records that agree with the findings."""
    rng = random.Random(seed)
    logs = ContextLogs()
    resources = _resources(findings)
    public = public_bucket_findings(findings)
    latest = max(datetime.fromisoformat(f["UpdatedAt"]) for f in findings)
    for (account, arn), resource in sorted(resources.items()):
        if resource["Type"] != "AwsS3Bucket":
            continue
        bucket = arn.split(":::", 1)[1]
        region = resource.get("Region") or home_region
        tags = resource.get("Tags") or {}
        first_seen = public.get((account, arn))
        anchor = first_seen or latest
        created = anchor - timedelta(days=400)
        baseline_at = anchor - timedelta(days=20)
        tagging = trail_record(
            rng,
            account=account,
            region=region,
            user="ci-deploy",
            at=baseline_at,
            source="s3.amazonaws.com",
            name="PutBucketTagging",
            parameters={"bucketName": bucket, "tagging": ""},
        )
        logs.add_record(account, region, tagging)
        logs.add_item(
            account,
            region,
            bucket_item(
                account=account,
                region=region,
                bucket=bucket,
                tags=tags,
                at=baseline_at + timedelta(minutes=3),
                blocked=True,
                created=created,
                related=[tagging["eventID"]],
                status="ResourceDiscovered",
            ),
        )
        for hours in (30, 6):
            logs.add_record(
                account,
                region,
                trail_record(
                    rng,
                    account=account,
                    region=region,
                    user="svc-reporting",
                    at=anchor - timedelta(hours=hours),
                    source="s3.amazonaws.com",
                    name="GetBucketAcl",
                    parameters={"bucketName": bucket},
                    read_only=True,
                ),
            )
        if first_seen is None:
            continue
        changed_at = first_seen - timedelta(hours=1)
        removal = trail_record(
            rng,
            account=account,
            region=region,
            user=CONSOLE_USER,
            at=changed_at,
            source="s3.amazonaws.com",
            name="DeleteBucketPublicAccessBlock",
            parameters={"bucketName": bucket, "publicAccessBlock": ""},
            resources=[{"accountId": account, "type": "AWS::S3::Bucket", "ARN": arn}],
            agent=CONSOLE_AGENT,
        )
        logs.add_record(account, region, removal)
        logs.add_item(
            account,
            region,
            bucket_item(
                account=account,
                region=region,
                bucket=bucket,
                tags=tags,
                at=changed_at + timedelta(minutes=2),
                blocked=False,
                created=created,
                related=[removal["eventID"]],
            ),
        )
        logs.public_buckets.append(
            {
                "account": account,
                "bucket": bucket,
                "actor": CONSOLE_USER,
                "changed_at": removal["eventTime"],
                "event_id": removal["eventID"],
            }
        )
    return logs


def _put_logs(s3: Any, logs: ContextLogs) -> None:
    # A rerun of the seed finds the bucket from the last run; that is what it wants.
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=LOG_BUCKET)
    for (account, region, day), items in sorted(logs.config_items.items()):
        stamp = day.replace("-", "")
        key = (
            f"AWSLogs/{account}/Config/{region}/{day.replace('-', '/')}/ConfigHistory/"
            f"{account}_Config_{region}_ConfigHistory_AWS::S3::Bucket_{stamp}T000000Z.json.gz"
        )
        body = {"fileVersion": "1.0", "configurationItems": items}
        s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=gzip.compress(json.dumps(body).encode()))
    for (account, region, day), records in sorted(logs.trail_records.items()):
        stamp = day.replace("-", "")
        key = (
            f"AWSLogs/{account}/CloudTrail/{region}/{day.replace('-', '/')}/"
            f"{account}_CloudTrail_{region}_{stamp}T0000Z_demo.json.gz"
        )
        body = {"Records": sorted(records, key=lambda r: r["eventTime"])}
        s3.put_object(Bucket=LOG_BUCKET, Key=key, Body=gzip.compress(json.dumps(body).encode()))


def _create_resources(
    endpoint_url: str, findings: list[dict[str, Any]], public: set[str]
) -> dict[str, int]:
    counts = {"buckets": 0, "users": 0, "security_groups": 0}
    by_account: dict[str, list[dict[str, Any]]] = {}
    for (account, _), resource in sorted(_resources(findings).items()):
        by_account.setdefault(account, []).append(resource)
    for account, resources in by_account.items():
        session = assume_demo_role(endpoint_url, account, "us-east-1")
        s3 = session.client("s3", endpoint_url=endpoint_url, config=_CONFIG)
        iam = session.client("iam", endpoint_url=endpoint_url, config=_CONFIG)
        for resource in resources:
            tags = resource.get("Tags") or {}
            tag_list = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
            if resource["Type"] == "AwsS3Bucket":
                name = resource["Id"].split(":::", 1)[1]
                region = resource.get("Region") or "us-east-1"
                params: dict[str, Any] = {"Bucket": name}
                if region != "us-east-1":
                    params["CreateBucketConfiguration"] = {"LocationConstraint": region}
                s3.create_bucket(**params)
                if tag_list:
                    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list})
                if resource["Id"] not in public:
                    s3.put_public_access_block(
                        Bucket=name,
                        PublicAccessBlockConfiguration={
                            k[0].upper() + k[1:]: True for k in PAB_KEYS
                        },
                    )
                counts["buckets"] += 1
            elif resource["Type"] == "AwsIamUser":
                name = resource["Id"].rsplit("/", 1)[-1]
                iam.create_user(UserName=name, Tags=tag_list)
                if name == CONSOLE_USER:
                    iam.create_login_profile(UserName=name, Password="Demo-Passw0rd-2024!")
                else:
                    iam.create_access_key(UserName=name)
                counts["users"] += 1
            else:
                counts["security_groups"] += _create_group(session, endpoint_url, resource)
    return counts


def _create_group(session: boto3.Session, endpoint_url: str, resource: dict[str, Any]) -> int:
    # NOTE: moto chooses security-group ids itself, so the group it creates has the
    # finding's name and tags but not the finding's id; look-ups by id report it missing.
    region = resource.get("Region") or "us-east-1"
    ec2 = session.client("ec2", endpoint_url=endpoint_url, region_name=region, config=_CONFIG)
    details = (resource.get("Details") or {}).get("AwsEc2SecurityGroup") or {}
    name = details.get("GroupName") or resource["Id"].rsplit("/", 1)[-1]
    if name == "default":
        return 0
    tags = [{"Key": k, "Value": v} for k, v in sorted((resource.get("Tags") or {}).items())]
    spec = [{"ResourceType": "security-group", "Tags": tags}] if tags else []
    group = ec2.create_security_group(
        GroupName=f"{name}-{resource['Id'][-6:]}", Description=name, TagSpecifications=spec
    )
    for kind, (low, high) in _OPEN_PORTS.items():
        if kind.split("_", 1)[1] in name:
            ec2.authorize_security_group_ingress(
                GroupId=group["GroupId"],
                IpPermissions=[
                    {
                        "IpProtocol": "tcp",
                        "FromPort": low,
                        "ToPort": high,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    }
                ],
            )
    return 1


def seed_resource_context(
    *, endpoint_url: str, findings: list[dict[str, Any]], seed: int = 7
) -> ContextSeedResult:
    """Create the findings' resources in moto and write Config and CloudTrail log files."""
    logs = build_context_logs(findings, seed=seed)
    public = {f"arn:aws:s3:::{b['bucket']}" for b in logs.public_buckets}
    counts = _create_resources(endpoint_url, findings, public)
    s3 = boto3.Session(region_name="us-east-1").client(
        "s3", endpoint_url=endpoint_url, config=_CONFIG
    )
    _put_logs(s3, logs)
    result = ContextSeedResult(
        cloudtrail_uri=f"s3://{LOG_BUCKET}/",
        aws_config_uri=f"s3://{LOG_BUCKET}/AWSLogs/",
        config_items=sum(len(v) for v in logs.config_items.values()),
        trail_records=sum(len(v) for v in logs.trail_records.values()),
        public_buckets=logs.public_buckets,
        **counts,
    )
    logger.info("seeded resource context: %s", {k: v for k, v in counts.items()})
    return result

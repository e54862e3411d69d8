"""The resources of the demo estate: buckets, security groups, instances, users and trails.

Names, ids and tags are drawn from a seeded random generator, so one seed always builds the
same estate. The finding generator in `triage.demo.generator` reports on these resources.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

ENVIRONMENTS = ("prod", "staging", "dev")
REGION_CODES = {
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
    "eu-west-1": "euw1",
    "eu-central-1": "euc1",
    "ap-southeast-2": "apse2",
}
OWNERS = (
    "maria.garcia",
    "james.okafor",
    "li.wei",
    "priya.nair",
    "tom.becker",
    "sofia.rossi",
)

# (name stem, team, data classification)
BUCKETS = (
    ("payments-logs", "payments", "confidential"),
    ("customer-exports", "data", "restricted"),
    ("data-lake-raw", "data", "confidential"),
    ("web-assets", "web", "public"),
    ("cloudtrail-archive", "platform", "internal"),
)
# (group name, team, kind) where kind says which controls the group fails
SECURITY_GROUPS = (
    ("web-public-alb", "web", "open_web"),
    ("bastion-ssh", "platform", "open_ssh"),
    ("legacy-rdp-admin", "platform", "open_rdp"),
    ("default", "platform", "default"),
    ("payments-api-internal", "payments", "closed"),
)
INSTANCES = (
    ("payments-api-1", "payments", "t3.large", "Amazon Linux 2"),
    ("payments-api-2", "payments", "t3.large", "Amazon Linux 2"),
    ("batch-worker-1", "data", "m5.xlarge", "Ubuntu 22.04"),
    ("bastion-1", "platform", "t3.micro", "Amazon Linux 2023"),
)
IAM_USERS = (
    ("ci-deploy", "platform", "service"),
    ("svc-reporting", "data", "service"),
    ("alice.martin", "identity", "console"),
    ("legacy-batch", "data", "service"),
)


@dataclass(frozen=True)
class Resource:
    """One resource as an ASFF `Resources[]` entry describes it."""

    type: str
    id: str
    name: str
    region: str
    tags: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    kind: str = ""

    def as_asff(self) -> dict[str, Any]:
        """Return a fresh ASFF resource object."""
        item: dict[str, Any] = {
            "Type": self.type,
            "Id": self.id,
            "Partition": "aws",
            "Region": self.region,
        }
        if self.tags:
            item["Tags"] = dict(self.tags)
        if self.details:
            item["Details"] = {self.type: dict(self.details)}
        return item


@dataclass
class ScopeEstate:
    """The resources of one account and region."""

    account_id: str
    region: str
    environment: str
    is_home_region: bool
    account: Resource
    buckets: list[Resource]
    security_groups: list[Resource]
    instances: list[Resource]
    users: list[Resource]
    trails: list[Resource]
    detector_id: str
    analyzer_name: str


def hex_id(rng: random.Random, length: int) -> str:
    """Return `length` lowercase hex digits from `rng`."""
    return f"{rng.getrandbits(length * 4):0{length}x}"


def build_scope(
    rng: random.Random,
    *,
    account_id: str,
    account_index: int,
    region: str,
    is_home_region: bool,
    batch: int = 0,
) -> ScopeEstate:
    """Build the resources of one account and region; `batch` > 0 adds a name suffix."""
    env = ENVIRONMENTS[account_index % len(ENVIRONMENTS)]
    suffix = "" if is_home_region else f"-{REGION_CODES.get(region, region.replace('-', ''))}"
    if batch:
        suffix += f"-{batch:04d}"

    def tags(team: str, classification: str | None = None) -> dict[str, str]:
        result = {
            "owner": f"{rng.choice(OWNERS)}@acme.example",
            "team": team,
            "environment": env,
            "cost-center": f"cc-{1000 + (sum(map(ord, team)) % 7) * 110}",
        }
        if classification:
            result["data-classification"] = classification
        return result

    account = Resource("AwsAccount", f"AWS::::Account:{account_id}", account_id, region)
    buckets = []
    for stem, team, classification in BUCKETS:
        name = f"acme-{env}-{stem}{suffix}"
        buckets.append(
            Resource(
                "AwsS3Bucket",
                f"arn:aws:s3:::{name}",
                name,
                region,
                tags(team, classification),
                {"Name": name, "OwnerId": hex_id(rng, 64), "CreatedAt": "2021-03-04T10:00:00Z"},
                kind=stem,
            )
        )
    vpc_id = f"vpc-{hex_id(rng, 17)}"
    groups = []
    for group_name, team, kind in SECURITY_GROUPS:
        group_id = f"sg-{hex_id(rng, 17)}"
        groups.append(
            Resource(
                "AwsEc2SecurityGroup",
                f"arn:aws:ec2:{region}:{account_id}:security-group/{group_id}",
                group_name if not batch else f"{group_name}{suffix}",
                region,
                tags(team) if group_name != "default" else {},
                {"GroupName": group_name, "GroupId": group_id, "VpcId": vpc_id},
                kind=kind,
            )
        )
    instances = []
    for instance_name, team, instance_type, platform in INSTANCES:
        instance_id = f"i-{hex_id(rng, 17)}"
        instances.append(
            Resource(
                "AwsEc2Instance",
                f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}",
                f"{instance_name}{suffix}",
                region,
                {**tags(team), "Name": f"{env}-{instance_name}"},
                {"Type": instance_type, "VpcId": vpc_id, "ImageId": f"ami-{hex_id(rng, 17)}"},
                kind=platform,
            )
        )
    users: list[Resource] = []
    trails: list[Resource] = []
    if is_home_region:
        for user_name, team, kind in IAM_USERS:
            name = user_name if not batch else f"{user_name}{suffix}"
            users.append(
                Resource(
                    "AwsIamUser",
                    f"arn:aws:iam::{account_id}:user/{name}",
                    name,
                    region,
                    tags(team),
                    {"UserName": name, "UserId": f"AIDA{hex_id(rng, 16).upper()}"},
                    kind=kind,
                )
            )
        trail_name = f"acme-{env}-org-trail{suffix}"
        trails.append(
            Resource(
                "AwsCloudTrailTrail",
                f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name}",
                trail_name,
                region,
                tags("platform"),
                {"IsMultiRegionTrail": True, "S3BucketName": f"acme-{env}-cloudtrail-archive"},
            )
        )
    return ScopeEstate(
        account_id=account_id,
        region=region,
        environment=env,
        is_home_region=is_home_region,
        account=account,
        buckets=buckets,
        security_groups=groups,
        instances=instances,
        users=users,
        trails=trails,
        detector_id=hex_id(rng, 32),
        analyzer_name=f"ConsoleAnalyzer-{hex_id(rng, 8)}-{hex_id(rng, 4)}",
    )

"""Tag and exposure look-ups against moto; access denied marks facts unknown."""

from __future__ import annotations

import io
import uuid
from typing import Any

import boto3
import pytest
import redis
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws

from triage.aws.session import make_boto_config
from triage.errors import SourceUnavailableError
from triage.resources.cache import ResourceCache
from triage.resources.lookup import ResourceMetadataLookup, ResourceRef
from triage.settings import Settings

ACCOUNT = "123456789012"


@pytest.fixture()
def cache(redis_url):
    client = redis.Redis.from_url(redis_url)
    namespace = f"test:{uuid.uuid4().hex[:8]}"
    yield ResourceCache(client, ttl_seconds=60, namespace=namespace)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)


@pytest.fixture()
def aws():
    with mock_aws():
        yield


def _lookup(cache, clients: dict[str, Any] | None = None) -> ResourceMetadataLookup:
    made: dict[str, Any] = dict(clients or {})

    def factory(service: str, account: str | None, region: str | None) -> Any:
        if service not in made:
            made[service] = boto3.client(service, region_name="us-east-1")
        return made[service]

    return ResourceMetadataLookup(clients=factory, cache=cache, settings=Settings())


def test_public_bucket_tags_owner_and_exposure(aws, cache):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="customer-exports")
    s3.put_bucket_tagging(
        Bucket="customer-exports",
        Tagging={
            "TagSet": [
                {"Key": "Owner", "Value": "li.wei"},
                {"Key": "Environment", "Value": "Prod"},
                {"Key": "data-classification", "Value": "Restricted"},
                {"Key": "compliance", "Value": "pci-dss"},
            ]
        },
    )
    lookup = _lookup(cache)
    facts = lookup.describe(ResourceRef("arn:aws:s3:::customer-exports", "AwsS3Bucket", ACCOUNT))

    assert facts["owner"] == "li.wei"
    assert facts["environment"] == "prod"
    assert facts["classification"] == "restricted"
    assert facts["compliance"] == {"compliance": "pci-dss"}
    assert facts["exposure"]["level"] == "exposed"  # no public access block at all
    assert facts["created_at"] is not None
    assert facts["unknown"] == []

    calls = lookup.aws_calls
    # tagging GetResources, PublicAccessBlock, PolicyStatus, BucketTagging, ListBuckets
    assert calls == 5
    lookup.describe(ResourceRef("arn:aws:s3:::customer-exports", "AwsS3Bucket", ACCOUNT))
    assert lookup.aws_calls == calls, "the second look-up is served by Redis"


def test_blocked_bucket_is_internal(aws, cache):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="payments-logs")
    s3.put_public_access_block(
        Bucket="payments-logs",
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        ),
    )
    facts = _lookup(cache).describe(
        ResourceRef("arn:aws:s3:::payments-logs", "AwsS3Bucket", ACCOUNT)
    )
    assert facts["exposure"]["level"] == "internal"
    assert facts["owner"] is None and "owner" not in facts["unknown"]


def test_security_group_open_to_the_world(aws, cache):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="bastion-ssh", Description="d", VpcId=vpc)
    group_id = group["GroupId"]
    ec2.create_tags(Resources=[group_id], Tags=[{"Key": "team", "Value": "platform"}])
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    arn = f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{group_id}"
    facts = _lookup(cache).describe(ResourceRef(arn, "AwsEc2SecurityGroup", ACCOUNT, "us-east-1"))
    assert facts["team"] == "platform"
    assert facts["exposure"]["level"] == "public"
    assert facts["exposure"]["open_to_world"][0]["from_port"] == 22


def test_iam_user_console_access_and_key_age(aws, cache):
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="alice.martin", Tags=[{"Key": "owner", "Value": "identity-team"}])
    iam.create_login_profile(UserName="alice.martin", Password="Xx-123456789!")
    iam.create_access_key(UserName="alice.martin")
    arn = f"arn:aws:iam::{ACCOUNT}:user/alice.martin"
    facts = _lookup(cache).describe(ResourceRef(arn, "AwsIamUser", ACCOUNT))
    assert facts["owner"] == "identity-team"
    assert facts["exposure"]["console_access"] is True
    assert facts["exposure"]["access_key_max_age_days"] == 0
    assert facts["exposure"]["level"] == "exposed"


def test_access_denied_marks_facts_unknown_not_absent(cache):
    s3 = boto3.client("s3", region_name="us-east-1")
    tagging = boto3.client("resourcegroupstaggingapi", region_name="us-east-1")
    s3_stub, tag_stub = Stubber(s3), Stubber(tagging)
    tag_stub.add_client_error("get_resources", "AccessDeniedException")
    s3_stub.add_client_error("get_public_access_block", "AccessDenied", http_status_code=403)
    s3_stub.add_response("get_bucket_policy_status", {"PolicyStatus": {"IsPublic": False}})
    s3_stub.add_client_error("get_bucket_tagging", "AccessDenied", http_status_code=403)
    s3_stub.add_client_error("list_buckets", "AccessDenied", http_status_code=403)
    with s3_stub, tag_stub:
        lookup = _lookup(cache, {"s3": s3, "resourcegroupstaggingapi": tagging})
        facts = lookup.describe(ResourceRef("arn:aws:s3:::locked", "AwsS3Bucket", ACCOUNT))

    assert facts["tags"] is None
    assert facts["owner"] is None
    assert {"tags", "owner", "classification", "public_access_block", "created_at"} <= set(
        facts["unknown"]
    )
    assert facts["exposure"]["level"] == "unknown"
    assert facts["exposure"]["public_access_block"] is None


class _Body(io.BytesIO):
    def stream(self, **_: Any):
        yield self.getvalue()


def _throttle(client: Any, operation: str, times: int) -> dict[str, int]:
    """Answer the next `times` calls of `operation` with S3's 503 SlowDown."""
    left = {"n": times}

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        if left["n"] <= 0:
            return None
        left["n"] -= 1
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your rate</Message></Error>"
        return AWSResponse(request.url, 503, {}, _Body(body))

    client.meta.events.register_first(f"before-send.s3.{operation}", answer)
    return left


def test_throttling_is_retried_with_backoff_then_fails_loudly(aws, cache):
    s3 = boto3.client("s3", region_name="us-east-1", config=make_boto_config(Settings()))
    s3.create_bucket(Bucket="throttled-bucket")
    left = _throttle(s3, "GetBucketTagging", 2)
    lookup = _lookup(cache, {"s3": s3})
    facts = lookup.describe(ResourceRef("arn:aws:s3:::throttled-bucket", "AwsS3Bucket", ACCOUNT))
    assert left["n"] == 0 and facts["unknown"] == []

    _throttle(s3, "GetPublicAccessBlock", 50)
    with pytest.raises(SourceUnavailableError):
        lookup.describe(ResourceRef("arn:aws:s3:::other-bucket", "AwsS3Bucket", ACCOUNT))
    assert cache.get("facts:arn:aws:s3:::other-bucket") is None

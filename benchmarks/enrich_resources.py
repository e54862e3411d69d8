"""Benchmark: enrich 10,000 alerts twice through the Redis cache; AWS calls and hit ratio.

Usage (with the private services running, see the README):

    set -a; . .services/env; set +a
    .venv/bin/python benchmarks/enrich_resources.py [--alerts 10000] [--resources 1000]

The resources (S3 buckets with tags, IAM users with console access and keys, security
groups with open rules) live in moto in this process; the alerts name them at random, so
many alerts share a resource, as in a real queue. Both passes use the real Redis from
REDIS_URL under a fresh namespace. The second pass must make no AWS call.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from typing import Any

import boto3
import redis
from moto import mock_aws

from triage.resources.cache import ResourceCache
from triage.resources.enrich import enrich_resources
from triage.resources.lookup import ResourceMetadataLookup, ResourceRef
from triage.settings import Settings

ACCOUNT = "123456789012"
REGION = "us-east-1"


def _estate(count: int, rng: random.Random) -> list[ResourceRef]:
    s3 = boto3.client("s3", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    refs: list[ResourceRef] = []
    for n in range(count):
        tags = [
            {"Key": "owner", "Value": rng.choice(("li.wei", "priya.nair", "tom.becker"))},
            {"Key": "environment", "Value": rng.choice(("prod", "staging", "dev"))},
            {"Key": "data-classification", "Value": rng.choice(("restricted", "internal"))},
        ]
        kind = n % 4
        if kind in (0, 1):
            name = f"bench-bucket-{n:05d}"
            s3.create_bucket(Bucket=name)
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
            refs.append(ResourceRef(f"arn:aws:s3:::{name}", "AwsS3Bucket", ACCOUNT, REGION))
        elif kind == 2:
            name = f"bench-user-{n:05d}"
            iam.create_user(UserName=name, Tags=tags)
            iam.create_access_key(UserName=name)
            arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
            refs.append(ResourceRef(arn, "AwsIamUser", ACCOUNT, REGION))
        else:
            group = ec2.create_security_group(
                GroupName=f"bench-sg-{n:05d}",
                Description="bench",
                VpcId=vpc,
                TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
            )["GroupId"]
            arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"
            refs.append(ResourceRef(arn, "AwsEc2SecurityGroup", ACCOUNT, REGION))
    return refs


def _pass(name: str, alerts: list[ResourceRef], lookup: ResourceMetadataLookup, workers: int):
    calls_before = lookup.aws_calls
    stats = lookup.cache_stats
    hits, misses = stats.hits, stats.misses
    started = time.perf_counter()
    result, facts = enrich_resources(alerts, lookup=lookup, workers=workers)
    seconds = time.perf_counter() - started
    pass_hits, pass_misses = stats.hits - hits, stats.misses - misses
    return {
        "pass": name,
        "alerts": len(alerts),
        "enriched": len(facts),
        "failed": result.failed,
        "aws_calls": lookup.aws_calls - calls_before,
        "hits": pass_hits,
        "misses": pass_misses,
        "hit_ratio": pass_hits / max(pass_hits + pass_misses, 1),
        "seconds": seconds,
        "ms_per_alert": 1000 * seconds / len(alerts),
    }


def main(argv: list[str] | None = None) -> int:
    """Run both passes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--resources", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    url = os.environ.get("REDIS_URL")
    if not url:
        print("REDIS_URL is not set; run `set -a; . .services/env; set +a` first")
        return 2
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "bench")
    os.environ.pop("AWS_ENDPOINT_URL", None)

    rng = random.Random(11)
    client = redis.Redis.from_url(url)
    namespace = f"bench:{uuid.uuid4().hex[:8]}"
    rows = []
    with mock_aws():
        refs = _estate(args.resources, rng)
        alerts = [rng.choice(refs) for _ in range(args.alerts)]
        made: dict[str, Any] = {}

        def factory(service: str, account: str | None, region: str | None) -> Any:
            if service not in made:
                made[service] = boto3.client(service, region_name=REGION)
            return made[service]

        cache = ResourceCache(client, ttl_seconds=3600, namespace=namespace)
        lookup = ResourceMetadataLookup(clients=factory, cache=cache, settings=Settings())
        rows.append(_pass("1 (cold cache)", alerts, lookup, args.workers))
        rows.append(_pass("2 (warm cache)", alerts, lookup, args.workers))
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)

    distinct = len({ref.arn for ref in alerts})
    print(
        f"enrich {args.alerts:,} alerts over {distinct:,} distinct resources, "
        f"{args.workers} workers, Redis {url.rsplit('@', 1)[-1]}"
    )
    header = (
        "pass",
        "alerts",
        "failed",
        "AWS calls",
        "hits",
        "misses",
        "hit ratio",
        "seconds",
        "ms/alert",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print(
            f"| {row['pass']} | {row['alerts']:,} | {row['failed']} | {row['aws_calls']:,} | "
            f"{row['hits']:,} | {row['misses']:,} | {row['hit_ratio']:.3f} | "
            f"{row['seconds']:.2f} | {row['ms_per_alert']:.3f} |"
        )
    if rows[1]["aws_calls"] != 0:
        print("FAIL: the second pass made AWS calls", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

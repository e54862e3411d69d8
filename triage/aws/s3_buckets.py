"""S3 bucket facts: tags, public access block, policy status and creation date."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from triage.aws.errors import error_code, translate

PUBLIC_ACCESS_BLOCK_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


def get_bucket_tags(client: Any, bucket: str) -> dict[str, str]:
    """Return the bucket's tags ({} when it has none)."""
    try:
        response = client.get_bucket_tagging(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "NoSuchTagSet":
            return {}
        raise translate(exc, f"s3:GetBucketTagging {bucket}") from exc
    return {t["Key"]: t.get("Value", "") for t in response.get("TagSet") or []}


def get_public_access_block(client: Any, bucket: str) -> dict[str, bool]:
    """Return the bucket's four public-access-block flags (all False when none is set)."""
    try:
        response = client.get_public_access_block(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return dict.fromkeys(PUBLIC_ACCESS_BLOCK_FLAGS, False)
        raise translate(exc, f"s3:GetBucketPublicAccessBlock {bucket}") from exc
    settings = response.get("PublicAccessBlockConfiguration") or {}
    return {flag: bool(settings.get(flag, False)) for flag in PUBLIC_ACCESS_BLOCK_FLAGS}


def get_policy_is_public(client: Any, bucket: str) -> bool:
    """Return whether the bucket policy makes it public (False without a policy)."""
    try:
        response = client.get_bucket_policy_status(Bucket=bucket)
    except ClientError as exc:
        if error_code(exc) in {"NoSuchBucketPolicy", "NoSuchPolicy"}:
            return False
        raise translate(exc, f"s3:GetBucketPolicyStatus {bucket}") from exc
    return bool((response.get("PolicyStatus") or {}).get("IsPublic", False))


def get_bucket_creation_dates(client: Any) -> dict[str, str]:
    """Return every bucket's creation date (ISO) from one ListBuckets call."""
    try:
        response = client.list_buckets()
    except Exception as exc:
        raise translate(exc, "s3:ListAllMyBuckets") from exc
    return {b["Name"]: b["CreationDate"].isoformat() for b in response.get("Buckets") or []}

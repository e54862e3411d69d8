"""Reading export files from S3 by `s3://bucket/prefix` location."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.session import make_client
from triage.errors import AccessDeniedError, SourceUnavailableError
from triage.settings import Settings

logger = logging.getLogger(__name__)

ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "AllAccessDisabled"})


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split `s3://bucket/prefix` into bucket and prefix (the prefix may be empty)."""
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"not an s3:// location: {uri!r}")
    return parsed.netloc, parsed.path.lstrip("/")


def iter_objects(
    uri: str,
    *,
    session: boto3.Session,
    settings: Settings | None = None,
    client: Any | None = None,
    page_size: int | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield `(s3://bucket/key, body)` for every object under an `s3://bucket/prefix` location.

    Keys come in the order ListObjectsV2 returns them (lexicographic). Folder placeholder
    keys (ending in `/`) are skipped.

    Args:
        uri: The location, `s3://bucket` or `s3://bucket/prefix`.
        session: The boto3 session to read with.
        settings: Settings for endpoint and retries; the process-wide ones when omitted.
        client: An S3 client to use instead of one built from the session.
        page_size: Keys per ListObjectsV2 page (S3's default, 1,000, when omitted).

    Raises:
        AccessDeniedError: the bucket or an object may not be read.
        SourceUnavailableError: the bucket is missing or S3 failed after botocore's retries.
    """
    bucket, prefix = parse_s3_uri(uri)
    s3 = client or make_client(session, "s3", settings)
    paginator = s3.get_paginator("list_objects_v2")
    count = 0
    try:
        pagination = {"PageSize": page_size} if page_size else {}
        pages = paginator.paginate(Bucket=bucket, Prefix=prefix, PaginationConfig=pagination)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"]
                if key.endswith("/"):
                    continue
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                count += 1
                yield f"s3://{bucket}/{key}", body
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        message = f"reading {uri} failed ({code}): {exc}"
        if code in ACCESS_DENIED_CODES:
            raise AccessDeniedError(message) from exc
        raise SourceUnavailableError(message) from exc
    except BotoCoreError as exc:
        raise SourceUnavailableError(f"reading {uri} failed: {exc}") from exc
    logger.info("read %d objects under %s", count, uri)

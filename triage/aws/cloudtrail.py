"""CloudTrail `LookupEvents` for narrow look-ups, paced at 2 requests per second.

LookupEvents allows 2 requests/s per account and region, 50 events a page, 90 days back,
and one lookup attribute per request
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
Bulk activity comes from trail log files in S3 (`triage.aws.s3`); this client only answers
questions such as "who touched this bucket in the last day".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.pacing import RateLimiter
from triage.aws.securityhub import ACCESS_DENIED_CODES
from triage.errors import AccessDeniedError, SourceUnavailableError

logger = logging.getLogger(__name__)

LOOKUP_REQUESTS_PER_SECOND = 2.0
LOOKUP_PAGE_SIZE = 50
LOOKUP_ATTRIBUTES = frozenset(
    {
        "EventId",
        "EventName",
        "ReadOnly",
        "Username",
        "ResourceType",
        "ResourceName",
        "EventSource",
        "AccessKeyId",
    }
)


class CloudTrailLookupClient:
    """Pages through `LookupEvents` for one attribute, never faster than 2 requests/s."""

    def __init__(
        self, client: Any, *, limiter: RateLimiter | None = None, max_pages: int = 20
    ) -> None:
        self._client = client
        self._limiter = limiter or RateLimiter(LOOKUP_REQUESTS_PER_SECOND)
        self._max_pages = max_pages
        self.calls = 0

    def lookup(
        self, *, attribute: str, value: str, start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        """Yield the `Events[]` entries (with `CloudTrailEvent` JSON text) for one attribute.

        Raises:
            ValueError: `attribute` is not a LookupEvents attribute key.
            AccessDeniedError: CloudTrail refused the call.
            SourceUnavailableError: CloudTrail failed after botocore's retries.
        """
        if attribute not in LOOKUP_ATTRIBUTES:
            raise ValueError(
                f"unknown lookup attribute {attribute!r}; use one of {LOOKUP_ATTRIBUTES}"
            )
        request: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": attribute, "AttributeValue": value}],
            "StartTime": start,
            "EndTime": end,
            "MaxResults": LOOKUP_PAGE_SIZE,
        }
        token: str | None = None
        for _ in range(self._max_pages):
            self._limiter.acquire()
            page = self._call(request | ({"NextToken": token} if token else {}))
            yield from page.get("Events") or []
            token = page.get("NextToken")
            if not token:
                return
        logger.warning("lookup page budget spent attribute=%s value=%s", attribute, value)

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        try:
            page: dict[str, Any] = self._client.lookup_events(**request)
            return page
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ACCESS_DENIED_CODES:
                raise AccessDeniedError(
                    f"CloudTrail refused LookupEvents: {code}; grant cloudtrail:LookupEvents"
                ) from exc
            raise SourceUnavailableError(f"LookupEvents failed after retries: {code}") from exc
        except BotoCoreError as exc:
            raise SourceUnavailableError(f"LookupEvents failed: {exc}") from exc

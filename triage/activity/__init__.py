"""Account activity: CloudTrail records from every container they arrive in."""

from triage.activity.cloudtrail import (
    CloudTrailEvent,
    CloudTrailParseResult,
    parse_cloudtrail_document,
    parse_cloudtrail_record,
)

__all__ = [
    "CloudTrailEvent",
    "CloudTrailParseResult",
    "parse_cloudtrail_document",
    "parse_cloudtrail_record",
]

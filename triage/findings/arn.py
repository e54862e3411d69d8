"""Tolerant ARN helpers: findings carry malformed ARNs in the wild (e.g. ``arn:aws::guardduty``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Region names such as us-east-1, us-gov-west-1, us-iso-west-1, eu-central-2, il-central-1.
REGION_PATTERN = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
ACCOUNT_PATTERN = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class ArnParts:
    """The colon-separated parts of an ARN; ``region`` and ``account`` may be empty."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: object) -> ArnParts | None:
    """Split an ARN into its parts, or return None when the value is not an ARN.

    A region or account that sits one place off (an empty extra segment, as in the
    GuardDuty documentation sample ``arn:aws::guardduty:us-east-1:...``) is still found.
    """
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":")
    if len(parts) < 6:
        return None
    partition, service, region, account = parts[1], parts[2], parts[3], parts[4]
    resource = ":".join(parts[5:])
    if not service and len(parts) >= 7 and REGION_PATTERN.match(parts[4]):
        # One stray empty segment after the partition shifts every later part by one.
        service, region, account, resource = parts[3], parts[4], parts[5], ":".join(parts[6:])
    return ArnParts(partition, service, region, account, resource)


def region_of(value: object) -> str | None:
    """The region named in an ARN, or None."""
    parts = parse_arn(value)
    if parts is None or not REGION_PATTERN.match(parts.region):
        return None
    return parts.region


def account_of(value: object) -> str | None:
    """The account named in an ARN when it is made of digits, or None."""
    parts = parse_arn(value)
    if parts is None or not parts.account.isdigit():
        return None
    return parts.account


def without_region(value: str) -> str:
    """The ARN with its region segment emptied; a non-ARN is returned unchanged."""
    if not value.startswith("arn:"):
        return value
    segments = value.split(":")
    for index in range(2, min(len(segments), 5)):
        if REGION_PATTERN.match(segments[index]):
            segments[index] = ""
            break
    return ":".join(segments)


def resource_name_of(value: str) -> str:
    """The last path segment of an ARN's resource part, or the whole value for a non-ARN."""
    parts = parse_arn(value)
    if parts is None:
        return value
    tail = parts.resource.rstrip("/")
    for separator in ("/", ":"):
        tail = tail.rsplit(separator, 1)[-1]
    return tail or parts.resource

"""Read CloudTrail trail log files from S3 by account, region and date prefix.

Trails write `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz`
(organisation trails add `<org-id>/` after `AWSLogs/`), see
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html.
Each run lists, per account and region, the files dated from the stored cursor's day
(included, since a day fills up over time) on, in one paginated listing; loads are
keyed by event id and content hash, so re-reading a day
stores nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from triage.aws.s3 import parse_s3_uri
from triage.aws.session import make_client, make_session
from triage.findings.containers import PayloadKind
from triage.ingest.context_files import ContextBatchWriter
from triage.ingest.cursors import read_cursor, write_cursor
from triage.settings import Settings
from triage.store.findings import LoadStats

logger = logging.getLogger(__name__)

CURSOR_SOURCE = "cloudtrail/trail-files"


def _common_prefixes(s3: Any, bucket: str, prefix: str) -> list[str]:
    paginator = s3.get_paginator("list_objects_v2")
    found: list[str] = []
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix, Delimiter="/"):
        found.extend(p["Prefix"] for p in page.get("CommonPrefixes") or [])
    return found


def discover_trail_scopes(s3: Any, uri: str) -> list[tuple[str, str, str]]:
    """Return (account, region, `.../CloudTrail/<region>/` prefix) for every trail folder."""
    bucket, prefix = parse_s3_uri(uri)
    base = f"{prefix.rstrip('/')}/AWSLogs/" if prefix else "AWSLogs/"
    scopes: list[tuple[str, str, str]] = []
    for level in _common_prefixes(s3, bucket, base):
        name = level[len(base) :].strip("/")
        account_prefixes = _common_prefixes(s3, bucket, level) if name.startswith("o-") else [level]
        for account_prefix in account_prefixes:
            account = account_prefix.rstrip("/").rsplit("/", 1)[-1]
            for region_prefix in _common_prefixes(s3, bucket, f"{account_prefix}CloudTrail/"):
                region = region_prefix.rstrip("/").rsplit("/", 1)[-1]
                scopes.append((account, region, region_prefix))
    return scopes


def iter_trail_files(s3: Any, bucket: str, region_prefix: str, start: date) -> Iterator[str]:
    """Yield the keys under a region prefix dated `start` or later, in key (date) order.

    Keys sort by `<yyyy>/<mm>/<dd>/`, so one listing that starts after the day before
    `start` covers any number of days with no call per day.
    """
    paginator = s3.get_paginator("list_objects_v2")
    start_after = f"{region_prefix}{start:%Y/%m/%d}"
    for page in paginator.paginate(Bucket=bucket, Prefix=region_prefix, StartAfter=start_after):
        for item in page.get("Contents") or []:
            if not item["Key"].endswith("/"):
                yield item["Key"]


def ingest_trail_files(
    locations: Sequence[str],
    *,
    engine: Engine,
    settings: Settings,
    lookback_days: int = 7,
    today: date | None = None,
) -> LoadStats:
    """Read every trail folder under the locations, one account, region and day at a time."""
    today = today or datetime.now(UTC).date()
    session = make_session(None, settings.aws_regions[0], settings)
    s3 = make_client(session, "s3", settings)
    stats = LoadStats()
    for uri in locations:
        bucket, _ = parse_s3_uri(uri)
        for account, region, region_prefix in discover_trail_scopes(s3, uri):
            cursor = read_cursor(
                engine=engine, source=CURSOR_SOURCE, account=account, region=region
            )
            start = cursor.date() if cursor else today - timedelta(days=lookback_days)
            scope = LoadStats()
            writer = ContextBatchWriter(engine=engine, stats=scope)
            for key in iter_trail_files(s3, bucket, region_prefix, start):
                scope.files += 1
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                writer.add(body, source=f"s3://{bucket}/{key}", kind=PayloadKind.CLOUDTRAIL.value)
            stats.add(scope)
            write_cursor(
                engine=engine,
                source=CURSOR_SOURCE,
                account=account,
                region=region,
                high_water_mark=datetime.combine(today, datetime.min.time(), tzinfo=UTC),
            )
            logger.info(
                "trail files account=%s region=%s files=%d events_loaded=%s",
                account,
                region,
                scope.files,
                scope.context["cloudtrail_events_loaded"],
            )
    return stats

"""Configuration history from `GetResourceConfigHistory` for the resources alerts name.

Incremental per resource: the cursor in `raw.ingest_cursors` is the capture time of the
newest item read (source `aws_config/<type>/<id>`); the first read goes back to the
configured horizon (90 days by default; Config keeps up to 7 years). Windows are 7 days,
the most one call may span.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from triage.aws.aws_config import ConfigHistoryClient
from triage.aws_config import parse_config_document
from triage.errors import AccessDeniedError
from triage.ingest.cursors import read_cursor, write_cursor
from triage.resources.lookup import ResourceRef
from triage.settings import Settings
from triage.store.context import store_configuration_items
from triage.store.findings import store_quarantined

logger = logging.getLogger(__name__)

# ASFF resource types and the Config type and id spelling for each.
CONFIG_TYPES = {
    "AwsS3Bucket": "AWS::S3::Bucket",
    "AwsEc2SecurityGroup": "AWS::EC2::SecurityGroup",
    "AwsEc2Instance": "AWS::EC2::Instance",
    "AwsEc2Volume": "AWS::EC2::Volume",
    "AwsEc2Vpc": "AWS::EC2::VPC",
    "AwsRdsDbInstance": "AWS::RDS::DBInstance",
    "AwsLambdaFunction": "AWS::Lambda::Function",
}


@dataclass
class ConfigHistoryStats:
    """Counts of one history run."""

    resources: int = 0
    calls: int = 0
    items_seen: int = 0
    items_loaded: int = 0
    quarantined: int = 0
    unknown: list[str] = field(default_factory=list)


def ingest_config_history(
    refs: Sequence[ResourceRef],
    *,
    engine: Engine,
    settings: Settings,
    clients: Callable[[str, str | None, str | None], Any],
    now: datetime | None = None,
) -> ConfigHistoryStats:
    """Read each supported resource's history since its cursor and store new items.

    A resource Config refuses is listed in `unknown` (its history is unknown, not empty).
    """
    # TODO: IAM users, roles and access keys are skipped: Config keys them by their unique
    # id (AIDA..., AROA...), not the name in the finding's ARN, and resolving it costs a
    # ListDiscoveredResources call per resource. Their changes still arrive through Config
    # history files in S3 (TRIAGE_AWS_CONFIG_LOCATIONS) and CloudTrail.
    now = now or datetime.now(UTC)
    stats = ConfigHistoryStats()
    for ref in refs:
        config_type = CONFIG_TYPES.get(ref.resource_type)
        if config_type is None:
            continue
        stats.resources += 1
        source = f"aws_config/{config_type}/{ref.name}"
        account, region = ref.aws_account_id or "", ref.region or ""
        cursor = read_cursor(engine=engine, source=source, account=account, region=region)
        earlier = cursor or now - timedelta(days=settings.config_history_horizon_days)
        reader = ConfigHistoryClient(clients("config", ref.aws_account_id, ref.region))
        try:
            raw_items = list(
                reader.iter_history(
                    resource_type=config_type, resource_id=ref.name, earlier=earlier, later=now
                )
            )
        except AccessDeniedError as exc:
            logger.warning("config history unknown arn=%s reason=%s", ref.arn, exc)
            stats.unknown.append(ref.arn)
            continue
        finally:
            stats.calls += reader.stats.calls
        parsed = parse_config_document({"configurationItems": raw_items})
        stats.items_seen += len(parsed.items)
        stats.items_loaded += store_configuration_items(
            engine=engine, items=[(item, "GetResourceConfigHistory") for item in parsed.items]
        )
        stats.quarantined += store_quarantined(
            engine=engine,
            records=[(q, "GetResourceConfigHistory") for q in parsed.quarantined],
            record_kind="aws_config",
        )
        newest = max((item.captured_at for item in parsed.items), default=None)
        if newest is not None:
            write_cursor(
                engine=engine, source=source, account=account, region=region, high_water_mark=newest
            )
    return stats

"""Incremental ingestion from Security Hub `GetFindings`, per account and region."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from triage.errors import AccessDeniedError
from triage.findings import parse_finding_objects
from triage.ingest.batch import FindingBatchWriter
from triage.ingest.cursors import read_cursor, write_cursor
from triage.settings import AwsAccount, Settings, get_settings
from triage.store.findings import LoadStats

logger = logging.getLogger(__name__)

CURSOR_SOURCE = "securityhub"


@dataclass
class ScopeResult:
    """What one account and region produced in a run."""

    aws_account_id: str
    region: str
    window_start: datetime
    window_end: datetime
    pages: int = 0
    status: str = "ok"
    stats: LoadStats = field(default_factory=LoadStats)


def _default_account(settings: Settings) -> AwsAccount:
    """The account of the ambient credentials, used when no accounts are configured."""
    from triage.aws.session import make_session

    session = make_session(None, settings.aws_regions[0], settings)
    sts = session.client("sts", endpoint_url=settings.aws_endpoint_url)
    return AwsAccount(account_id=sts.get_caller_identity()["Account"])


def ingest_securityhub_api(
    *,
    engine: Engine,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> list[ScopeResult]:
    """Pull findings updated since each scope's high-water mark, minus an overlap window.

    The window end is fixed once per run, so every page of one scope is requested with the
    same parameters. A scope's cursor moves only after all its pages are stored; a scope
    that still fails after retries raises, so the run fails rather than reporting a partial
    pull as complete. Access denied marks that scope `unknown` and the others go on.
    """
    from triage.aws.securityhub import SecurityHubClient
    from triage.aws.session import make_session

    settings = settings or get_settings()
    run_end = (now or datetime.now(UTC)).astimezone(UTC)
    accounts = settings.aws_accounts or [_default_account(settings)]
    overlap = timedelta(minutes=settings.ingest_overlap_minutes)
    results: list[ScopeResult] = []

    for account in accounts:
        for region in settings.aws_regions:
            hwm = read_cursor(
                engine=engine, source=CURSOR_SOURCE, account=account.account_id, region=region
            )
            start = (
                hwm - overlap
                if hwm
                else run_end - timedelta(days=settings.ingest_initial_lookback_days)
            )
            scope = ScopeResult(account.account_id, region, start, run_end)
            writer = FindingBatchWriter(engine=engine, stats=scope.stats)
            client = SecurityHubClient(
                session=make_session(account, region, settings), region=region, settings=settings
            )
            source = f"securityhub:{account.account_id}:{region}"
            try:
                for page in client.iter_finding_pages(updated_since=start, updated_until=run_end):
                    scope.pages += 1
                    writer.add(parse_finding_objects(page, source=source), source=source)
            except AccessDeniedError as exc:
                scope.status = "unknown"
                logger.warning(
                    "access denied; scope marked unknown account=%s region=%s error=%s",
                    account.account_id,
                    region,
                    exc,
                )
                results.append(scope)
                continue
            writer.flush()
            write_cursor(
                engine=engine,
                source=CURSOR_SOURCE,
                account=account.account_id,
                region=region,
                high_water_mark=run_end,
            )
            logger.info(
                "securityhub scope done account=%s region=%s pages=%s seen=%s loaded=%s",
                account.account_id,
                region,
                scope.pages,
                scope.stats.findings_seen,
                scope.stats.versions_loaded,
            )
            results.append(scope)
    return results

"""Drain the write-back outbox into Security Hub `BatchUpdateFindings`.

* At most 100 findings a call (the API's limit), one Workflow/Note/UserDefinedFields set per
  call, so one call carries the findings of one alert change.
* Calls are paced under 10 a second (the documented 10 TPS, burst 30) by a token bucket.
* Throttled calls are retried with backoff; still throttled, the drain fails loudly and the
  items stay queued.
* Every answer is checked (case B17): only `ProcessedFindings` are marked sent; each
  `UnprocessedFindings` entry is retried later (transient codes) or flagged `failed`.
* An endpoint without the call (the local emulator) is reported once and remembered in
  `app.writeback_endpoints`; its items stay queued and later drains make no call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy.engine import Connection, Engine

from triage.aws.pacing import RateLimiter, backoff_delay
from triage.aws.securityhub import THROTTLING_CODES
from triage.errors import SourceUnavailableError
from triage.settings import Settings, get_settings

logger = logging.getLogger(__name__)

MAX_FINDINGS_PER_CALL = 100
MAX_THROTTLE_RETRIES = 5
# UnprocessedFindings codes worth another try; anything else is flagged for a person.
TRANSIENT_CODES = frozenset(
    {
        "InternalException",
        "InternalFailure",
        "ServiceUnavailable",
        "LimitExceededException",
        "ThrottlingException",
        "TooManyRequestsException",
        "ResourceConflictException",
    }
)
_UNSUPPORTED_CODES = frozenset({"NotImplemented", "InvalidAction", "UnknownOperationException"})


class WritebackError(SourceUnavailableError):
    """BatchUpdateFindings kept failing (throttled or refused); the items stay queued."""


@dataclass
class DrainResult:
    """Counts of one drain."""

    calls: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unsupported: bool = False
    errors: dict[str, int] = field(default_factory=dict)


ClientFactory = Callable[[str], Any]


def default_client_factory(settings: Settings) -> ClientFactory:
    """Make Security Hub clients per region with the write-back credentials."""
    from triage.aws.session import make_client, make_session

    # TODO: write-back uses the default credential chain (the delegated admin or home-Region
    # account, which may update member findings); the separate write-back role per account
    # is not wired yet, so a deployment without a delegated admin meets AccessDenied here.
    def factory(region: str) -> Any:
        return make_client(make_session(None, region, settings), "securityhub", settings)

    return factory


def _endpoint(settings: Settings) -> str:
    return settings.aws_endpoint_url or "aws"


def _is_unsupported(exc: Exception) -> bool:
    if isinstance(exc, NotImplementedError):
        return True
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        message = str(error.get("Message", "")).lower()
        if error.get("Code") in _UNSUPPORTED_CODES or "not yet implemented" in message:
            return True
        # An endpoint without the route at all (the local emulator's server mode) answers a
        # bare HTTP 404 page, which botocore reports with the status as the code. AWS itself
        # names every BatchUpdateFindings error (`...Exception`), so this is never AWS.
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.get("Code", ""))
        return status == 404 and not code.endswith("Exception")
    return False


def _next_batch(db: Connection) -> list[sa.Row[Any]]:
    head = db.execute(
        sa.text(
            "select alert_id, region, workflow_status, note from app.writeback_outbox "
            "where state = 'pending' and next_attempt_at <= now() "
            "order by outbox_id limit 1 for update skip locked"
        )
    ).one_or_none()
    if head is None:
        return []
    return db.execute(
        sa.text(
            "select outbox_id, alert_id, product_arn, finding_id, region, workflow_status, note, "
            "attempts from app.writeback_outbox where state = 'pending' "
            "and next_attempt_at <= now() and alert_id = :alert_id and region = :region "
            "and workflow_status = :status and note = :note "
            "order by outbox_id limit :limit for update skip locked"
        ),
        {
            "alert_id": head.alert_id,
            "region": head.region,
            "status": head.workflow_status,
            "note": head.note,
            "limit": MAX_FINDINGS_PER_CALL,
        },
    ).all()


def _call(
    client: Any, request: dict[str, Any], *, sleep: Callable[[float], None], limiter: RateLimiter
) -> dict[str, Any]:
    attempt = 0
    while True:
        limiter.acquire()
        try:
            return client.batch_update_findings(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if _is_unsupported(exc):
                raise
            if not (code in THROTTLING_CODES or status == 429 or (status or 0) >= 500):
                raise WritebackError(f"BatchUpdateFindings refused ({code}): {exc}") from exc
            reason: str = code or f"HTTP {status}"
            error: Exception = exc
        except BotoCoreError as exc:
            reason, error = type(exc).__name__, exc
        if attempt >= MAX_THROTTLE_RETRIES:
            raise WritebackError(
                f"BatchUpdateFindings still failing ({reason}) after {attempt + 1} attempts; "
                "the items stay queued"
            ) from error
        delay = backoff_delay(attempt)
        logger.warning("BatchUpdateFindings %s, retry %d in %.2fs", reason, attempt + 1, delay)
        sleep(delay)
        attempt += 1


def _mark(db: Connection, ids: list[int], **values: Any) -> None:
    if not ids:
        return
    sets = ", ".join(f"{key} = :{key}" for key in values)
    db.execute(
        sa.text(f"update app.writeback_outbox set {sets} where outbox_id = any(:ids)"),
        values | {"ids": ids},
    )


def _settle(
    db: Connection,
    rows: list[sa.Row[Any]],
    response: dict[str, Any],
    *,
    max_attempts: int,
    result: DrainResult,
) -> None:
    by_key = {(row.product_arn, row.finding_id): row for row in rows}
    processed = {
        (item.get("ProductArn"), item.get("Id")) for item in response.get("ProcessedFindings", [])
    }
    now = datetime.now(UTC)
    _mark(
        db,
        [by_key[k].outbox_id for k in processed if k in by_key],
        state="sent",
        sent_at=now,
        last_error=None,
    )
    result.sent += len(processed & by_key.keys())
    unprocessed = {}
    for item in response.get("UnprocessedFindings", []):
        ident = item.get("FindingIdentifier", {})
        unprocessed[(ident.get("ProductArn"), ident.get("Id"))] = (
            str(item.get("ErrorCode", "Unknown")),
            str(item.get("ErrorMessage", "")),
        )
    for key, row in by_key.items():
        if key in processed:
            continue
        code, message = unprocessed.get(key, ("Missing", "not listed in the response"))
        result.errors[code] = result.errors.get(code, 0) + 1
        attempts = row.attempts + 1
        transient = code in TRANSIENT_CODES or code == "Missing"
        logger.warning(
            "write-back unprocessed finding_id=%s alert_id=%s code=%s message=%s attempt=%s",
            row.finding_id,
            row.alert_id,
            code,
            message,
            attempts,
        )
        if transient and attempts < max_attempts:
            retry_at = now + timedelta(seconds=backoff_delay(attempts, base=30, cap=3600))
            _mark(
                db,
                [row.outbox_id],
                attempts=attempts,
                last_error=f"{code}: {message}",
                next_attempt_at=retry_at,
            )
            result.retried += 1
        else:
            _mark(
                db,
                [row.outbox_id],
                state="failed",
                attempts=attempts,
                last_error=f"{code}: {message}",
            )
            result.failed += 1


def drain_outbox(
    *,
    engine: Engine,
    settings: Settings | None = None,
    client_factory: ClientFactory | None = None,
    max_calls: int = 100,
    sleep: Callable[[float], None] = time.sleep,
    limiter: RateLimiter | None = None,
) -> DrainResult:
    """Send queued status changes to Security Hub; see the module docstring for the rules.

    Raises:
        WritebackError: a call stayed throttled or was refused; the items remain queued.
    """
    settings = settings or get_settings()
    if not settings.writeback_enabled:
        # Switched off: nothing is sent and the queued items wait for it to be switched on.
        return DrainResult()
    factory = client_factory or default_client_factory(settings)
    limiter = limiter or RateLimiter(settings.writeback_calls_per_second, sleep=sleep)
    result = DrainResult()
    endpoint = _endpoint(settings)
    clients: dict[str, Any] = {}

    # TODO: an endpoint marked unsupported stays so until its row is deleted from
    # app.writeback_endpoints (no command yet); pointing AWS_ENDPOINT_URL elsewhere works.
    with engine.begin() as db:
        if db.execute(
            sa.text("select 1 from app.writeback_endpoints where endpoint = :e"), {"e": endpoint}
        ).first():
            result.unsupported = True
            return result

    while result.calls < max_calls:
        with engine.begin() as db:
            rows = _next_batch(db)
            if not rows:
                break
            head = rows[0]
            request = {
                "FindingIdentifiers": [
                    {"Id": row.finding_id, "ProductArn": row.product_arn} for row in rows
                ],
                "Workflow": {"Status": head.workflow_status},
                "Note": {"Text": head.note, "UpdatedBy": settings.writeback_updated_by},
                "UserDefinedFields": {"triage_alert_id": head.alert_id},
            }
            client = clients.get(head.region) or clients.setdefault(
                head.region, factory(head.region)
            )
            try:
                response = _call(client, request, sleep=sleep, limiter=limiter)
            except (ClientError, NotImplementedError) as exc:
                if not _is_unsupported(exc):
                    raise
                unsupported_detail = str(exc)
            else:
                unsupported_detail = None
                result.calls += 1
                _settle(
                    db, rows, response, max_attempts=settings.writeback_max_attempts, result=result
                )
        if unsupported_detail is not None:
            with engine.begin() as db:
                db.execute(
                    sa.text(
                        "insert into app.writeback_endpoints (endpoint, unsupported_since, "
                        "detail) values (:e, now(), :d) on conflict (endpoint) do nothing"
                    ),
                    {"e": endpoint, "d": unsupported_detail[:500]},
                )
            logger.warning(
                "write-back unsupported: endpoint=%s lacks BatchUpdateFindings (%s); items stay "
                "queued and no further calls are made to it",
                endpoint,
                # An emulator may answer with a whole HTML page; one short line is enough.
                " ".join(unsupported_detail.split())[:200],
            )
            result.unsupported = True
            break
    logger.info(
        "write-back drained calls=%s sent=%s retried=%s failed=%s unsupported=%s",
        result.calls,
        result.sent,
        result.retried,
        result.failed,
        result.unsupported,
    )
    return result

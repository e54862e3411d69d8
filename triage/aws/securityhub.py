"""Security Hub `GetFindings` paging with a frozen request, pacing and loud failures.

Two production faults shape this module (see the shared cases B01 and B03):

* A `NextToken` is only valid with the identical request that produced it, so the filters,
  sort and `MaxResults` are built once per run and reused unchanged for every page.
* Throttling must never end a pull quietly: throttled calls are retried with exponential
  backoff and jitter, and when the budget runs out the pull raises
  `SourceUnavailableError` instead of returning what it has so far.
"""

from __future__ import annotations

import copy
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.pacing import RateLimiter, backoff_delay
from triage.aws.session import make_client, make_session
from triage.errors import AccessDeniedError, SourceUnavailableError
from triage.settings import AwsAccount, Settings, get_settings

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"}
)
TRANSIENT_CODES = frozenset(
    {"InternalException", "InternalServerError", "InternalFailure", "ServiceUnavailable"}
)
# InvalidAccessException is Security Hub's answer for an account or region that is not
# subscribed: like a denied permission, the caller cannot know that scope's findings.
ACCESS_DENIED_CODES = frozenset(
    {"AccessDeniedException", "AccessDenied", "InvalidAccessException", "UnauthorizedOperation"}
)


@dataclass
class PullStats:
    """What one `iter_finding_pages` run fetched, for logging and asset metadata."""

    pages: int = 0
    findings_received: int = 0
    findings_yielded: int = 0
    findings_outside_window: int = 0
    retries: int = 0
    seconds_slept: float = 0.0


class SecurityHubClient:
    """Reads findings from one account and region of Security Hub."""

    def __init__(
        self,
        client: Any | None = None,
        *,
        session: boto3.Session | None = None,
        settings: Settings | None = None,
        account_id: str | None = None,
        region: str | None = None,
        requests_per_second: float | None = None,
        burst: int = 1,
        max_retries: int | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        """Wrap a boto3 Security Hub client, or build one from `session` and `settings`.

        Pacing and the retry budget default to `settings.getfindings_requests_per_second` and
        `settings.getfindings_max_retries`.
        """
        if client is None:
            if session is None:
                raise ValueError("pass a Security Hub client or a session")
            settings = settings or getattr(session, "triage_settings", None)
            client = make_client(session, "securityhub", settings, region=region)
        settings = settings or get_settings()
        self._client = client
        self.account_id = account_id
        self.region = region or getattr(getattr(client, "meta", None), "region_name", None)
        rate = requests_per_second or settings.getfindings_requests_per_second
        self.max_retries = settings.getfindings_max_retries if max_retries is None else max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng
        self.limiter = RateLimiter(rate, burst=burst, clock=clock, sleep=sleep)
        self.stats = PullStats()

    @classmethod
    def from_settings(
        cls,
        *,
        account: AwsAccount | None,
        region: str,
        settings: Settings | None = None,
        **kwargs: Any,
    ) -> SecurityHubClient:
        """Build a client for one account and region, pacing and retries from the settings."""
        settings = settings or get_settings()
        return cls(
            session=make_session(account, region, settings),
            settings=settings,
            account_id=account.account_id if account else None,
            region=region,
            **kwargs,
        )

    @property
    def scope(self) -> str:
        """A label for messages: `securityhub:<account>:<region>`."""
        return f"securityhub:{self.account_id or 'default'}:{self.region or 'default'}"

    def iter_finding_pages(
        self,
        *,
        updated_since: datetime,
        updated_until: datetime,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield pages of findings whose `UpdatedAt` lies in `[updated_since, updated_until]`.

        The caller computes the window once per run; the request built from it is frozen for
        every page. Empty pages (after the local window filter) are not yielded. The iteration
        only ends normally once the service returns a page without `NextToken`.

        Raises:
            AccessDeniedError: the role may not read this account or region.
            SourceUnavailableError: throttling or transient errors outlasted the retry budget,
                or the service rejected the request or a page token. Nothing read so far may
                be treated as the complete set.
        """
        since, until = _as_utc(updated_since), _as_utc(updated_until)
        if since > until:
            raise ValueError("updated_since is after updated_until")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        frozen_request: dict[str, Any] = {
            "Filters": {"UpdatedAt": [{"Start": _iso(since), "End": _iso(until)}]},
            "SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "asc"}],
            "MaxResults": page_size,
        }
        self.stats = PullStats()
        next_token: str | None = None

        while True:
            request = copy.deepcopy(frozen_request)
            if next_token is not None:
                request["NextToken"] = next_token
            response = self._call_with_retries(request, page_number=self.stats.pages + 1)
            self.stats.pages += 1
            findings = response.get("Findings", [])
            self.stats.findings_received += len(findings)

            # NOTE: moto accepts Filters and SortCriteria but ignores them, and a stale or
            # hand-edited filter must not leak findings outside the run's window either, so the
            # UpdatedAt window is applied again here. On the real service this drops nothing.
            in_window = [f for f in findings if _in_window(f, since, until)]
            self.stats.findings_outside_window += len(findings) - len(in_window)
            self.stats.findings_yielded += len(in_window)
            if in_window:
                yield in_window

            next_token = response.get("NextToken") or None
            if next_token is None:
                logger.info(
                    "%s: pull complete, %d pages, %d findings in window (%d outside), %d retries",
                    self.scope,
                    self.stats.pages,
                    self.stats.findings_yielded,
                    self.stats.findings_outside_window,
                    self.stats.retries,
                )
                return

    def _call_with_retries(self, request: dict[str, Any], *, page_number: int) -> dict[str, Any]:
        attempt = 0
        while True:
            self.limiter.acquire()
            try:
                return self._client.get_findings(**request)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if code in ACCESS_DENIED_CODES or status == 403:
                    raise AccessDeniedError(
                        f"{self.scope}: GetFindings was refused ({code}): {_message(exc)}"
                    ) from exc
                if code == "InvalidInputException":
                    where = "the page token" if "NextToken" in request else "the request"
                    raise SourceUnavailableError(
                        f"{self.scope}: GetFindings rejected {where} on page {page_number} "
                        f"({code}: {_message(exc)}); the pull is incomplete and must not be "
                        "treated as the full set"
                    ) from exc
                retryable = (
                    code in THROTTLING_CODES
                    or code in TRANSIENT_CODES
                    or status == 429
                    or (status is not None and status >= 500)
                )
                if not retryable:
                    raise SourceUnavailableError(
                        f"{self.scope}: GetFindings failed on page {page_number} "
                        f"({code or status}: {_message(exc)})"
                    ) from exc
                reason = code or f"HTTP {status}"
                error: Exception = exc
            except BotoCoreError as exc:
                reason = type(exc).__name__
                error = exc

            if attempt >= self.max_retries:
                raise SourceUnavailableError(
                    f"{self.scope}: GetFindings still failing ({reason}) on page {page_number} "
                    f"after {attempt + 1} attempts; the pull is incomplete and must not be "
                    "treated as the full set"
                ) from error
            delay = backoff_delay(
                attempt, base=self._backoff_base, cap=self._backoff_cap, rng=self._rng
            )
            logger.warning(
                "%s: GetFindings page %d: %s, retry %d/%d in %.2fs",
                self.scope,
                page_number,
                reason,
                attempt + 1,
                self.max_retries,
                delay,
            )
            self._sleep(delay)
            self.stats.retries += 1
            self.stats.seconds_slept += delay
            attempt += 1


def _as_utc(value: datetime) -> datetime:
    """Return `value` in UTC at millisecond precision, the precision the filter is sent with."""
    if value.tzinfo is None:
        raise ValueError("window bounds must be timezone-aware datetimes")
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _in_window(finding: dict[str, Any], since: datetime, until: datetime) -> bool:
    raw = finding.get("UpdatedAt")
    if not isinstance(raw, str):
        # Kept, not dropped: the normaliser quarantines it with a reason.
        return True
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return True
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return since <= parsed <= until


def _message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)

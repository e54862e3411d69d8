"""AWS Config `GetResourceConfigHistory`: 7-day windows, empty pages, token guard (B02).

Config answers at most 7 days per call and may return pages that are empty yet carry a
`nextToken`, several in a row, before the real items arrive
(https://github.com/boto/boto3/issues/2619). The reader follows tokens across empty pages,
never indexes into a page, and stops with a warning when a token repeats or a window's
page budget is spent, so it can neither lose history nor spin forever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from triage.aws.securityhub import ACCESS_DENIED_CODES
from triage.errors import AccessDeniedError, SourceUnavailableError

logger = logging.getLogger(__name__)

MAX_WINDOW = timedelta(days=7)
PAGE_LIMIT = 100
# Resource types and ids Config has never recorded answer with these codes: no history.
NOT_RECORDED_CODES = frozenset({"ResourceNotDiscoveredException", "NoSuchResourceException"})
# Config is not recording in that account and region: its history is unknown, not empty.
CONFIG_OFF_CODES = frozenset({"NoAvailableConfigurationRecorderException"})


@dataclass
class HistoryStats:
    """What one history read did, for logs, metadata and tests."""

    calls: int = 0
    empty_pages: int = 0
    items: int = 0
    windows: int = 0
    stopped_early: int = 0


def history_windows(earlier: datetime, later: datetime) -> list[tuple[datetime, datetime]]:
    """Split [earlier, later] into consecutive windows of at most 7 days, oldest first."""
    windows: list[tuple[datetime, datetime]] = []
    start = earlier
    while start < later:
        end = min(start + MAX_WINDOW, later)
        windows.append((start, end))
        start = end
    return windows


class _NotRecorded(Exception):
    """Config does not know the resource (never recorded, or not a recorded type)."""


class ConfigHistoryClient:
    """Reads one resource's configuration history from AWS Config."""

    def __init__(self, client: Any, *, max_pages_per_window: int = 50) -> None:
        self._client = client
        self._max_pages = max_pages_per_window
        self.stats = HistoryStats()

    def iter_history(
        self, *, resource_type: str, resource_id: str, earlier: datetime, later: datetime
    ) -> Iterator[dict[str, Any]]:
        """Yield every configuration item of the resource captured in [earlier, later].

        Raises:
            AccessDeniedError: Config refused the call; the caller marks history unknown.
            SourceUnavailableError: Config failed after botocore's retries.
        """
        for start, end in history_windows(earlier, later):
            self.stats.windows += 1
            try:
                yield from self._window(resource_type, resource_id, start, end)
            except _NotRecorded:
                # Config has never recorded the resource: no other window has history.
                return

    def _window(
        self, resource_type: str, resource_id: str, start: datetime, end: datetime
    ) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "resourceType": resource_type,
            "resourceId": resource_id,
            "earlierTime": start,
            "laterTime": end,
            "chronologicalOrder": "Forward",
            "limit": PAGE_LIMIT,
        }
        seen_tokens: set[str] = set()
        token: str | None = None
        for _ in range(self._max_pages):
            page = self._call(request | ({"nextToken": token} if token else {}), resource_id)
            items = page.get("configurationItems") or []
            if not items:
                self.stats.empty_pages += 1
            self.stats.items += len(items)
            yield from items
            token = page.get("nextToken")
            if not token:
                return
            if token in seen_tokens:
                self.stats.stopped_early += 1
                logger.warning(
                    "config history token repeated; stopping resource_id=%s window_start=%s",
                    resource_id,
                    start.isoformat(),
                )
                return
            seen_tokens.add(token)
        self.stats.stopped_early += 1
        logger.warning(
            "config history page budget spent; stopping resource_id=%s pages=%d window_start=%s",
            resource_id,
            self._max_pages,
            start.isoformat(),
        )

    def _call(self, request: dict[str, Any], resource_id: str) -> dict[str, Any]:
        self.stats.calls += 1
        try:
            page: dict[str, Any] = self._client.get_resource_config_history(**request)
            return page
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in NOT_RECORDED_CODES:
                logger.info("config has no history resource_id=%s code=%s", resource_id, code)
                raise _NotRecorded from exc
            if code in ACCESS_DENIED_CODES or code in CONFIG_OFF_CODES:
                raise AccessDeniedError(
                    f"AWS Config refused GetResourceConfigHistory for {resource_id}: {code}; "
                    "grant config:GetResourceConfigHistory to the ingestion role and check "
                    "that a configuration recorder runs in this account and region"
                ) from exc
            raise SourceUnavailableError(
                f"GetResourceConfigHistory failed for {resource_id} after retries: {code}"
            ) from exc
        except BotoCoreError as exc:
            raise SourceUnavailableError(
                f"GetResourceConfigHistory failed for {resource_id}: {exc}"
            ) from exc

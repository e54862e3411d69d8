"""The alert detail store: one alert's context and the first page of its timeline."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import panel as pn
import param

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import CACHE_TTL_SECONDS
from dashboards.errors import DashboardError

logger = logging.getLogger(__name__)

TIMELINE_PAGE_SIZE = 20

# Answers are cached per API and per user token, never shared between signed-in users.
_CLIENT_HASH = {
    TriageApiClient: lambda client: f"{client.base_url} {client.access_token or ''}".encode()
}


@pn.cache(ttl=CACHE_TTL_SECONDS, max_items=128, hash_funcs=_CLIENT_HASH)
def load_alert_detail(client: TriageApiClient, alert_id: str) -> dict[str, Any]:
    """Fetch one alert with its resource context, cached per API, user token and alert."""
    return client.get_alert(alert_id)


@pn.cache(ttl=CACHE_TTL_SECONDS, max_items=128, hash_funcs=_CLIENT_HASH)
def load_alert_timeline(client: TriageApiClient, alert_id: str) -> dict[str, Any]:
    """Fetch the first page of one alert's timeline, cached like the detail."""
    return client.get_alert_timeline(alert_id, limit=TIMELINE_PAGE_SIZE)


def clear_detail_caches() -> None:
    """Forget cached details and timelines, so the next selection asks the API again."""
    load_alert_detail.clear()
    load_alert_timeline.clear()


class AlertDetailStore(param.Parameterized):
    """Holds the selected alert's detail and timeline for one session."""

    client = param.ClassSelector(class_=TriageApiClient, doc="Client used to reach the API.")
    alert_id = param.String(default="", doc="Id of the alert shown; empty shows no detail.")
    alert = param.Dict(default={}, doc="GET /alerts/{id} as the API returns it.")
    timeline = param.List(default=[], doc="First page of GET /alerts/{id}/timeline items.")
    has_more = param.Boolean(default=False, doc="Whether the timeline has a further page.")
    loading = param.Boolean(default=False, doc="True while the detail is being fetched.")
    error = param.String(default="", doc="A message for the user when the last load failed.")

    def __init__(self, **params: Any) -> None:
        params.setdefault("client", TriageApiClient())
        super().__init__(**params)
        self._lock = threading.Lock()
        self._generation = 0

    def select(self, alert_id: str) -> None:
        """Show one alert: fetch its detail and timeline together; empty id closes it."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        if not alert_id:
            self.param.update(alert_id="", alert={}, timeline=[], error="", loading=False)
            return
        self.param.update(alert_id=alert_id, loading=True, error="")
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                detail_future = pool.submit(load_alert_detail, self.client, alert_id)
                timeline_future = pool.submit(load_alert_timeline, self.client, alert_id)
                detail = detail_future.result()
                timeline = timeline_future.result()
        except DashboardError as exc:
            logger.warning("alert detail load failed base_url=%s", self.client.base_url)
            if generation == self._generation:
                self.param.update(alert={}, timeline=[], error=str(exc), loading=False)
            return
        if generation != self._generation:
            # The user picked another alert while this one loaded; that answer wins.
            return
        self.param.update(
            alert=detail,
            timeline=list(timeline["items"]),
            has_more=bool(timeline.get("next_cursor")),
            error="",
            loading=False,
        )

    def refresh(self) -> None:
        """Drop cached details and fetch the alert shown again, if any."""
        clear_detail_caches()
        if self.alert_id:
            self.select(self.alert_id)

    def close(self) -> None:
        """Hide the detail."""
        self.select("")

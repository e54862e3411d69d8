"""The alert detail store: one alert's context and the first page of its timeline."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import panel as pn
import param

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import CACHE_TTL_SECONDS, clear_caches
from dashboards.errors import ApiResponseError, DashboardError

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


@pn.cache(ttl=CACHE_TTL_SECONDS, max_items=128, hash_funcs=_CLIENT_HASH)
def load_alert_notes(client: TriageApiClient, alert_id: str) -> dict[str, Any]:
    """Fetch one alert's notes, cached like the detail."""
    return client.list_notes(alert_id)


def clear_detail_caches() -> None:
    """Forget cached details, timelines and notes, so the next selection asks the API again."""
    load_alert_detail.clear()
    load_alert_timeline.clear()
    load_alert_notes.clear()


def _reason(exc: DashboardError) -> str:
    """Why a change was refused, in the API's words when it gave them."""
    detail = getattr(exc, "detail", None)
    return f"Not changed: {detail}." if detail else str(exc)


class AlertDetailStore(param.Parameterized):
    """Holds the selected alert's detail and timeline for one session."""

    client = param.ClassSelector(class_=TriageApiClient, doc="Client used to reach the API.")
    alert_id = param.String(default="", doc="Id of the alert shown; empty shows no detail.")
    alert = param.Dict(default={}, doc="GET /alerts/{id} as the API returns it.")
    timeline = param.List(default=[], doc="First page of GET /alerts/{id}/timeline items.")
    notes = param.List(default=[], doc="GET /alerts/{id}/notes items, oldest first.")
    has_more = param.Boolean(default=False, doc="Whether the timeline has a further page.")
    loading = param.Boolean(default=False, doc="True while the detail is being fetched.")
    error = param.String(default="", doc="A message for the user when the last load failed.")
    # Workflow actions (status and assignee changes through PATCH /alerts/{id}).
    can_edit = param.Boolean(default=False, doc="Whether the signed-in user may change alerts.")
    username = param.String(default="", doc="The signed-in user, for 'assign to me'.")
    saving = param.Boolean(default=False, doc="True while a change is being sent.")
    action_message = param.String(default="", doc="What the last change did.")
    action_error = param.String(default="", doc="Why the last change was refused.")
    changes = param.Integer(default=0, doc="Counts the changes made here; the queue reloads.")
    # Echo suppression: the live update of a change made here arrives after the reload
    # this store already did; reloading again would spend the user's request budget.
    ECHO_SECONDS = 5.0

    def __init__(self, **params: Any) -> None:
        params.setdefault("client", TriageApiClient())
        super().__init__(**params)
        self._lock = threading.Lock()
        self._generation = 0
        self._changed_here: dict[str, float] = {}

    def is_echo(self, alert_id: str) -> bool:
        """Whether a live update for `alert_id` is most likely of a change made here."""
        made = self._changed_here.get(alert_id)
        return made is not None and time.monotonic() - made < self.ECHO_SECONDS

    def select(self, alert_id: str) -> None:
        """Show one alert: fetch its detail and timeline together; empty id closes it."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        if not alert_id:
            self.param.update(alert_id="", alert={}, timeline=[], notes=[], error="", loading=False)
            return
        self.param.update(alert_id=alert_id, loading=True, error="")
        if alert_id != self.alert.get("alert_id"):
            self.param.update(action_message="", action_error="")
        try:
            with ThreadPoolExecutor(max_workers=3) as pool:
                detail_future = pool.submit(load_alert_detail, self.client, alert_id)
                timeline_future = pool.submit(load_alert_timeline, self.client, alert_id)
                notes_future = pool.submit(load_alert_notes, self.client, alert_id)
                detail = detail_future.result()
                timeline = timeline_future.result()
                notes = notes_future.result()
        except DashboardError as exc:
            logger.warning("alert detail load failed base_url=%s", self.client.base_url)
            if generation == self._generation:
                self.param.update(alert={}, timeline=[], notes=[], error=str(exc), loading=False)
            return
        if generation != self._generation:
            # The user picked another alert while this one loaded; that answer wins.
            return
        self.param.update(
            alert=detail,
            timeline=list(timeline["items"]),
            notes=list(notes["items"]),
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

    def set_status(
        self, status: str, *, reason: str = "", suppress_days: int | None = None
    ) -> bool:
        """Move the alert shown to `status`; a suppression needs a reason and a duration."""
        changes: dict[str, Any] = {"status": status}
        if reason.strip():
            changes["reason"] = reason.strip()
        if status == "suppressed" and suppress_days:
            until = datetime.now(UTC) + timedelta(days=suppress_days)
            changes["suppressed_until"] = until.isoformat()
        return self._update(changes, f"Status is now **{status.replace('_', ' ')}**.")

    def assign(self, username: str | None) -> bool:
        """Assign the alert shown to `username`, or unassign it with None."""
        done = f"Assigned to **{username}**." if username else "Unassigned."
        return self._update({"assignee": username}, done)

    def add_note(self, markdown: str) -> bool:
        """Add a Markdown note to the alert shown; reload the detail after it."""
        if not self.alert_id or not markdown.strip():
            return False
        self.param.update(saving=True, action_message="", action_error="")
        try:
            self.client.add_note(self.alert_id, markdown)
        except DashboardError as exc:
            self.param.update(saving=False, action_error=_reason(exc))
            return False
        self._changed_here[self.alert_id] = time.monotonic()
        self.refresh()
        self.param.update(saving=False, action_message="Note added.", changes=self.changes + 1)
        return True

    def _update(self, changes: dict[str, Any], done: str) -> bool:
        """Send one change with the ETag read with the detail; reload the detail after it."""
        if not self.alert_id or not self.alert:
            return False
        self.param.update(saving=True, action_message="", action_error="")
        try:
            self.client.update_alert(self.alert_id, changes, self.alert.get("etag") or "")
        except DashboardError as exc:
            message = _reason(exc)
            if isinstance(exc, ApiResponseError) and exc.status_code == 412:
                message = (
                    "Someone changed this alert after you opened it; it is shown again as it "
                    "is now. Apply your change again if it still holds."
                )
                self.refresh()
            self.param.update(saving=False, action_error=message)
            return False
        # The queue and this detail are cached; both must show the change at once.
        self._changed_here[self.alert_id] = time.monotonic()
        clear_caches()
        self.refresh()
        self.param.update(saving=False, action_message=done, changes=self.changes + 1)
        return True

"""Filter state and the alert data store the triage views read from."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import panel as pn
import param

from dashboards.common.api_client import TriageApiClient
from dashboards.errors import DashboardError

logger = logging.getLogger(__name__)

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")
# ASFF Workflow.Status values; the API may report others, which are added from its summary.
WORKFLOW_STATUSES = ("NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED")
# Our own triage statuses (the API's `triage_status`), in the order work moves through them.
TRIAGE_STATUSES = (
    "new",
    "acknowledged",
    "investigating",
    "resolved",
    "suppressed",
    "false_positive",
)
PAGE_SIZES = (10, 25, 50, 100)
CACHE_TTL_SECONDS = 30

Query = tuple[tuple[str, str], ...]

# Answers are cached per API and per user token, never shared between signed-in users.
_CLIENT_HASH = {
    TriageApiClient: lambda client: f"{client.base_url} {client.access_token or ''}".encode()
}


@pn.cache(ttl=CACHE_TTL_SECONDS, max_items=256, hash_funcs=_CLIENT_HASH)
def load_alert_page(client: TriageApiClient, query: Query) -> dict[str, Any]:
    """Fetch one page of alerts, cached for a short while per API and query."""
    return client.list_alerts(_query_to_params(query))


@pn.cache(ttl=CACHE_TTL_SECONDS, max_items=256, hash_funcs=_CLIENT_HASH)
def load_alert_summary(client: TriageApiClient, query: Query) -> dict[str, Any]:
    """Fetch the alert summary for a query, cached for a short while per API and query."""
    return client.get_alert_summary(_query_to_params(query))


def clear_caches() -> None:
    """Forget every cached API answer, so the next load asks the API again."""
    load_alert_page.clear()
    load_alert_summary.clear()


def _query_to_params(query: Query) -> dict[str, list[str]]:
    """Turn the hashable query back into a mapping the client expands into repeated keys."""
    params: dict[str, list[str]] = {}
    for key, value in query:
        params.setdefault(key, []).append(value)
    return params


class AlertFilters(param.Parameterized):
    """The filters a user applies to the alert queue."""

    severities = param.ListSelector(
        default=[], objects=list(SEVERITIES), doc="Severity labels to show; empty shows all."
    )
    account = param.String(default="", doc="AWS account id to show; empty shows all accounts.")
    status = param.String(default="", doc="Workflow status to show; empty shows every status.")
    search = param.String(default="", doc="Free text matched by the API against title and ids.")
    triage_status = param.String(default="", doc="Triage status to show; empty shows every one.")
    assignee = param.String(
        default="", doc="`me`, `none` (unassigned) or a username; empty shows everyone's."
    )

    def to_query(self, *, include_severity: bool = True) -> Query:
        """Return the filters as sorted query pairs, in the API's parameter names."""
        pairs: list[tuple[str, str]] = []
        if include_severity:
            pairs.extend(("severity", label) for label in self.severities)
        if self.account:
            pairs.append(("account", self.account))
        if self.status:
            pairs.append(("status", self.status))
        if self.triage_status:
            pairs.append(("triage_status", self.triage_status))
        if self.assignee:
            pairs.append(("assignee", self.assignee))
        if self.search.strip():
            pairs.append(("q", self.search.strip()))
        return tuple(pairs)

    def reset(self) -> None:
        """Clear every filter at once (one reload, not one per filter)."""
        self.param.update(
            severities=[], account="", status="", search="", triage_status="", assignee=""
        )


# Every filter parameter; a change to any of them reloads the first page.
FILTER_NAMES = ("severities", "account", "status", "search", "triage_status", "assignee")


class AlertDataStore(param.Parameterized):
    """Holds the current page of alerts, the summary and the paging cursors for one session."""

    client = param.ClassSelector(class_=TriageApiClient, doc="Client used to reach the API.")
    filters = param.ClassSelector(class_=AlertFilters, doc="Filters applied to every request.")
    page_size = param.Selector(default=25, objects=list(PAGE_SIZES), doc="Alerts per page.")
    cursor = param.String(default=None, allow_None=True, doc="Cursor of the page shown.")
    cursor_stack = param.List(default=[], doc="Cursors of the pages before this one.")
    items = param.List(default=[], doc="Alerts on the current page, as the API returns them.")
    total = param.Integer(default=0, doc="Alerts matching the filters, across all pages.")
    next_cursor = param.String(default=None, allow_None=True, doc="Cursor of the next page.")
    summary = param.Dict(default={}, doc="Summary for every filter except severity (cards).")
    facets = param.Dict(default={}, doc="Unfiltered summary, which lists accounts and statuses.")
    loading = param.Boolean(default=False, doc="True while a request to the API is running.")
    loaded = param.Boolean(default=False, doc="True once a load has completed (or failed).")
    error = param.String(default="", doc="A message for the user when the last load failed.")
    grouped = param.Boolean(default=False, doc="Show groups of related alerts as one item.")
    group_details = param.Dict(default={}, doc="Members and why, per group id on the page.")

    def __init__(self, **params: Any) -> None:
        params.setdefault("client", TriageApiClient())
        params.setdefault("filters", AlertFilters())
        super().__init__(**params)
        self._lock = threading.Lock()
        self._generation = 0
        self.filters.param.watch(self._on_filters_changed, list(FILTER_NAMES))
        self.param.watch(self._on_filters_changed, ["page_size", "grouped"])

    @property
    def page_number(self) -> int:
        """One-based number of the page shown."""
        return len(self.cursor_stack) + 1

    @property
    def first_row(self) -> int:
        """One-based position of the first alert shown, or 0 when the page is empty."""
        return (self.page_number - 1) * self.page_size + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """One-based position of the last alert shown, or 0 when the page is empty."""
        return self.first_row + len(self.items) - 1 if self.items else 0

    @property
    def has_previous(self) -> bool:
        """Whether a page before this one exists."""
        return bool(self.cursor_stack)

    @property
    def has_next(self) -> bool:
        """Whether the API reported a page after this one."""
        return bool(self.next_cursor)

    def load(self) -> None:
        """Fetch the current page and the summaries; on failure keep a message in `error`."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.loading = True
        query = self.filters.to_query()
        page_query = (*query, ("limit", str(self.page_size)))
        if self.grouped:
            page_query = (*page_query, ("view", "grouped"))
        if self.cursor:
            page_query = (*page_query, ("cursor", self.cursor))
        summary_query = self.filters.to_query(include_severity=False)
        try:
            # The three requests are independent; running them together keeps the wait to one.
            with ThreadPoolExecutor(max_workers=3) as pool:
                page_future = pool.submit(load_alert_page, self.client, page_query)
                summary_future = pool.submit(load_alert_summary, self.client, summary_query)
                facets_future = pool.submit(load_alert_summary, self.client, ())
                page = page_future.result()
                summary = summary_future.result()
                facets = facets_future.result()
                group_ids = [i["id"] for i in page["items"] if i.get("kind") == "group"]
                details = dict(
                    zip(group_ids, pool.map(self.client.get_alert_group, group_ids), strict=True)
                )
        except DashboardError as exc:
            logger.warning("alert load failed base_url=%s error=%s", self.client.base_url, exc)
            if generation == self._generation:
                self.param.update(
                    items=[],
                    total=0,
                    next_cursor=None,
                    summary={},
                    error=str(exc),
                    loading=False,
                    loaded=True,
                )
            return
        if generation != self._generation:
            # A newer load started while this one waited on the API; its answer wins.
            return
        logger.debug("alerts loaded count=%s total=%s", len(page["items"]), page["total"])
        if details != self.group_details:
            # Set before the items, so the grouped table renders once with its members.
            self.group_details = details
        self.param.update(
            items=list(page["items"]),
            total=int(page["total"]),
            next_cursor=page.get("next_cursor") or None,
            summary=summary,
            facets=facets,
            error="",
            loading=False,
            loaded=True,
        )

    def refresh(self) -> None:
        """Drop cached answers and reload the page shown."""
        clear_caches()
        self.load()

    def next_page(self) -> None:
        """Move to the next page, remembering this page's cursor so the user can come back."""
        if not self.next_cursor:
            return
        self.param.update(cursor_stack=[*self.cursor_stack, self.cursor], cursor=self.next_cursor)
        self.load()

    def previous_page(self) -> None:
        """Move back one page using the stack of cursors (the API pages forward only)."""
        if not self.cursor_stack:
            return
        *rest, previous = self.cursor_stack
        self.param.update(cursor_stack=rest, cursor=previous)
        self.load()

    def _on_filters_changed(self, *_events: param.parameterized.Event) -> None:
        """Return to the first page whenever the filters or the page size change."""
        self.param.update(cursor=None, cursor_stack=[])
        self.load()

"""Panel views of the triage queue: severity cards, filters and the paged alert list."""

from __future__ import annotations

from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboards.common.data_store import (
    SEVERITIES,
    TRIAGE_STATUSES,
    WORKFLOW_STATUSES,
    AlertDataStore,
)
from dashboards.triage import groups, markup

ALL_ACCOUNTS = "All accounts"
ALL_STATUSES = "All statuses"
TRIAGE_OPTIONS = {"Any": "", **{s.replace("_", " ").capitalize(): s for s in TRIAGE_STATUSES}}
ASSIGNEE_OPTIONS = {"Anyone": "", "Me": "me", "Unassigned": "none"}


class SeverityCardsView(Viewer):
    """Counts of alerts by severity as coloured cards, for every filter but severity."""

    store = param.ClassSelector(class_=AlertDataStore, doc="Data store the cards read from.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.cards = pn.pane.HTML(
            pn.bind(
                markup.severity_cards,
                self.store.param.summary,
                self.store.filters.param.severities,
            ),
            stylesheets=[markup.STYLESHEET],
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the row of cards."""
        return self.cards


def _account_options(facets: dict[str, Any], current: str) -> dict[str, str]:
    """Return the account choices: every account the API knows, plus the one selected."""
    accounts = sorted({str(a) for a in facets.get("accounts") or []} | ({current} - {""}))
    return {ALL_ACCOUNTS: "", **{account: account for account in accounts}}


def _status_options(facets: dict[str, Any], current: str) -> dict[str, str]:
    """Return the status choices: the ASFF statuses, any others the API reports, the current."""
    reported = set((facets.get("by_status") or {}).keys())
    extra = sorted(reported - set(WORKFLOW_STATUSES) - {""} | ({current} - {""}))
    statuses = [*WORKFLOW_STATUSES, *extra]
    return {ALL_STATUSES: "", **{status.title(): status for status in statuses}}


class AlertFiltersView(Viewer):
    """Widgets that edit the store's filters: severity, account, statuses, assignee, text."""

    store = param.ClassSelector(class_=AlertDataStore, doc="Data store whose filters are edited.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        filters = self.store.filters
        self.severity = pn.widgets.MultiChoice.from_param(
            filters.param.severities,
            label="Severity",
            options=list(SEVERITIES),
            placeholder="All severities",
            width=180,
        )
        self.account = pn.widgets.Select(
            label="Account",
            options=pn.bind(_account_options, self.store.param.facets, filters.param.account),
            value=filters.account,
            width=140,
        )
        self.status = pn.widgets.Select(
            label="Security Hub status",
            options=pn.bind(_status_options, self.store.param.facets, filters.param.status),
            value=filters.status,
            width=140,
        )
        self.triage_status = pn.widgets.Select(
            label="Triage status",
            options=TRIAGE_OPTIONS,
            value=filters.triage_status,
            width=130,
        )
        self.assignee = pn.widgets.Select(
            label="Assigned to",
            options=ASSIGNEE_OPTIONS,
            value=filters.assignee if filters.assignee in ASSIGNEE_OPTIONS.values() else "",
            width=110,
        )
        self.search = pn.widgets.TextInput(
            label="Search",
            placeholder="Title, resource or alert id",
            value=filters.search,
            width=170,
        )
        self.clear = pn.widgets.Button(label="Clear filters", color="light", align="end")
        self.account.link(filters, value="account")
        for name in ("status", "triage_status", "assignee", "search"):
            getattr(self, name).link(filters, value=name)
        filters.param.watch(
            self._sync_widgets, ["account", "status", "triage_status", "assignee", "search"]
        )
        self.clear.on_click(lambda _event: filters.reset())

    def _sync_widgets(self, *events: param.parameterized.Event) -> None:
        """Show filter changes made elsewhere (such as Clear filters) in the widgets.

        Param batches the changes of one `param.update` into one call with several events.
        """
        for event in events:
            widget = getattr(self, event.name)
            if widget.value != event.new:
                widget.value = event.new

    def controls(self) -> list[pn.viewable.Viewable]:
        """Return the filter widgets, for a toolbar that holds other controls too."""
        return [
            self.severity,
            self.account,
            self.status,
            self.triage_status,
            self.assignee,
            self.search,
            self.clear,
        ]

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the filter bar; it wraps onto a second line on narrow screens."""
        return toolbar(*self.controls())


def toolbar(*items: pn.viewable.Viewable) -> pn.FlexBox:
    """Lay controls out in one line that wraps when the page is too narrow for it."""
    return pn.FlexBox(
        *items,
        flex_wrap="wrap",
        align_items="flex-end",
        sizing_mode="stretch_width",
        margin=(0, 0),
    )


class AlertQueueView(Viewer):
    """The paged alert list, with its loading, empty and error states."""

    store = param.ClassSelector(class_=AlertDataStore, doc="Data store the list reads from.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        store = self.store
        self.error = pn.pane.Alert(
            pn.bind(self._error_text, store.param.error),
            alert_type="danger",
            visible=store.param.error.rx.bool(),
            sizing_mode="stretch_width",
        )
        self.table = pn.pane.HTML(
            pn.bind(
                self._table_html,
                store.param.items,
                store.param.error,
                store.param.loaded,
                store.param.group_details,
            ),
            stylesheets=[markup.STYLESHEET, groups.GROUP_STYLESHEET],
            sizing_mode="stretch_width",
        )
        self.spinner = pn.indicators.LoadingSpinner(
            value=store.param.loading,
            visible=store.param.loading,
            size=22,
            label="Loading alerts…",
            align="center",
        )
        self.previous = pn.widgets.Button(label="◀ Previous", disabled=True, width=110)
        self.next = pn.widgets.Button(label="Next ▶", disabled=True, width=110)
        self.previous.on_click(lambda _event: store.previous_page())
        self.next.on_click(lambda _event: store.next_page())
        self.page_size = pn.widgets.Select.from_param(
            store.param.page_size, label="", width=90, align="center"
        )
        self.range_text = pn.pane.Markdown("", margin=(0, 10), align="center")
        store.param.watch(
            self._update_paging, ["items", "total", "next_cursor", "cursor_stack", "loading"]
        )
        self._update_paging()

    @staticmethod
    def _error_text(error: str) -> str:
        """Return the user-facing error message."""
        return f"**Could not load alerts.** {error}" if error else ""

    @staticmethod
    def _table_html(
        items: list[dict[str, Any]],
        error: str,
        loaded: bool,
        details: dict[str, Any] | None = None,
    ) -> str:
        """Return the table, the empty state, or nothing while the first load runs."""
        if error or not loaded:
            return ""
        if any("kind" in item for item in items):
            return groups.grouped_table(items, details or {})
        return markup.alert_table(items)

    def _update_paging(self, *_events: param.parameterized.Event) -> None:
        """Refresh the paging buttons and the 'showing x–y of n' text."""
        store = self.store
        self.previous.disabled = store.loading or not store.has_previous
        self.next.disabled = store.loading or not store.has_next
        if store.items:
            self.range_text.object = (
                f"Showing **{store.first_row:,}–{store.last_row:,}** of **{store.total:,}**"
            )
        elif store.loading and not store.loaded:
            self.range_text.object = ""
        else:
            self.range_text.object = f"Showing 0 of {store.total:,}"

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the list with its paging bar."""
        paging = pn.Row(
            self.previous,
            self.next,
            self.range_text,
            self.spinner,
            pn.layout.HSpacer(),
            pn.pane.Markdown("Per page", align="center", margin=(0, 4)),
            self.page_size,
            sizing_mode="stretch_width",
        )
        return pn.Column(self.error, paging, self.table, sizing_mode="stretch_width")

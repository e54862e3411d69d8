"""The triage queue page: a header, severity cards, filters and the alert list."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import AlertDataStore
from dashboards.common.detail_store import AlertDetailStore
from dashboards.common.live import LiveUpdates
from dashboards.errors import DashboardError
from dashboards.triage.detail import ROW_CURSOR_STYLESHEET, AlertDetailView
from dashboards.triage.login import LoginView
from dashboards.triage.views import (
    AlertFiltersView,
    AlertQueueView,
    SeverityCardsView,
    toolbar,
)

logger = logging.getLogger(__name__)

TITLE = "Security Hub triage"
# The roles the API lets change an alert's status and assignee.
EDITING_ROLES = {"engineer", "admin"}

_HEADER_CSS = """
:host { width: 100%; }
.header { display: flex; align-items: baseline; gap: 16px; padding: 14px 20px;
  background: #0f172a; color: #f8fafc; border-radius: 8px; }
.header h1 { font-size: 22px; margin: 0; font-weight: 650; }
.header .api { margin-left: auto; font-size: 12px; color: #cbd5e1; }
"""


class TriageApp(Viewer):
    """The alert queue page, assembled from the views over one data store."""

    store = param.ClassSelector(class_=AlertDataStore, doc="Data store shared by every view.")
    detail_store = param.ClassSelector(
        class_=AlertDetailStore, doc="Store of the alert picked in the list (same API client)."
    )
    signed_in = param.Boolean(default=True, doc="Whether the queue is shown (else the sign-in).")

    def __init__(self, **params: Any) -> None:
        params.setdefault("store", AlertDataStore())
        super().__init__(**params)
        if self.detail_store is None:
            # The same client, so the detail is read with the signed-in user's token.
            self.detail_store = AlertDetailStore(client=self.store.client)
        self.cards = SeverityCardsView(store=self.store)
        self.filters = AlertFiltersView(store=self.store)
        self.queue = AlertQueueView(store=self.store)
        self.queue.table.stylesheets = [*self.queue.table.stylesheets, ROW_CURSOR_STYLESHEET]
        self.detail = AlertDetailView(store=self.detail_store)
        # A change made in the detail panel shows in the list at once (live updates also
        # bring it, but only when Redis is there).
        self.detail_store.param.watch(lambda _event: self.store.refresh(), ["changes"])
        self.refresh = pn.widgets.Button(label="↻ Refresh", color="primary", align="end")
        self.refresh.on_click(lambda _event: self._refresh())
        self.grouped = pn.widgets.Toggle.from_param(
            self.store.param.grouped, name="Group related alerts", align="end", width=150
        )
        self.login = LoginView(client=self.store.client, on_signed_in=self._after_sign_in)
        self.live: LiveUpdates | None = None
        # The session's document, captured while it is current (callbacks run in threads).
        self._doc = pn.state.curdoc

    def _after_sign_in(self) -> None:
        """Show the queue, load it and follow live updates with the user's token."""
        self.signed_in = True
        try:
            me = self.store.client.get_me()
        except DashboardError:
            logger.warning("could not read the signed-in user; alert actions stay off")
        else:
            self.detail_store.param.update(
                username=me.get("username", ""),
                can_edit=me.get("role") in EDITING_ROLES,
            )
        self.store.load()
        doc = self._doc

        def changed(message: dict[str, Any]) -> None:
            # The socket thread hands the reload to the session's own event loop; the
            # detail reloads too when it shows the alert that changed. A change made from
            # this page has already reloaded both.
            if self.detail_store.is_echo(str(message.get("alert_id"))):
                return
            reloads = [self.store.refresh]
            if message.get("alert_id") == self.detail_store.alert_id:
                reloads.append(self.detail_store.refresh)
            for reload in reloads:
                if doc is not None and doc.session_context is not None:
                    doc.add_next_tick_callback(reload)
                else:
                    reload()

        # A callable, so a reconnect uses the access token renewed since.
        self.live = LiveUpdates(self.store.client.live_url, changed).start()
        if doc is not None and doc.session_context is not None:
            doc.on_session_destroyed(lambda _context: self.live and self.live.stop())

    def _refresh(self) -> None:
        """Reload the list and the alert shown in the detail panel."""
        self.store.refresh()
        self.detail_store.refresh()

    def header(self) -> pn.viewable.Viewable:
        """Return the page header with the title and the API being read."""
        api = self.store.client.base_url
        return pn.pane.HTML(
            f'<div class="header"><h1>{TITLE} · Alert queue</h1>'
            f'<span class="api">API {escape(api)}</span></div>',
            stylesheets=[_HEADER_CSS],
            sizing_mode="stretch_width",
            margin=(10, 10, 0, 10),
        )

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the whole page: the sign-in form until the user signs in, then the queue."""
        queue = pn.Column(
            pn.Column(self.cards, margin=(10, 10)),
            pn.Column(
                toolbar(*self.filters.controls(), self.grouped, self.refresh),
                margin=(0, 10),
                sizing_mode="stretch_width",
            ),
            pn.Row(
                pn.Column(self.queue, sizing_mode="stretch_width"),
                self.detail,
                margin=(0, 10),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
            visible=self.param.signed_in,
        )
        login = pn.Column(self.login, visible=self.param.signed_in.rx.not_())
        return pn.Column(self.header(), login, queue, sizing_mode="stretch_width", max_width=1400)


def create_app(api_url: str | None = None, *, require_login: bool | None = None) -> TriageApp:
    """Build one session's page; a served page asks the user to sign in first.

    Args:
        api_url: Base URL of the API; defaults to `triage.settings.get_settings().api_url`.
        require_login: Show the sign-in form first; by default only inside a Panel server.
    """
    store = AlertDataStore(client=TriageApiClient(api_url))
    needs_login = pn.state.served if require_login is None else require_login
    app = TriageApp(store=store, signed_in=not needs_login)
    if not needs_login:
        # Load after the page is on screen so the user sees the loading state.
        pn.state.onload(store.load)
    return app


if pn.state.served:
    # `panel serve dashboards/triage/app.py` runs this module as a script per session.
    create_app().servable(title=TITLE)

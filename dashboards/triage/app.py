"""The triage queue page: a header, severity cards, filters and the alert list."""

from __future__ import annotations

from html import escape
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboards.common.api_client import TriageApiClient
from dashboards.common.data_store import AlertDataStore
from dashboards.triage.views import AlertFiltersView, AlertQueueView, SeverityCardsView

TITLE = "Security Hub triage"

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

    def __init__(self, **params: Any) -> None:
        params.setdefault("store", AlertDataStore())
        super().__init__(**params)
        self.cards = SeverityCardsView(store=self.store)
        self.filters = AlertFiltersView(store=self.store)
        self.queue = AlertQueueView(store=self.store)
        self.refresh = pn.widgets.Button(label="↻ Refresh", color="primary", align="end")
        self.refresh.on_click(lambda _event: self.store.refresh())
        self.grouped = pn.widgets.Toggle.from_param(
            self.store.param.grouped, name="Group related alerts", align="end", width=170
        )

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
        """Return the whole page."""
        return pn.Column(
            self.header(),
            pn.Column(self.cards, margin=(10, 10)),
            pn.Row(self.filters, self.grouped, self.refresh, margin=(0, 10)),
            pn.Column(self.queue, margin=(0, 10)),
            sizing_mode="stretch_width",
            max_width=1400,
        )


def create_app(api_url: str | None = None) -> TriageApp:
    """Build one session's page and schedule its first load once the browser is connected.

    Args:
        api_url: Base URL of the API; defaults to `triage.settings.get_settings().api_url`.
    """
    store = AlertDataStore(client=TriageApiClient(api_url))
    app = TriageApp(store=store)
    # Load after the page is on screen so the user sees the loading state, not a blank tab.
    pn.state.onload(store.load)
    return app


if pn.state.served:
    # `panel serve dashboards/triage/app.py` runs this module as a script per session.
    create_app().servable(title=TITLE)

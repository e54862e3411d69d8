"""The alert detail side panel, and the bridge that turns a click on a row into a selection."""

from __future__ import annotations

from typing import Any

import panel as pn
import param
from panel.custom import JSComponent
from panel.viewable import Viewer

from dashboards.common.detail_store import AlertDetailStore
from dashboards.triage import detail_markup, markup

DETAIL_WIDTH = 440

ROW_CURSOR_STYLESHEET = "tr.alert-row, tr.member-row { cursor: pointer; }"


class RowClickBridge(JSComponent):
    """Reports the id of the alert row (or group member row) the user clicked.

    The queue's table is plain HTML, so one listener on the page watches clicks and, when
    one lands inside a row carrying `data-alert-id`, sets `selected` to that id.
    """

    selected = param.String(default="", doc="Id of the alert row clicked last; empty: none.")

    _esm = """
    export function render({ model }) {
      const pick = (event) => {
        for (const node of event.composedPath()) {
          const list = node.classList
          if (list && (list.contains('alert-row') || list.contains('member-row'))) {
            model.selected = node.dataset.alertId || ''
            return
          }
        }
      }
      document.addEventListener('click', pick)
      model.on('remove', () => document.removeEventListener('click', pick))
      return document.createElement('span')
    }
    """


class AlertDetailView(Viewer):
    """The selected alert's context, impact, last change and timeline, beside the list."""

    store = param.ClassSelector(class_=AlertDetailStore, doc="Detail store the panel reads.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        store = self.store
        self.bridge = RowClickBridge(width=0, height=0, margin=0)
        self.bridge.param.watch(lambda event: store.select(event.new), ["selected"])
        store.param.watch(self._sync_bridge, ["alert_id"])
        self.close = pn.widgets.Button(
            label="✕ Close", width=90, align="end", css_classes=["detail-close"]
        )
        self.close.on_click(lambda _event: store.close())
        self.spinner = pn.indicators.LoadingSpinner(
            value=store.param.loading, visible=store.param.loading, size=20, align="center"
        )
        self.error = pn.pane.Alert(
            pn.bind(self._error_text, store.param.error),
            alert_type="danger",
            visible=store.param.error.rx.bool(),
            sizing_mode="stretch_width",
        )
        self.body = pn.pane.HTML(
            pn.bind(
                detail_markup.alert_detail,
                store.param.alert,
                store.param.timeline,
                store.param.has_more,
            ),
            stylesheets=[markup.STYLESHEET, detail_markup.DETAIL_STYLESHEET],
            sizing_mode="stretch_width",
        )

    @staticmethod
    def _error_text(error: str) -> str:
        """Return the user-facing error message."""
        return f"**Could not load this alert.** {error}" if error else ""

    def _sync_bridge(self, event: param.parameterized.Event) -> None:
        """Forget the clicked row once the panel closes, so the same row opens it again."""
        if self.bridge.selected != event.new:
            self.bridge.selected = event.new

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the side panel (hidden until an alert is picked) and the click bridge."""
        heading = pn.Row(
            pn.pane.Markdown("#### Alert detail", margin=(0, 4)),
            self.spinner,
            pn.layout.HSpacer(),
            self.close,
            sizing_mode="stretch_width",
        )
        panel = pn.Column(
            heading,
            self.error,
            self.body,
            width=DETAIL_WIDTH,
            visible=self.store.param.alert_id.rx.bool(),
            css_classes=["alert-detail"],
        )
        return pn.Row(self.bridge, panel, margin=0)

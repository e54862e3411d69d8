"""The alert detail side panel, and the bridge that turns a click on a row into a selection."""

from __future__ import annotations

from html import escape
from typing import Any

import panel as pn
import param
from panel.custom import JSComponent
from panel.viewable import Viewer

from dashboards.common.detail_store import AlertDetailStore
from dashboards.triage import detail_markup, markup
from triage.workflow.states import AlertStatus, allowed_from

DETAIL_WIDTH = 440

ROW_CURSOR_STYLESHEET = "tr.alert-row, tr.member-row { cursor: pointer; }"
SUPPRESS_FOR = {"1 day": 1, "7 days": 7, "30 days": 30, "90 days": 90}
# Statuses whose change asks for a reason (required to suppress, kept in the history).
NEEDS_REASON = {AlertStatus.SUPPRESSED.value, AlertStatus.FALSE_POSITIVE.value}


def _label(status: str) -> str:
    return status.replace("_", " ").capitalize()


# The button that moves an alert into each status.
MOVE_LABELS = {
    AlertStatus.NEW.value: "Reopen",
    AlertStatus.ACKNOWLEDGED.value: "Acknowledge",
    AlertStatus.INVESTIGATING.value: "Investigate",
    AlertStatus.RESOLVED.value: "Resolve",
    AlertStatus.SUPPRESSED.value: "Suppress",
    AlertStatus.FALSE_POSITIVE.value: "False positive",
}


class AlertActionsView(Viewer):
    """The alert's triage status and assignee, and the controls that change them.

    One button per allowed move, so a click carries its target status itself: a choice in
    a separate select could reach the server after the click that should use it.
    """

    store = param.ClassSelector(class_=AlertDetailStore, doc="Detail store the actions use.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        store = self.store
        self.state = pn.pane.Markdown("", margin=(0, 4), css_classes=["triage-state"])
        self.moves: dict[str, pn.widgets.Button] = {}
        for status in AlertStatus:
            button = pn.widgets.Button(
                label=MOVE_LABELS[status.value],
                visible=False,
                css_classes=["action-move", f"move-{status.value}"],
                margin=(4, 4),
            )
            button.on_click(lambda _event, target=status.value: self._move(target))
            self.moves[status.value] = button
        self.reason = pn.widgets.TextInput(
            label="Reason (to suppress or mark false positive)",
            placeholder="Why",
            width=250,
            visible=False,
            css_classes=["action-reason"],
        )
        self.suppress_for = pn.widgets.Select(
            label="Suppress for", options=SUPPRESS_FOR, value=7, width=110, visible=False
        )
        self.assign_me = pn.widgets.Button(
            label="Assign to me", css_classes=["action-assign-me"], margin=(4, 4)
        )
        self.unassign = pn.widgets.Button(label="Unassign", margin=(4, 4))
        self.message = pn.pane.Alert(
            "", alert_type="success", visible=False, css_classes=["action-message"]
        )
        self.assign_me.on_click(lambda _event: store.assign(store.username))
        self.unassign.on_click(lambda _event: store.assign(None))
        store.param.watch(self._sync, ["alert", "can_edit", "username", "saving"])
        store.param.watch(self._show_message, ["action_message", "action_error"])
        self._sync()

    def _move(self, status: str) -> None:
        days = self.suppress_for.value if status == AlertStatus.SUPPRESSED.value else None
        reason = ""
        if status in NEEDS_REASON:
            reason = (self.reason.value_input or self.reason.value or "").strip()
        if status == AlertStatus.SUPPRESSED.value and not reason:
            # Checked here too, so the user is told before anything is sent.
            self.store.param.update(
                action_message="",
                action_error="Suppressing needs a reason: write it in the Reason box first.",
            )
            return
        if self.store.set_status(status, reason=reason, suppress_days=days):
            self.reason.param.update(value="", value_input="")

    def _sync(self, *_events: param.parameterized.Event) -> None:
        """Show the alert's state and offer the moves allowed from it."""
        store = self.store
        alert = store.alert or {}
        current = alert.get("triage_status") or AlertStatus.NEW.value
        assignee = alert.get("assignee")
        self.state.object = (
            f"Triage status **{_label(current)}** · "
            + (f"assigned to **{assignee}**" if assignee else "unassigned")
            if alert
            else ""
        )
        try:
            allowed = set(allowed_from(AlertStatus(current)))
        except ValueError:
            allowed = set()
        busy = store.saving or not store.can_edit
        for status, button in self.moves.items():
            button.param.update(visible=status in allowed, disabled=busy)
        self.reason.param.update(visible=bool(allowed & NEEDS_REASON), disabled=busy)
        self.suppress_for.param.update(
            visible=AlertStatus.SUPPRESSED.value in allowed, disabled=busy
        )
        self.assign_me.disabled = busy or not store.username or assignee == store.username
        self.unassign.disabled = busy or not assignee

    def _show_message(self, *_events: param.parameterized.Event) -> None:
        error, done = self.store.action_error, self.store.action_message
        self.message.param.update(
            object=error or done,
            alert_type="danger" if error else "success",
            visible=bool(error or done),
        )

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the state line, the controls (engineers and admins) and the outcome."""
        moves = pn.FlexBox(*self.moves.values(), flex_wrap="wrap", margin=0)
        controls = pn.Column(
            moves,
            pn.Row(self.reason, self.suppress_for, margin=0),
            pn.Row(self.assign_me, self.unassign, margin=0),
            visible=self.store.param.can_edit,
            margin=0,
        )
        return pn.Column(
            self.state, controls, self.message, sizing_mode="stretch_width", margin=(0, 0, 6, 0)
        )


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


NOTES_STYLESHEET = """
.notes { font-size: 13px; overflow-wrap: anywhere; }
.notes h3 { font-size: 12px; margin: 4px 0; color: #374151; letter-spacing: 0.06em;
  text-transform: uppercase; }
.notes .note { border-left: 3px solid #cbd5e1; padding: 2px 8px; margin: 6px 0; }
.notes .note .meta { color: #6b7280; font-size: 11px; }
.notes .note .body p { margin: 2px 0; }
.notes .muted { color: #6b7280; }
"""


def notes_html(notes: list[dict[str, Any]]) -> str:
    """The alert's notes, oldest first; each note's HTML was sanitised by the API."""
    if not notes:
        items = '<p class="muted">No notes yet.</p>'
    else:
        items = "".join(
            f'<div class="note" data-note-id="{escape(str(note.get("note_id", "")))}">'
            f'<div class="meta">{escape(str(note.get("author", "")))} · '
            f"{escape(markup.format_timestamp(note.get('updated_at')))}"
            + (f" · edited (v{int(note['version'])})" if int(note.get("version") or 1) > 1 else "")
            + f'</div><div class="body">{note.get("html", "")}</div></div>'
            for note in notes
        )
    return f'<div class="notes"><h3>Notes</h3>{items}</div>'


class AlertNotesView(Viewer):
    """The alert's notes, and for engineers and admins a box to add one in Markdown."""

    store = param.ClassSelector(class_=AlertDetailStore, doc="Detail store the notes use.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        store = self.store
        self.list = pn.pane.HTML(
            pn.bind(notes_html, store.param.notes),
            stylesheets=[NOTES_STYLESHEET],
            sizing_mode="stretch_width",
            css_classes=["alert-notes"],
        )
        self.text = pn.widgets.TextAreaInput(
            placeholder="Add a note (Markdown)",
            rows=3,
            sizing_mode="stretch_width",
            css_classes=["note-text"],
        )
        self.add = pn.widgets.Button(label="Add note", css_classes=["note-add"])
        self.add.on_click(lambda _event: self._add())
        store.param.watch(self._sync, ["saving", "can_edit", "alert_id"])
        self._sync()

    def _add(self) -> None:
        text = self.text.value_input or self.text.value or ""
        if self.store.add_note(text):
            self.text.param.update(value="", value_input="")

    def _sync(self, *_events: param.parameterized.Event) -> None:
        self.add.disabled = self.store.saving or not self.store.can_edit

    def __panel__(self) -> pn.viewable.Viewable:
        """Return the notes and, for those who may write them, the box to add one."""
        editor = pn.Column(self.text, self.add, visible=self.store.param.can_edit, margin=0)
        return pn.Column(self.list, editor, sizing_mode="stretch_width", margin=(6, 0))


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
        self.actions = AlertActionsView(store=store)
        self.notes = AlertNotesView(store=store)
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
            self.actions,
            self.body,
            self.notes,
            width=DETAIL_WIDTH,
            visible=self.store.param.alert_id.rx.bool(),
            css_classes=["alert-detail"],
        )
        return pn.Row(self.bridge, panel, margin=0)

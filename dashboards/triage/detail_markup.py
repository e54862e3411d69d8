"""HTML of the alert detail panel: the alert, its resource context, last change and timeline."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from dashboards.triage.markup import format_timestamp, severity_badge

DETAIL_STYLESHEET = """
.detail { font-size: 13px; color: #111827; border: 1px solid #e5e7eb; border-radius: 8px;
  padding: 12px 14px; background: #fff; overflow-wrap: anywhere; }
.detail h2 { font-size: 16px; margin: 6px 0 4px; }
.detail h3 { font-size: 12px; margin: 14px 0 4px; color: #374151; letter-spacing: 0.06em;
  text-transform: uppercase; }
.detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.detail dt { color: #6b7280; }
.detail dd { margin: 0; }
.detail .muted { color: #6b7280; }
.detail ul.changes, .detail ol.timeline { margin: 4px 0 0; padding-left: 18px; }
.detail .diff code { background: #f1f5f9; padding: 0 3px; border-radius: 3px; }
.detail ol.timeline li { margin-bottom: 6px; }
.detail .when { font-family: monospace; font-size: 12px; color: #374151; }
.detail .kind { display: inline-block; padding: 0 5px; border-radius: 3px; font-size: 11px;
  background: #e0f2fe; color: #075985; }
"""

IMPACT_PARTS = (
    ("severity", "severity"),
    ("data_sensitivity", "data sensitivity"),
    ("exposure", "exposure"),
    ("environment", "environment"),
)


def _text(value: object) -> str:
    """Escape one value; missing values show as a dash."""
    if value is None or value == "":
        return "–"
    return escape(str(value))


def _value(value: object) -> str:
    """Escape a before/after attribute value, writing structures as compact JSON."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return escape(value)
    return escape(json.dumps(value, sort_keys=True, default=str))


def _pairs(rows: Sequence[tuple[str, str]]) -> str:
    """A definition list of already escaped (label, value) pairs."""
    body = "".join(f"<dt>{escape(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f"<dl>{body}</dl>"


def _overview(alert: Mapping[str, Any]) -> str:
    resource = f"{_text(alert.get('resource_type'))} {_text(alert.get('resource_id'))}"
    return (
        f"{severity_badge(alert.get('severity_label'))}"
        f'<h2 class="detail-title">{_text(alert.get("title"))}</h2>'
        + _pairs(
            [
                ("Account", _text(alert.get("aws_account_id"))),
                ("Region", _text(alert.get("region"))),
                ("Resource", resource),
            ]
        )
    )


def _context(context: Mapping[str, Any] | None) -> str:
    if not context:
        return '<h3>Resource context</h3><div class="muted">No resource context known.</div>'
    unknown = ", ".join(context.get("unknown_facts") or [])
    rows = [
        ("Owner", f'<span class="detail-owner">{_text(context.get("owner"))}</span>'),
        ("Team", _text(context.get("team"))),
        ("Environment", _text(context.get("environment"))),
        ("Classification", _text(context.get("classification"))),
        ("Exposure", _text(context.get("exposure_level"))),
    ]
    if unknown:
        rows.append(("Not known", escape(unknown)))
    return f"<h3>Resource context</h3>{_pairs(rows)}"


def _impact(impact: Mapping[str, Any] | None) -> str:
    if not impact:
        return ""
    parts = impact.get("parts") or {}
    shown = " + ".join(f"{escape(label)} {_text(parts.get(key))}" for key, label in IMPACT_PARTS)
    return (
        f'<h3>Impact</h3><div><strong class="detail-impact">{_text(impact.get("score"))}</strong>'
        f' <span class="muted">/ 100 = {shown}</span></div>'
    )


def _field_changes(attribute: Mapping[str, Any]) -> list[tuple[object, object, object]]:
    """One (name, before, after) per changed field; two objects are compared key by key."""
    name, before, after = (
        attribute.get("attribute"),
        attribute.get("before"),
        attribute.get("after"),
    )
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        keys = sorted(set(before) | set(after), key=str)
        changed = [(f"{name}.{key}", before.get(key), after.get(key)) for key in keys]
        changed = [row for row in changed if row[1] != row[2]]
        if changed:
            return changed
    return [(name, before, after)]


def _last_change(last_change: Mapping[str, Any] | None) -> str:
    if not last_change:
        return '<h3>Last change</h3><div class="muted">No change recorded before the alert.</div>'
    rows = [
        ("Actor", f'<span class="detail-actor">{_text(last_change.get("actor"))}</span>'),
        ("At", _text(format_timestamp(last_change.get("at")))),
        ("Source", _text(last_change.get("source"))),
    ]
    change = last_change.get("change") or {}
    attributes = change.get("changed_attributes") or []
    diff = "".join(
        f'<li class="diff"><code>{_text(name)}</code>: {_value(before)} → {_value(after)}</li>'
        for a in attributes
        for name, before, after in _field_changes(a)
    )
    changes = f'<ul class="changes">{diff}</ul>' if diff else ""
    return f"<h3>Last change</h3>{_pairs(rows)}{changes}"


def _timeline(items: Sequence[Mapping[str, Any]], has_more: bool) -> str:
    if not items:
        return '<h3>Timeline</h3><div class="muted">Nothing on the timeline yet.</div>'
    rows = "".join(
        f'<li class="timeline-item">'
        f'<span class="when">{_text(format_timestamp(i.get("at")))}</span> '
        f'<span class="kind">{_text(i.get("kind"))}</span> '
        f'<span class="muted">{_text(i.get("source"))} · {_text(i.get("actor"))}</span>'
        f"<div>{_text(i.get('summary'))}</div></li>"
        for i in items
    )
    more = '<div class="muted">Older entries not shown.</div>' if has_more else ""
    return f'<h3>Timeline</h3><ol class="timeline">{rows}</ol>{more}'


def alert_detail(
    alert: Mapping[str, Any], timeline: Sequence[Mapping[str, Any]], has_more: bool = False
) -> str:
    """Return the detail panel for one alert, or nothing when no alert is loaded."""
    if not alert:
        return ""
    return (
        f'<div class="detail" data-alert-id="{escape(str(alert.get("alert_id") or ""))}">'
        f"{_overview(alert)}{_context(alert.get('context'))}{_impact(alert.get('impact'))}"
        f"{_last_change(alert.get('last_change'))}{_timeline(timeline, has_more)}</div>"
    )

"""HTML fragments for the triage queue: severity cards, badges and the alert table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from dashboards.common.data_store import SEVERITIES

# Background and text colours per severity; text colours keep WCAG AA contrast on each.
SEVERITY_COLORS: dict[str, tuple[str, str]] = {
    "CRITICAL": ("#991b1b", "#ffffff"),
    "HIGH": ("#c2410c", "#ffffff"),
    "MEDIUM": ("#a16207", "#ffffff"),
    "LOW": ("#1d4ed8", "#ffffff"),
    "INFORMATIONAL": ("#4b5563", "#ffffff"),
}
_UNKNOWN_COLOR = ("#9ca3af", "#111827")

EMPTY_MESSAGE = "No alerts match these filters"

STYLESHEET = """
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 150px; border-radius: 8px; padding: 12px 16px; color: #fff; }
.card.dimmed { opacity: 0.35; }
.card .label { font-size: 12px; letter-spacing: 0.06em; text-transform: uppercase; }
.card .count { font-size: 30px; font-weight: 700; line-height: 1.2; }
table.alerts { width: 100%; border-collapse: collapse; font-size: 13px; }
table.alerts th { text-align: left; padding: 8px; border-bottom: 2px solid #d1d5db;
  color: #374151; font-weight: 600; white-space: nowrap; }
table.alerts td { padding: 7px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
table.alerts tr:hover td { background: #f9fafb; }
table.alerts td.num { text-align: right; }
.badge { display: inline-block; min-width: 96px; text-align: center; border-radius: 4px;
  padding: 2px 6px; font-size: 11px; font-weight: 700; letter-spacing: 0.04em; }
.sub { color: #6b7280; font-size: 11px; overflow-wrap: anywhere; }
.status { font-family: monospace; font-size: 12px; }
.empty { padding: 32px; text-align: center; color: #6b7280; font-size: 15px;
  border: 1px dashed #d1d5db; border-radius: 8px; }
"""


def severity_badge(label: str | None) -> str:
    """Return a coloured badge for a severity label."""
    text = (label or "UNKNOWN").upper()
    background, color = SEVERITY_COLORS.get(text, _UNKNOWN_COLOR)
    return (
        f'<span class="badge severity-{escape(text.lower())}" '
        f'style="background:{background};color:{color}">{escape(text)}</span>'
    )


def format_timestamp(value: str | None) -> str:
    """Render an ISO 8601 timestamp as `YYYY-MM-DD HH:MM UTC`; keep anything else as text."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def severity_cards(summary: Mapping[str, Any], selected: Sequence[str]) -> str:
    """Return one coloured card per severity with its count; unselected ones are dimmed.

    Without a summary (first load running, or the API unreachable) the cards show a dash,
    not a zero that would claim there is nothing to triage.
    """
    counts = summary.get("by_severity")
    cards = []
    for label in SEVERITIES:
        background, color = SEVERITY_COLORS[label]
        dimmed = " dimmed" if selected and label not in selected else ""
        cards.append(
            f'<div class="card severity-card{dimmed}" data-severity="{label}" '
            f'style="background:{background};color:{color}">'
            f'<div class="label">{label.title()}</div>'
            f'<div class="count">{_count_text(counts, label)}</div></div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _count_text(counts: Mapping[str, Any] | None, label: str) -> str:
    """Return a card's count with thousands separators, or a dash when unknown."""
    if counts is None:
        return "–"
    return f"{int(counts.get(label, 0)):,}"


def _cell(text: object, css: str = "") -> str:
    """Return one escaped table cell."""
    klass = f' class="{css}"' if css else ""
    return f"<td{klass}>{escape(str(text)) if text is not None else ''}</td>"


def _row(alert: Mapping[str, Any]) -> str:
    """Return one table row for an alert."""
    title = escape(str(alert.get("title") or "(untitled)"))
    product = escape(str(alert.get("product_name") or ""))
    resource_type = escape(str(alert.get("resource_type") or ""))
    resource_id = escape(str(alert.get("resource_id") or ""))
    status = escape(str(alert.get("workflow_status") or ""))
    # Our own workflow status and assignee (app schema), under Security Hub's.
    triage = " · ".join(
        escape(str(part)) for part in (alert.get("triage_status"), alert.get("assignee")) if part
    )
    alert_id = escape(str(alert.get("alert_id") or alert.get("id") or ""))
    return (
        f'<tr class="alert-row" data-alert-id="{alert_id}">'
        f"<td>{severity_badge(alert.get('severity_label'))}</td>"
        f'<td>{title}<div class="sub">{product}</div></td>'
        f"{_cell(alert.get('aws_account_id'))}"
        f"{_cell(alert.get('region'))}"
        f'<td>{resource_type}<div class="sub">{resource_id}</div>{_context(alert)}</td>'
        f'<td><span class="status">{status}</span><div class="sub triage">{triage}</div></td>'
        f"{_cell(format_timestamp(alert.get('last_seen_at')))}"
        f"{_cell(alert.get('count_findings'), 'num')}"
        "</tr>"
    )


def _context(alert: Mapping[str, Any]) -> str:
    """Owner, classification and impact score under the resource, when the API has them."""
    parts = [
        f"owner {alert['owner']}" if alert.get("owner") else "",
        str(alert.get("classification") or ""),
        f"impact {alert['impact_score']}" if alert.get("impact_score") is not None else "",
    ]
    text = " · ".join(part for part in parts if part)
    return f'<div class="sub context">{escape(text)}</div>' if text else ""


def alert_table(items: Sequence[Mapping[str, Any]]) -> str:
    """Return the alert list as an HTML table, or the empty state when there are none."""
    if not items:
        return f'<div class="empty">{EMPTY_MESSAGE}</div>'
    header = "".join(
        f"<th>{name}</th>"
        for name in (
            "Severity",
            "Title",
            "Account",
            "Region",
            "Resource",
            "Status",
            "Last seen",
            "Findings",
        )
    )
    rows = "".join(_row(alert) for alert in items)
    return f'<table class="alerts"><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>'

"""HTML of the grouped queue: each group a row that opens onto its members and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from dashboards.triage.markup import EMPTY_MESSAGE, alert_table, format_timestamp, severity_badge

GROUP_STYLESHEET = """
.grouped { display: flex; flex-direction: column; gap: 6px; font-size: 13px; }
details.group { border: 1px solid #e5e7eb; border-radius: 6px; background: #fff; }
details.group > summary { cursor: pointer; padding: 8px; display: flex; gap: 10px;
  align-items: baseline; list-style: none; }
details.group > summary .count { margin-left: auto; color: #374151; white-space: nowrap; }
details.group[open] > summary { border-bottom: 1px solid #e5e7eb; background: #f8fafc; }
table.members { width: 100%; border-collapse: collapse; font-size: 12px; }
table.members td, table.members th { padding: 5px 8px; border-bottom: 1px solid #f1f5f9;
  text-align: left; vertical-align: top; }
.why { color: #334155; }
.part { display: inline-block; margin: 1px 4px 1px 0; padding: 0 5px; border-radius: 3px;
  background: #e0f2fe; color: #075985; font-size: 11px; }
.block { display: inline-block; margin: 1px 4px 1px 0; padding: 0 5px; border-radius: 3px;
  background: #f1f5f9; color: #334155; font-size: 11px; font-family: monospace; }
.parent { font-weight: 700; color: #0f172a; }
"""


def why_text(member: Mapping[str, Any]) -> str:
    """Why one member is in its group: the parent mark, score parts, blocks and reasons."""
    if member.get("is_parent"):
        lead = '<span class="parent">parent</span> (highest severity, then earliest) '
    else:
        lead = ""
    score = member.get("score")
    parts = member.get("score_parts") or {}
    shown = "".join(
        f'<span class="part">{escape(name)} {value:.2f}</span>'
        for name, value in sorted(parts.items(), key=lambda item: -item[1])
        if value > 0
    )
    blocks = "".join(f'<span class="block">{escape(b)}</span>' for b in member.get("blocks") or [])
    reasons = "; ".join(escape(r) for r in member.get("reasons") or [])
    linked = member.get("linked_alert_id")
    score_text = f"score {score:.2f} with {escape(str(linked))[:12]}… " if score is not None else ""
    return (
        f'<div class="why">{lead}{score_text}{shown}{blocks}<div class="sub">{reasons}</div></div>'
    )


def _members_table(detail: Mapping[str, Any] | None) -> str:
    if not detail:
        return '<div class="sub" style="padding:8px">Members could not be loaded.</div>'
    rows = "".join(
        f'<tr class="member-row" data-alert-id="{escape(str(m.get("alert_id")))}">'
        f"<td>{severity_badge(m.get('severity_label'))}</td>"
        f"<td>{escape(str(m.get('title') or ''))}"
        f'<div class="sub">{escape(str(m.get("resource_id") or ""))}</div></td>'
        f"<td>{escape(str(m.get('region') or ''))}</td>"
        f"<td>{why_text(m)}</td></tr>"
        for m in detail.get("members") or []
    )
    head = "<tr><th>Severity</th><th>Alert</th><th>Region</th><th>Why it is here</th></tr>"
    return f'<table class="members"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _group_row(item: Mapping[str, Any], detail: Mapping[str, Any] | None) -> str:
    group = item.get("group") or {}
    accounts = ", ".join(group.get("aws_account_ids") or [])
    return (
        f'<details class="group" data-group-id="{escape(str(item.get("id")))}">'
        f"<summary>{severity_badge(item.get('severity_label'))}"
        f"<span>{escape(str(item.get('title') or ''))}"
        f'<div class="sub">{escape(accounts)} · last seen '
        f"{escape(format_timestamp(item.get('last_seen_at')))}</div></span>"
        f'<span class="count">{int(item.get("count_alerts") or 0)} alerts ▸</span></summary>'
        f"{_members_table(detail)}</details>"
    )


def grouped_table(
    items: Sequence[Mapping[str, Any]], details: Mapping[str, Mapping[str, Any]]
) -> str:
    """The grouped queue: groups open onto their members; ungrouped alerts as the plain table."""
    if not items:
        return f'<div class="empty">{EMPTY_MESSAGE}</div>'
    parts: list[str] = []
    singles: list[Mapping[str, Any]] = []

    def flush() -> None:
        if singles:
            parts.append(alert_table([s.get("alert") or s for s in singles]))
            singles.clear()

    for item in items:
        if item.get("kind") == "group":
            flush()
            parts.append(_group_row(item, details.get(str(item.get("id")))))
        else:
            singles.append(item)
    flush()
    return f'<div class="grouped">{"".join(parts)}</div>'

"""What a group is called, which alert leads it, and why each member is in it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from triage.correlation.alerts import AlertTable

_MAX_TITLE = 200


@dataclass
class MemberReason:
    """Why one alert is in its group: the edge that linked it and what made that edge."""

    alert_id: str
    is_parent: bool
    linked_alert_id: str | None = None
    score: float | None = None
    score_parts: dict[str, float] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class GroupDescription:
    """One group: its members (positions), parent and title."""

    members: list[int]
    parent: int
    title: str


def choose_parent(alerts: AlertTable, members: list[int], seen: np.ndarray | None = None) -> int:
    """The member with the highest severity, then the earliest first seen, then lowest id.

    `seen` is the first-seen time with unknown times last; pass it when calling per group.
    """
    if seen is None:
        seen = np.nan_to_num(alerts.first_seen_epoch, nan=np.inf)
    return min(
        members,
        key=lambda i: (-alerts.severity_scores[i], seen[i], alerts.alert_ids[i]),
    )


def _shared(values: list[str | None]) -> str | None:
    present = {v for v in values if v}
    return present.pop() if len(present) == 1 and all(values) else None


def group_title(alerts: AlertTable, members: list[int], parent: int) -> str:
    """A title that says what the group is: a CVE, a control, a resource or related activity."""
    count = len(members)
    resources = len({alerts.resource_keys[i] for i in members if alerts.resource_keys[i]})
    regions = sorted({alerts.regions[i] for i in members if alerts.regions[i]})
    accounts = sorted({alerts.aws_account_ids[i] for i in members if alerts.aws_account_ids[i]})
    where = f"{', '.join(accounts) or 'unknown account'}"
    cves = Counter(c for i in members for c in alerts.cve_lists[i])
    parent_title = alerts.titles[parent] or "untitled alert"
    if cves and cves.most_common(1)[0][1] == count:
        cve = cves.most_common(1)[0][0]
        title = f"{cve} on {resources} resources in {where} ({count} alerts)"
    elif control := _shared([alerts.security_control_ids[i] for i in members]):
        title = (
            f"{control}: {parent_title} - {resources} resources, {len(regions)} regions in {where}"
        )
    elif resources == 1:
        title = f"{count} alerts on {alerts.resource_ids[parent]}: {parent_title}"
    else:
        products = sorted({alerts.product_names[i] or "unknown" for i in members})
        title = (
            f"Related activity in {where} across {resources} resources "
            f"({', '.join(products)}): {parent_title} and {count - 1} more"
        )
    return title[:_MAX_TITLE]

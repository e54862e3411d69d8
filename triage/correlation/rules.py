"""Grouping rules analysts control, and the edges and separations they turn into."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from triage.correlation.alerts import RULE_FIELDS, AlertTable
from triage.errors import ValidationError


class RuleKind(StrEnum):
    """What a grouping rule does."""

    GROUP_BY_FIELD = "group_by_field"
    NEVER_ACROSS_ACCOUNTS = "never_across_accounts"
    NEVER_TOGETHER = "never_together"


@dataclass(frozen=True)
class GroupingRule:
    """One rule: group alerts sharing `field`, keep accounts apart, or keep two values apart.

    `group_by_field` groups every alert with the same value of `field` (within one
    account unless `across_accounts`); `never_together` keeps alerts whose `field` is
    `values[0]` out of any group with alerts whose `field` is `values[1]`;
    `never_across_accounts` forbids groups that span accounts (the default unless the
    setting allows them).
    """

    rule_id: int
    name: str
    kind: RuleKind
    field: str | None = None
    values: tuple[str, ...] = ()
    across_accounts: bool = False


def validate_rule(kind: str, field: str | None, values: tuple[str, ...]) -> None:
    """Check that a rule's parts fit its kind.

    Raises:
        ValidationError: unknown kind or field, or values that do not fit the kind.
    """
    try:
        rule_kind = RuleKind(kind)
    except ValueError as exc:
        raise ValidationError(
            f"unknown rule kind {kind!r}; expected one of {[k.value for k in RuleKind]}"
        ) from exc
    if rule_kind is RuleKind.NEVER_ACROSS_ACCOUNTS:
        if field or values:
            raise ValidationError("a never_across_accounts rule takes no field and no values")
        return
    if field not in RULE_FIELDS:
        raise ValidationError(f"field must be one of {list(RULE_FIELDS)}, got {field!r}")
    if rule_kind is RuleKind.NEVER_TOGETHER and (len(values) != 2 or values[0] == values[1]):
        raise ValidationError(
            "a never_together rule needs exactly two different values, e.g. two finding types"
        )
    if rule_kind is RuleKind.GROUP_BY_FIELD and values:
        raise ValidationError("a group_by_field rule groups on every value; give no values")


@dataclass
class RuleEdges:
    """Edges a rule adds (star from the earliest alert of each value) and who added them."""

    a: np.ndarray
    b: np.ndarray
    rule_ids: np.ndarray
    across_accounts: np.ndarray


def group_by_field_edges(alerts: AlertTable, rules: list[GroupingRule]) -> RuleEdges:
    """Edges that join every alert sharing a rule's field value to that value's first alert."""
    a: list[int] = []
    b: list[int] = []
    rule_ids: list[int] = []
    across: list[bool] = []
    for rule in rules:
        if rule.kind is not RuleKind.GROUP_BY_FIELD or rule.field is None:
            continue
        anchors: dict[tuple[str, str | None], int] = {}
        order = np.argsort(np.nan_to_num(alerts.first_seen_epoch, nan=np.inf), kind="stable")
        values = alerts.field_values(rule.field)
        for i in order:
            account = None if rule.across_accounts else alerts.aws_account_ids[i]
            for value in values[i]:
                anchor = anchors.setdefault((value, account), int(i))
                if anchor != i:
                    a.append(anchor)
                    b.append(int(i))
                    rule_ids.append(rule.rule_id)
                    across.append(rule.across_accounts)
    return RuleEdges(
        a=np.array(a, dtype=np.int64),
        b=np.array(b, dtype=np.int64),
        rule_ids=np.array(rule_ids, dtype=np.int64),
        across_accounts=np.array(across, dtype=bool),
    )


def never_together_sides(
    alerts: AlertTable, rules: list[GroupingRule]
) -> list[tuple[str, set[int], set[int]]]:
    """For each never_together rule, its label and the alerts on each of its two sides."""
    out = []
    for rule in rules:
        if rule.kind is not RuleKind.NEVER_TOGETHER or rule.field is None:
            continue
        values = alerts.field_values(rule.field)
        left = {i for i, vs in enumerate(values) if rule.values[0] in vs}
        right = {i for i, vs in enumerate(values) if rule.values[1] in vs}
        if left and right:
            out.append((f"rule:{rule.rule_id}", left, right))
    return out


def accounts_kept_apart(rules: list[GroupingRule], *, allow_cross_account: bool) -> bool:
    """Whether groups may not span accounts: the setting, overridden by an explicit rule."""
    explicit = any(rule.kind is RuleKind.NEVER_ACROSS_ACCOUNTS for rule in rules)
    return explicit or not allow_cross_account

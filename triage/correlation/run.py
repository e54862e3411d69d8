"""The correlation steps as plain functions: score candidate pairs, then form groups."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from triage.correlation.alerts import AlertTable
from triage.correlation.describe import (
    GroupDescription,
    MemberReason,
    choose_parent,
    group_title,
)
from triage.correlation.edits import EditConstraints
from triage.correlation.grouping import EdgeKind, Edges, GroupingResult, Separation, group
from triage.correlation.rules import (
    GroupingRule,
    accounts_kept_apart,
    group_by_field_edges,
    never_together_sides,
)
from triage.correlation.scoring import FEATURES, ScoreParams, combine, pair_features

logger = logging.getLogger(__name__)

# Blocks that tie two alerts to one thing (a resource, a CVE); they survive the cut of an
# oversized group, the looser blocks (same check elsewhere, same window, same entity) not.
ANCHOR_BLOCKS = frozenset({"resource", "cve"})


@dataclass
class ScoredPairs:
    """Candidate pairs (alert positions) with their score and its parts."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    parts: np.ndarray
    blocks: list[list[str]]


def score_pairs(
    alerts: AlertTable,
    a: np.ndarray,
    b: np.ndarray,
    blocks: list[list[str]],
    params: ScoreParams,
) -> ScoredPairs:
    """Score every candidate pair; the parts of each score are kept beside it."""
    features = pair_features(alerts, a, b, time_scale_hours=params.time_scale_hours)
    score, parts = combine(features, params)
    return ScoredPairs(a=a, b=b, score=score, parts=parts, blocks=blocks)


@dataclass
class Correlation:
    """The outcome of one grouping: groups, and why each member is where it is."""

    groups: list[GroupDescription]
    members: list[list[MemberReason]]
    result: GroupingResult


def _separations(
    alerts: AlertTable, rules: list[GroupingRule], constraints: EditConstraints
) -> list[Separation]:
    seps = []
    raw = never_together_sides(alerts, rules)
    for label, first_ids, second_ids in constraints.separations:
        first = {alerts.position[x] for x in first_ids if x in alerts.position}
        second = {alerts.position[x] for x in second_ids if x in alerts.position}
        if first and second:
            raw.append((label, first, second))
    for label, first, second in raw:
        side = np.zeros(len(alerts), dtype=np.int8)
        side[list(first)] = 1
        side[list(second)] = 2
        side[list(first & second)] = 0
        seps.append(Separation(label=label, side=side))
    return seps


def _manual_edges(alerts: AlertTable, constraints: EditConstraints) -> Edges:
    links = [
        (alerts.position[x], alerts.position[y], edit_id)
        for x, y, edit_id in constraints.must_link
        if x in alerts.position and y in alerts.position
    ]
    arr = np.array(links, dtype=np.int64).reshape(-1, 3)
    return Edges.build(arr[:, 0], arr[:, 1], np.ones(len(arr)), EdgeKind.MANUAL, arr[:, 2], True)


def correlate(
    alerts: AlertTable,
    pairs: ScoredPairs,
    *,
    threshold: float,
    rules: list[GroupingRule],
    constraints: EditConstraints,
    allow_cross_account: bool = False,
    max_loose_size: int | None = None,
    describe: bool = True,
) -> Correlation:
    """Form groups from pairs at or above `threshold`, rules and manual edits.

    A group above `max_loose_size` alerts is cut along its same-resource and same-CVE
    links, rules and merges (None keeps every group whole). With `describe=False` only the
    component labels are computed (for parameter sweeps).
    """
    above = np.flatnonzero(pairs.score >= threshold)
    anchored = np.fromiter(
        (not ANCHOR_BLOCKS.isdisjoint(pairs.blocks[i]) for i in above),
        dtype=bool,
        count=len(above),
    )
    scored = Edges.build(
        pairs.a[above],
        pairs.b[above],
        pairs.score[above],
        EdgeKind.SCORED,
        above,
        anchored=anchored,
    )
    rule_edges = group_by_field_edges(alerts, rules)
    by_rule = Edges.build(
        rule_edges.a,
        rule_edges.b,
        np.ones(len(rule_edges.a)),
        EdgeKind.RULE,
        rule_edges.rule_ids,
        rule_edges.across_accounts,
    )
    edges = Edges.concat([scored, by_rule, _manual_edges(alerts, constraints)])
    result = group(
        len(alerts),
        edges,
        accounts=alerts.account_codes,
        separations=_separations(alerts, rules, constraints),
        keep_accounts_apart=accounts_kept_apart(rules, allow_cross_account=allow_cross_account),
        max_loose_size=max_loose_size,
    )
    if not describe:
        return Correlation(groups=[], members=[], result=result)
    return _describe(alerts, pairs, rules, result)


def _describe(
    alerts: AlertTable, pairs: ScoredPairs, rules: list[GroupingRule], result: GroupingResult
) -> Correlation:
    rule_names = {rule.rule_id: rule.name for rule in rules}
    order = np.argsort(result.labels, kind="stable")
    labels = result.labels[order]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    bounds = np.r_[starts, len(order)]
    groups: list[GroupDescription] = []
    members: list[list[MemberReason]] = []
    edges = result.edges
    seen = np.nan_to_num(alerts.first_seen_epoch, nan=np.inf)
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if stop - start < 2:
            continue
        positions = [int(i) for i in order[start:stop]]
        parent = choose_parent(alerts, positions, seen)
        groups.append(
            GroupDescription(
                members=positions, parent=parent, title=group_title(alerts, positions, parent)
            )
        )
        reasons = []
        for i in positions:
            reason = MemberReason(alert_id=alerts.alert_ids[i], is_parent=i == parent)
            e = int(result.link_edge[i])
            if e >= 0:
                other = int(edges.b[e] if edges.a[e] == i else edges.a[e])
                reason.linked_alert_id = alerts.alert_ids[other]
                kind = EdgeKind(int(edges.kind[e]))
                ref = int(edges.ref[e])
                if kind is EdgeKind.SCORED:
                    reason.score = round(float(edges.score[e]), 4)
                    reason.score_parts = {
                        k: round(float(v), 4) for k, v in zip_parts(pairs.parts[ref])
                    }
                    reason.blocks = list(pairs.blocks[ref])
                    reason.reasons.append(f"similarity {reason.score:.2f}")
                elif kind is EdgeKind.RULE:
                    reason.reasons.append(f"rule {ref}: {rule_names.get(ref, '')}".rstrip(": "))
                else:
                    reason.reasons.append(f"manual merge (edit {ref})")
            reasons.append(reason)
        members.append(reasons)
    logger.info("correlation grouped: groups=%s alerts=%s", len(groups), len(alerts))
    return Correlation(groups=groups, members=members, result=result)


def zip_parts(row: np.ndarray) -> list[tuple[str, float]]:
    """Name each part of a score row."""
    return list(zip(FEATURES, (float(v) for v in row), strict=True))

"""Groups: components, account limits, rules, manual edits and stable ids."""

from __future__ import annotations

import numpy as np

from tests.triage.correlation.conftest import make_alerts
from triage.correlation.edits import EditKind, GroupEdit, replay
from triage.correlation.rules import GroupingRule, RuleKind
from triage.correlation.run import ScoredPairs, correlate
from triage.correlation.scoring import FEATURES
from triage.correlation.stable_ids import assign_ids, new_group_id


def _pairs(alerts, scored):
    a = np.array([alerts.position[x] for x, _, _ in scored], dtype=np.int64)
    b = np.array([alerts.position[y] for _, y, _ in scored], dtype=np.int64)
    score = np.array([s for _, _, s in scored], dtype=np.float32)
    parts = np.zeros((len(scored), len(FEATURES)), dtype=np.float32)
    parts[:, 0] = score
    return ScoredPairs(a=a, b=b, score=score, parts=parts, blocks=[["resource"]] * len(scored))


def _groups(alerts, outcome):
    return sorted(sorted(alerts.alert_ids[i] for i in g.members) for g in outcome.groups)


def _run(rows, scored, *, rules=(), edits=(), threshold=0.5, allow=False):
    alerts = make_alerts(rows)
    outcome = correlate(
        alerts,
        _pairs(alerts, scored),
        threshold=threshold,
        rules=list(rules),
        constraints=replay(list(edits)),
        allow_cross_account=allow,
    )
    return alerts, outcome


def test_pairs_above_threshold_form_components_with_parent_and_reasons():
    rows = [
        {"id": x, "severity": s, "hours": h}
        for x, s, h in [("a", 40, 2), ("b", 70, 3), ("c", 70, 1), ("d", 90, 0), ("e", 10, 0)]
    ]
    alerts, outcome = _run(
        rows, [("a", "b", 0.9), ("b", "c", 0.6), ("c", "d", 0.4), ("d", "e", 0.7)]
    )
    assert _groups(alerts, outcome) == [["a", "b", "c"], ["d", "e"]]
    first = next(g for g in outcome.groups if len(g.members) == 3)
    # highest severity, then earliest: c (70, hour 1) beats b (70, hour 3)
    assert alerts.alert_ids[first.parent] == "c"
    reasons = {m.alert_id: m for ms in outcome.members for m in ms}
    assert reasons["a"].linked_alert_id == "b" and reasons["a"].score == 0.9
    assert reasons["a"].blocks == ["resource"] and "similarity 0.90" in reasons["a"].reasons
    assert reasons["a"].score_parts["text"] == 0.9


def test_no_group_spans_two_accounts_unless_allowed():
    rows = [
        {"id": "a"},
        {"id": "b"},
        {"id": "c", "account": "444455556666"},
        {"id": "d", "account": "444455556666"},
    ]
    scored = [("a", "b", 0.8), ("b", "c", 0.95), ("c", "d", 0.7)]
    alerts, outcome = _run(rows, scored)
    assert _groups(alerts, outcome) == [["a", "b"], ["c", "d"]]
    alerts, outcome = _run(rows, scored, allow=True)
    assert _groups(alerts, outcome) == [["a", "b", "c", "d"]]
    explicit = GroupingRule(1, "keep apart", RuleKind.NEVER_ACROSS_ACCOUNTS)
    alerts, outcome = _run(rows, scored, allow=True, rules=[explicit])
    assert _groups(alerts, outcome) == [["a", "b"], ["c", "d"]]


def test_group_by_field_rule_links_within_account_or_across_when_allowed():
    rows = [
        {"id": "a", "control": "S3.8"},
        {"id": "b", "control": "S3.8", "hours": 5},
        {"id": "c", "control": "S3.8", "account": "444455556666"},
        {"id": "d"},
    ]
    rule = GroupingRule(7, "same control", RuleKind.GROUP_BY_FIELD, "security_control_id")
    alerts, outcome = _run(rows, [], rules=[rule])
    assert _groups(alerts, outcome) == [["a", "b"]]
    assert any("rule 7: same control" in r for m in outcome.members[0] for r in m.reasons)
    wide = GroupingRule(
        8,
        "same control anywhere",
        RuleKind.GROUP_BY_FIELD,
        "security_control_id",
        across_accounts=True,
    )
    alerts, outcome = _run(rows, [], rules=[wide])
    assert _groups(alerts, outcome) == [["a", "b", "c"]]


def test_never_together_keeps_two_types_apart_even_through_a_chain():
    rows = [{"id": "a", "type": "T1"}, {"id": "b", "type": "T3"}, {"id": "c", "type": "T2"}]
    rule = GroupingRule(2, "not these", RuleKind.NEVER_TOGETHER, "finding_type", ("T1", "T2"))
    alerts, outcome = _run(rows, [("a", "b", 0.9), ("b", "c", 0.6)], rules=[rule])
    # the stronger edge a-b wins; b-c would bring T2 next to T1
    assert _groups(alerts, outcome) == [["a", "b"]]


def test_split_then_merge_replay_in_order_and_later_edit_wins():
    rows = [{"id": x} for x in "abcde"]
    scored = [("a", "b", 0.9), ("b", "c", 0.9), ("c", "d", 0.9)]
    split = GroupEdit(1, EditKind.SPLIT, ("c", "d"), ("a", "b", "c", "d"))
    alerts, outcome = _run(rows, scored, edits=[split])
    assert _groups(alerts, outcome) == [["a", "b"], ["c", "d"]]
    merge = GroupEdit(2, EditKind.MERGE, ("a", "b", "e"))
    alerts, outcome = _run(rows, scored, edits=[split, merge])
    assert _groups(alerts, outcome) == [["a", "b", "e"], ["c", "d"]]
    rejoin = GroupEdit(3, EditKind.MERGE, ("a", "c"))
    alerts, outcome = _run(rows, scored, edits=[split, merge, rejoin])
    assert _groups(alerts, outcome) == [["a", "b", "c", "d", "e"]]
    # edits naming alerts that no longer exist are ignored
    gone = GroupEdit(4, EditKind.MERGE, ("a", "zz"))
    alerts, outcome = _run(rows, [], edits=[gone])
    assert outcome.groups == []


def test_manual_merge_may_cross_accounts():
    rows = [{"id": "a"}, {"id": "b", "account": "444455556666"}]
    alerts, outcome = _run(rows, [], edits=[GroupEdit(1, EditKind.MERGE, ("a", "b"))])
    assert _groups(alerts, outcome) == [["a", "b"]]
    assert outcome.members[0][1].reasons == ["manual merge (edit 1)"] or outcome.members[0][
        0
    ].reasons == ["manual merge (edit 1)"]


def test_ids_carry_over_by_jaccard_at_least_one_half():
    previous = {"a": "g1", "b": "g1", "c": "g1", "d": "g2", "e": "g2"}
    groups = [["a", "b", "x"], ["d", "e", "f", "g", "h"], ["c", "y"]]
    ids = assign_ids(groups, previous)
    assert ids[0] == ("g1", True)  # 2 / 4 = 0.5
    assert ids[1] == (new_group_id(groups[1]), False)  # 2 / 5 = 0.4
    assert ids[2] == (new_group_id(groups[2]), False)  # g1 already taken
    assert assign_ids([["b", "a", "x"]], {}) == [(new_group_id(["a", "b", "x"]), False)]


def test_best_match_wins_an_old_id_claimed_twice():
    previous = {x: "g1" for x in "abcd"}
    ids = assign_ids([["a", "b"], ["a", "b", "c", "d", "e"]], previous)
    assert ids[1] == ("g1", True) and not ids[0][1]


def test_no_alerts_no_groups():
    alerts, outcome = _run([], [])
    assert outcome.groups == [] and len(outcome.result.labels) == 0


def test_an_oversized_group_is_cut_along_resource_and_cve_links_only():
    # A scan grid: three checks on each of three resources. "Same resource" links each row,
    # "same check elsewhere" (pattern) links each column, so together they form one
    # component of nine; the cut keeps one group per resource.
    ids = [f"{resource}-{check}" for resource in "xyz" for check in "pqr"]
    alerts = make_alerts([{"id": x, "severity": 40, "hours": 0} for x in ids])
    scored, blocks = [], []
    for resource in "xyz":
        for first, second in (("p", "q"), ("q", "r")):
            scored.append((f"{resource}-{first}", f"{resource}-{second}", 0.8))
            blocks.append(["resource"])
    for check in "pqr":
        for first, second in (("x", "y"), ("y", "z")):
            scored.append((f"{first}-{check}", f"{second}-{check}", 0.7))
            blocks.append(["pattern", "account_window"])
    pairs = _pairs(alerts, scored)
    pairs.blocks = blocks

    def grouped(limit):
        outcome = correlate(
            alerts,
            pairs,
            threshold=0.5,
            rules=[],
            constraints=replay([]),
            max_loose_size=limit,
        )
        return outcome, _groups(alerts, outcome)

    _outcome, whole = grouped(None)
    assert whole == [sorted(ids)]
    # At or under the limit nothing changes.
    assert grouped(9)[1] == whole

    outcome, cut = grouped(8)
    assert cut == [[f"{r}-p", f"{r}-q", f"{r}-r"] for r in "xyz"]
    reasons = {m.alert_id: m for ms in outcome.members for m in ms}
    # Each member is explained by a link that survived the cut.
    assert all(reason.blocks == ["resource"] for reason in reasons.values())
    # A merge an analyst made holds through the cut.
    merge = GroupEdit(edit_id=1, kind=EditKind.MERGE, alert_ids=("x-p", "y-p"))
    merged = correlate(
        alerts, pairs, threshold=0.5, rules=[], constraints=replay([merge]), max_loose_size=8
    )
    assert sorted(len(g.members) for g in merged.groups) == [3, 6]

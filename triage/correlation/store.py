"""Read the correlation inputs from PostgreSQL and write its outputs to `correlation.*`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import psycopg
from sqlalchemy.engine import Engine

from triage.correlation.alerts import AlertTable, epoch_seconds
from triage.correlation.edits import EditKind, GroupEdit
from triage.correlation.rules import GroupingRule, RuleKind
from triage.correlation.run import Correlation, ScoredPairs
from triage.correlation.scoring import FEATURES

logger = logging.getLogger(__name__)

FEATURES_RELATION = "intermediate.int_alert_features_extracted"
PAIRS_RELATION = "intermediate.int_alert_pairs_blocked"


@contextmanager
def driver(engine: Engine) -> Iterator[psycopg.Connection[Any]]:
    """A psycopg connection in one transaction: committed on success, rolled back on error."""
    raw = engine.raw_connection()
    try:
        conn: psycopg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
        with conn.transaction():
            yield conn
    finally:
        raw.close()


def load_alerts(conn: psycopg.Connection[Any], relation: str = FEATURES_RELATION) -> AlertTable:
    """Every alert of the features model, ordered by id."""
    # A binary cursor: decoding arrays and timestamps from binary is much cheaper.
    rows = (
        conn.cursor(binary=True)
        .execute(
            "select alert_id, aws_account_id, region, resource_id, resource_key, "
            "security_control_id, product_name, types[1], cve_ids, entities, "
            "coalesce(title, ''), coalesce(description, ''), coalesce(severity_score, 0), "
            f"first_seen_at from {relation} order by alert_id"
        )
        .fetchall()
    )
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in range(14)]
    return AlertTable(
        alert_ids=list(cols[0]),
        aws_account_ids=list(cols[1]),
        regions=list(cols[2]),
        resource_ids=list(cols[3]),
        resource_keys=list(cols[4]),
        security_control_ids=list(cols[5]),
        product_names=list(cols[6]),
        first_types=list(cols[7]),
        cve_lists=[list(v or ()) for v in cols[8]],
        entity_lists=[list(v or ()) for v in cols[9]],
        titles=list(cols[10]),
        descriptions=list(cols[11]),
        severity_scores=np.array(cols[12], dtype=np.int64),
        first_seen_epoch=epoch_seconds(cols[13]),
    )


def load_candidates(
    conn: psycopg.Connection[Any], alerts: AlertTable, relation: str = PAIRS_RELATION
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """Candidate pairs as alert positions, with the blocks that proposed each."""
    position = alerts.position
    a: list[int] = []
    b: list[int] = []
    blocks: list[list[str]] = []
    with conn.cursor() as cur:
        cur.execute(f"select alert_id_a, alert_id_b, blocks from {relation}")
        for alert_a, alert_b, kinds in cur:
            if alert_a in position and alert_b in position:
                a.append(position[alert_a])
                b.append(position[alert_b])
                blocks.append(kinds)
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64), blocks


def start_run(conn: psycopg.Connection[Any], stage: str, parameters: dict[str, Any]) -> int:
    """Record the start of a correlation step and return its run id."""
    row = conn.execute(
        "insert into correlation.runs (stage, parameters) values (%s, %s) "
        "returning correlation_run_id",
        (stage, json.dumps(parameters)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def finish_run(conn: psycopg.Connection[Any], run_id: int, stats: dict[str, Any]) -> None:
    """Record the end of a correlation step with its counts."""
    conn.execute(
        "update correlation.runs set finished_at = now(), stats = %s where correlation_run_id = %s",
        (json.dumps(stats), run_id),
    )


def _copy_text(value: str) -> str:
    """Escape a value for PostgreSQL's COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _array_literal(values: list[str]) -> str:
    """A text[] literal; block kinds are plain words, so quoting each is enough."""
    return "{" + ",".join('"' + v.replace('"', "") + '"' for v in values) + "}"


def write_pairs(
    conn: psycopg.Connection[Any],
    run_id: int,
    alerts: AlertTable,
    pairs: ScoredPairs,
    min_score: float,
) -> int:
    """Replace the stored pairs with those scoring at least `min_score`; return how many."""
    conn.execute("truncate correlation.alert_pairs")
    keep = np.flatnonzero(pairs.score >= min_score)
    ids = alerts.alert_ids
    columns = "alert_id_a, alert_id_b, score, score_parts, blocks, correlation_run_id"
    # One text buffer per chunk: formatting rows ourselves is several times faster than
    # adapting each value, and every value here is an id, a number or a block kind.
    names = [f'"{name}": ' for name in FEATURES]
    with (
        conn.cursor() as cur,
        cur.copy(f"copy correlation.alert_pairs ({columns}) from stdin") as copy,
    ):
        for start in range(0, len(keep), 50_000):
            lines = []
            for i in keep[start : start + 50_000]:
                x, y = ids[pairs.a[i]], ids[pairs.b[i]]
                if x > y:
                    x, y = y, x
                parts = ", ".join(
                    f"{name}{value:.4f}"
                    for name, value in zip(names, pairs.parts[i].tolist(), strict=True)
                )
                lines.append(
                    f"{_copy_text(x)}\t{_copy_text(y)}\t{float(pairs.score[i]):.6f}\t"
                    f"{{{parts}}}\t{_array_literal(pairs.blocks[i])}\t{run_id}\n"
                )
            copy.write("".join(lines))
    return len(keep)


def load_scored_pairs(
    conn: psycopg.Connection[Any], alerts: AlertTable, min_score: float
) -> ScoredPairs:
    """Stored pairs scoring at least `min_score`, as alert positions."""
    position = alerts.position
    a: list[int] = []
    b: list[int] = []
    score: list[float] = []
    parts: list[list[float]] = []
    blocks: list[list[str]] = []
    with conn.cursor() as cur:
        part_columns = ", ".join(
            f"coalesce((score_parts ->> '{name}')::float8, 0)" for name in FEATURES
        )
        cur.execute(
            f"select alert_id_a, alert_id_b, score, blocks, {part_columns} "
            "from correlation.alert_pairs where score >= %s",
            (min_score,),
        )
        for row in cur:
            alert_a, alert_b = row[0], row[1]
            if alert_a in position and alert_b in position:
                a.append(position[alert_a])
                b.append(position[alert_b])
                score.append(row[2])
                blocks.append(row[3])
                parts.append(row[4:])
    return ScoredPairs(
        a=np.array(a, dtype=np.int64),
        b=np.array(b, dtype=np.int64),
        score=np.array(score, dtype=np.float32),
        parts=np.array(parts, dtype=np.float32).reshape(-1, len(FEATURES)),
        blocks=blocks,
    )


def load_rules(conn: psycopg.Connection[Any]) -> list[GroupingRule]:
    """Enabled grouping rules, oldest first."""
    rows = conn.execute(
        "select grouping_rule_id, name, kind, field, field_values, across_accounts "
        "from app.grouping_rules where is_enabled order by grouping_rule_id"
    ).fetchall()
    return [
        GroupingRule(
            rule_id=r[0],
            name=r[1],
            kind=RuleKind(r[2]),
            field=r[3],
            values=tuple(r[4] or ()),
            across_accounts=r[5],
        )
        for r in rows
    ]


def load_edits(conn: psycopg.Connection[Any]) -> list[GroupEdit]:
    """Every manual merge and split, oldest first."""
    rows = conn.execute(
        "select alert_group_edit_id, kind, alert_ids, other_alert_ids "
        "from app.alert_group_edits order by alert_group_edit_id"
    ).fetchall()
    return [
        GroupEdit(
            edit_id=r[0], kind=EditKind(r[1]), alert_ids=tuple(r[2]), other_alert_ids=tuple(r[3])
        )
        for r in rows
    ]


def load_previous(conn: psycopg.Connection[Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The previous run's membership (alert -> group) and each group's first_grouped_at."""
    membership = dict(
        conn.execute("select alert_id, alert_group_id from correlation.alert_group_members")
    )
    first = dict(
        conn.execute("select alert_group_id, first_grouped_at from correlation.alert_groups")
    )
    return membership, first


def write_groups(
    conn: psycopg.Connection[Any],
    run_id: int,
    alerts: AlertTable,
    correlation: Correlation,
    ids: list[tuple[str, bool]],
    first_grouped: dict[str, Any],
) -> None:
    """Replace the stored groups and members with this run's."""
    conn.execute("delete from correlation.alert_group_members")
    conn.execute("delete from correlation.alert_groups")
    now = conn.execute("select now()").fetchone()[0]  # type: ignore[index]
    group_cols = (
        "alert_group_id, parent_alert_id, title, count_members, correlation_run_id, "
        "first_grouped_at"
    )
    with (
        conn.cursor() as cur,
        cur.copy(f"copy correlation.alert_groups ({group_cols}) from stdin") as copy,
    ):
        for (group_id, _inherited), group in zip(ids, correlation.groups, strict=True):
            copy.write_row(
                (
                    group_id,
                    alerts.alert_ids[group.parent],
                    group.title,
                    len(group.members),
                    run_id,
                    first_grouped.get(group_id, now),
                )
            )
    member_cols = (
        "alert_id, alert_group_id, is_parent, linked_alert_id, score, score_parts, blocks, "
        "reasons, correlation_run_id"
    )
    with (
        conn.cursor() as cur,
        cur.copy(f"copy correlation.alert_group_members ({member_cols}) from stdin") as copy,
    ):
        for (group_id, _inherited), reasons in zip(ids, correlation.members, strict=True):
            for m in reasons:
                copy.write_row(
                    (
                        m.alert_id,
                        group_id,
                        m.is_parent,
                        m.linked_alert_id,
                        m.score,
                        json.dumps(m.score_parts),
                        m.blocks,
                        m.reasons,
                        run_id,
                    )
                )

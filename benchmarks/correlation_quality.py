"""Correlation quality on the labelled incidents: pairwise precision, recall, F1, reduction.

Runs the real pipeline on a scratch database: labelled findings (triage.demo.incidents) ->
raw -> `dbt build` -> the two correlation steps -> the correlation marts, then compares the
groups in `marts.fct_alert_groups` with the labels. `--sweep` first grid-searches the
weights and threshold on a training estate (another seed) with the scoring and grouping
run in memory, and prints the best settings; the evaluation estate is never used to choose.

    python benchmarks/correlation_quality.py --incidents 400 [--sweep]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from correlation_support import load_findings, pairwise_quality, scratch_database

from triage.correlation import store
from triage.correlation.edits import replay
from triage.correlation.run import correlate, score_pairs
from triage.correlation.steps import build_groups, build_pairs, score_params
from triage.demo.incidents import LabelledEstate, generate_incidents
from triage.settings import Settings
from triage.store.db import get_migrated_engine
from triage.transform import run_dbt

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _alert_labels(engine: Any, estate: LabelledEstate) -> dict[str, str]:
    with store.driver(engine) as conn:
        rows = conn.execute(
            "select alert_id, product_arn, finding_id from marts.fct_alert_findings"
        ).fetchall()
    votes: dict[str, Counter[str]] = {}
    for alert_id, product_arn, finding_id in rows:
        label = estate.labels.get((product_arn, finding_id))
        if label is not None:
            votes.setdefault(alert_id, Counter())[label] += 1
    return {alert: counts.most_common(1)[0][0] for alert, counts in votes.items()}


def _build(url: str, estate: LabelledEstate) -> Any:
    load_findings(url, estate.findings)
    run_dbt(["build", "--quiet"], database_url=url)
    return get_migrated_engine(url)


def sweep(incidents: int, seed: int) -> list[tuple[float, dict[str, float]]]:
    """Grid-search weights and threshold on a training estate; best F1 first."""
    estate = generate_incidents(incidents, seed=seed, now=NOW)
    with scratch_database("corr_sweep") as url:
        engine = _build(url, estate)
        truth = _alert_labels(engine, estate)
        with store.driver(engine) as conn:
            alerts = store.load_alerts(conn)
            a, b, blocks = store.load_candidates(conn, alerts)
    base = score_params(Settings())
    grid = {
        "text": (0.5, 1.0, 2.0),
        "resource": (0.5, 1.0, 2.0),
        "time": (0.0, 0.5, 1.0),
        "account": (0.0, 1.0),
        "pattern": (1.0, 2.0),
        "entity": (1.0, 2.0, 3.0),
    }
    thresholds = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)
    results = []
    for values in itertools.product(*grid.values()):
        params = replace(base, **dict(zip(grid, values, strict=True)))
        pairs = score_pairs(alerts, a, b, blocks, params)
        for threshold in thresholds:
            outcome = correlate(
                alerts, pairs, threshold=threshold, rules=[], constraints=replay([]), describe=False
            )
            predicted = {
                alerts.alert_ids[i]: f"c{int(label)}"
                for i, label in enumerate(outcome.result.labels)
            }
            _p, _r, f1 = pairwise_quality(predicted, truth)
            results.append((f1, {**dict(zip(grid, values, strict=True)), "threshold": threshold}))
    results.sort(key=lambda item: -item[0])
    return results


def evaluate(incidents: int, seed: int, settings: Settings) -> dict[str, Any]:
    """Run the whole pipeline on a labelled estate and measure the groups it builds."""
    estate = generate_incidents(incidents, seed=seed, now=NOW)
    with scratch_database("corr_quality") as url:
        engine = _build(url, estate)
        started = time.perf_counter()
        build_pairs(engine, settings)
        build_groups(engine, settings)
        seconds = time.perf_counter() - started
        run_dbt(["build", "--quiet", "--select", "tag:correlation_marts"], database_url=url)
        truth = _alert_labels(engine, estate)
        with store.driver(engine) as conn:
            alerts = conn.execute("select count(*) from marts.fct_alerts").fetchone()[0]
            groups = conn.execute("select count(*) from marts.fct_alert_groups").fetchone()[0]
            grouped = conn.execute("select count(*) from marts.fct_alert_group_members").fetchone()[
                0
            ]
            spanning = conn.execute(
                "select count(*) from marts.fct_alert_groups where count_accounts > 1"
            ).fetchone()[0]
            members = dict(
                conn.execute("select alert_id, alert_group_id from marts.fct_alert_group_members")
            )
    predicted = {alert: members.get(alert, f"alone:{alert}") for alert in truth}
    precision, recall, f1 = pairwise_quality(predicted, truth)
    by_kind = Counter(estate.kinds.values())
    return {
        "incidents": incidents,
        "kinds": dict(by_kind),
        "findings": len(estate.findings),
        "alerts": alerts,
        "groups": groups,
        "ungrouped": alerts - grouped,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "reduction": alerts / (groups + alerts - grouped) if alerts else 0.0,
        "cross_account_groups": spanning,
        "correlation_seconds": seconds,
    }


def main() -> None:
    """Parse arguments, optionally sweep, then evaluate and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the evaluation estate")
    parser.add_argument("--sweep", action="store_true", help="grid-search on a training estate")
    parser.add_argument("--train-seed", type=int, default=7)
    args = parser.parse_args()
    if args.sweep:
        results = sweep(args.incidents, args.train_seed)
        print(f"\nSweep on the training estate (seed {args.train_seed}), best 10 of {len(results)}")
        print("| F1 | text | resource | time | account | pattern | entity | threshold |")
        print("|---|---|---|---|---|---|---|---|")
        for f1, p in results[:10]:
            print(
                f"| {f1:.4f} | {p['text']} | {p['resource']} | {p['time']} | {p['account']} "
                f"| {p['pattern']} | {p['entity']} | {p['threshold']} |"
            )
    r = evaluate(args.incidents, args.seed, Settings())
    print(f"\nQuality on the labelled estate (seed {args.seed}, default settings)")
    print(
        "| incidents | findings | alerts | groups | ungrouped | precision | recall | F1 "
        "| queue reduction | cross-account groups |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {r['incidents']} | {r['findings']} | {r['alerts']} | {r['groups']} | {r['ungrouped']} "
        f"| {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['reduction']:.2f}x "
        f"| {r['cross_account_groups']} |"
    )
    print(f"incident kinds: {r['kinds']}; correlation steps took {r['correlation_seconds']:.2f} s")


if __name__ == "__main__":
    main()

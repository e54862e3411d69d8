"""Time and peak memory of the correlation at 10k, 100k and 1M alerts, pairs included.

Each size runs in its own process on a scratch database. Alerts come from the labelled
incidents generator, turned into alert rows (one per alert key, as `int_alerts_deduplicated`
would) and copied into `bench.alerts`; the dbt correlation models then read that table
(`--vars correlation_alerts_relation`), so the timing covers building the candidate pairs in
SQL, scoring them, grouping and writing every result table. PostgreSQL's own memory is not
in the figures (its work_mem bounds each sort); the Python figure is the scoring and
grouping process, the dbt figure the dbt process.

    python benchmarks/correlation_scale.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from correlation_support import scratch_database

from triage.correlation.steps import build_groups, build_pairs
from triage.demo.incidents import generate_incidents
from triage.settings import Settings
from triage.store.db import get_migrated_engine
from triage.transform import run_dbt

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK_INCIDENTS = 500
SCORES = {"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}
COLUMNS = (
    "alert_id, aws_account_id, region, resource_key, resource_type, resource_id, "
    "security_control_id, product_name, types, title, description, severity_score, "
    "workflow_status, first_seen_at, last_seen_at"
)


def alert_rows(size: int) -> Iterator[tuple[Any, ...]]:
    """Alert rows from labelled incidents, one per alert key, until `size` rows."""
    seen: set[str] = set()
    chunk = 0
    while True:
        accounts = [f"{100000000000 + chunk * 1000 + i:012d}" for i in range(50)]
        estate = generate_incidents(CHUNK_INCIDENTS, seed=1000 + chunk, accounts=accounts, now=NOW)
        for f in estate.findings:
            res = f["Resources"][0]
            control = (f.get("Compliance") or {}).get("SecurityControlId")
            key = (
                f"control|{f['AwsAccountId']}|{f['Region']}|{control}|{res['Id']}"
                if control
                else f"finding|{f['ProductArn']}|{f['Id']}"
            )
            alert_id = hashlib.md5(key.encode()).hexdigest()  # noqa: S324 - an id, not security
            if alert_id in seen:
                continue
            seen.add(alert_id)
            yield (
                alert_id,
                f["AwsAccountId"],
                f["Region"],
                res["Id"],
                res["Type"],
                res["Id"],
                control,
                f["ProductName"],
                f["Types"],
                f["Title"],
                f["Description"],
                SCORES[f["Severity"]["Label"]],
                "NEW",
                f["FirstObservedAt"],
                f["UpdatedAt"],
            )
            if len(seen) >= size:
                return
        chunk += 1


def one_size(size: int) -> dict[str, Any]:
    """Load `size` alerts, then time the pair models, the scoring and the grouping."""
    with scratch_database("corr_scale") as url:
        engine = get_migrated_engine(url)
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("create schema bench")
            conn.execute(
                "create table bench.alerts (alert_id text primary key, aws_account_id text, "
                "region text, resource_key text, resource_type text, resource_id text, "
                "security_control_id text, product_name text, types text[], title text, "
                "description text, severity_score integer, workflow_status text, "
                "first_seen_at timestamptz, last_seen_at timestamptz)"
            )
            with (
                conn.cursor() as cur,
                cur.copy(f"copy bench.alerts ({COLUMNS}) from stdin") as copy,
            ):
                for row in alert_rows(size):
                    copy.write_row(row)
            conn.execute("analyze bench.alerts")
            conn.commit()
        finally:
            raw.close()
        settings = Settings()
        started = time.perf_counter()
        run_dbt(
            [
                "run",
                "--quiet",
                "--select",
                "int_alert_features_extracted int_alert_blocks_assigned int_alert_pairs_blocked",
                "--vars",
                json.dumps({"correlation_alerts_relation": "bench.alerts"}),
            ],
            database_url=url,
        )
        pairs_sql = time.perf_counter() - started
        pair_stats = build_pairs(engine, settings)
        scored = time.perf_counter() - started
        group_stats = build_groups(engine, settings)
        total = time.perf_counter() - started
        engine.dispose()
    return {
        "alerts": pair_stats["alerts"],
        "candidate_pairs": pair_stats["candidate_pairs"],
        "groups": group_stats["groups"],
        "pairs_sql_s": pairs_sql,
        "scoring_s": scored - pairs_sql,
        "grouping_s": total - scored,
        "total_s": total,
        "python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "dbt_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> None:
    """Run each size in a fresh process and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_size:
        print(json.dumps(one_size(args.one_size)))
        return
    results = []
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(size)],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(f"size {size} failed:\n{out.stderr[-2000:]}")
            break
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("\nCorrelation at scale (pairs in SQL + scoring + grouping + writes)")
    print(
        "| alerts | candidate pairs | groups | pairs SQL s | scoring s | grouping s | total s "
        "| growth vs previous (time / size) | Python peak MB | dbt peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    previous = None
    for r in results:
        growth = "-"
        if previous:
            time_ratio = r["total_s"] / previous["total_s"]
            growth = f"{time_ratio:.1f}x / {r['alerts'] / previous['alerts']:.0f}x"
        print(
            f"| {r['alerts']} | {r['candidate_pairs']} | {r['groups']} | {r['pairs_sql_s']:.1f} "
            f"| {r['scoring_s']:.1f} | {r['grouping_s']:.1f} | {r['total_s']:.1f} | {growth} "
            f"| {r['python_peak_mb']:.0f} | {r['dbt_peak_mb']:.0f} |"
        )
        previous = r


if __name__ == "__main__":
    main()

"""Run the correlation on the shared public corpus and print what it groups.

Loads every ASFF and EventBridge file of `../shared/corpus` into a scratch database, runs
`dbt build`, the two correlation steps and the correlation marts, then prints each group
(title, size, accounts, the blocks and score parts behind it) and the queue reduction.

    python benchmarks/correlation_corpus.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from correlation_support import REPO_ROOT, scratch_database

from triage.correlation import store
from triage.correlation.steps import build_groups, build_pairs
from triage.findings import parse_finding_bytes
from triage.settings import Settings
from triage.store.db import get_migrated_engine
from triage.store.findings import store_findings
from triage.transform import run_dbt


def main() -> None:
    """Load the corpus, correlate it and print the groups."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    with scratch_database("corr_corpus") as url:
        engine = get_migrated_engine(url)
        for folder in ("asff", "asff-eventbridge"):
            for path in sorted((args.corpus / folder).rglob("*")):
                if path.is_file() and path.suffix != ".md":
                    parsed = parse_finding_bytes(path.read_bytes(), source=str(path))
                    store_findings(
                        engine=engine, findings=[(p, str(path)) for p in parsed.findings]
                    )
        run_dbt(["build", "--quiet", "--exclude", "tag:correlation_marts"], database_url=url)
        settings = Settings()
        pairs = build_pairs(engine, settings)
        groups = build_groups(engine, settings)
        run_dbt(["build", "--quiet", "--select", "tag:correlation_marts"], database_url=url)
        with store.driver(engine) as conn:
            alerts = conn.execute("select count(*) from marts.fct_alerts").fetchone()[0]
            rows = conn.execute(
                "select g.title, g.count_members, g.count_accounts, g.aws_account_ids, "
                "array_agg(distinct b) filter (where b is not null) "
                "from marts.fct_alert_groups as g "
                "join marts.fct_alert_group_members as m using (alert_group_id) "
                "left join lateral unnest(m.blocks) as b on true "
                "group by 1, 2, 3, 4 order by 2 desc, 1"
            ).fetchall()
            parts = conn.execute(
                "select key, avg(value::float) from marts.fct_alert_group_members, "
                "jsonb_each_text(score_parts) where not is_parent group by 1 order by 1"
            ).fetchall()
            grouped = conn.execute("select count(*) from marts.fct_alert_group_members").fetchone()[
                0
            ]
    print(f"\nCorrelation on {args.corpus} (default settings)")
    print(
        f"alerts {alerts}; candidate pairs {pairs['candidate_pairs']}; groups {groups['groups']}"
        f" holding {grouped} alerts; queue {alerts} -> {len(rows) + alerts - grouped} items "
        f"({alerts / max(1, len(rows) + alerts - grouped):.2f}x)"
    )
    print("| members | accounts | blocks | title |")
    print("|---|---|---|---|")
    for title, members, _count_accounts, accounts, blocks in rows[:25]:
        print(f"| {members} | {', '.join(accounts)} | {', '.join(blocks or [])} | {title[:90]} |")
    if len(rows) > 25:
        print(f"... and {len(rows) - 25} more groups")
    sizes = Counter(members for _t, members, *_rest in rows)
    print(f"group sizes: {dict(sorted(sizes.items()))}")
    print("mean score parts of linked members: " + ", ".join(f"{k} {v:.3f}" for k, v in parts))


if __name__ == "__main__":
    main()

"""Benchmark: latency of the workflow routes (PATCH an alert, notes, timeline) at 100,000 alerts.

Usage (with the private services running, see the README):

    set -a; . .services/env; set +a
    .venv/bin/python benchmarks/workflow_api.py [--alerts 100000] [--requests 200]

It works in its own database (`<dbname>_wfbench`, recreated each run): migrations, then marts
tables filled by SQL with `--alerts` alerts (one finding and two raw versions each, and some
triage history), then a real `uvicorn api.main:app` process measured over HTTP. It prints a
table of p50/p95 per route, and of the alert list filtered by triage status and assignee.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.marts_contract import MARTS_DDL, MARTS_INDEX_DDL  # noqa: E402

PASSWORD = "benchmark-password-123"

# The marts tables as the API reads them (the same definitions the API tests use), filled
# by SQL: every alert gets resource context columns, one finding and two raw versions.
FILL_SQL = """
insert into marts.fct_alerts (alert_id, alert_key, severity_label, severity_score,
    workflow_status, record_state, compliance_status, product_name, company_name,
    aws_account_id, region, resource_type, resource_id, count_resources, title, description,
    types, security_control_id, standards, first_seen_at, last_seen_at, updated_at,
    count_findings, is_closed_by_source, closed_reason, owner, environment, classification,
    impact_score, impact_severity_points, impact_sensitivity_points, impact_exposure_points,
    impact_environment_points, last_change_actor, last_change_at)
select
    md5('alert-' || n),
    'key-' || n,
    (array['CRITICAL','HIGH','MEDIUM','LOW','INFORMATIONAL'])[1 + n % 5],
    (array[90, 70, 40, 1, 0])[1 + n % 5],
    'NEW', 'ACTIVE', 'FAILED', 'Security Hub', 'AWS',
    lpad((111111111111 + n % 7)::text, 12, '0'),
    (array['us-east-1','eu-west-1'])[1 + n % 2],
    'AwsS3Bucket', 'arn:aws:s3:::bucket-' || n,
    1, 'S3 bucket ' || n || ' should block public access', 'generated',
    array['Software and Configuration Checks'], 'S3.8',
    array['aws-foundational-security-best-practices'],
    now() - interval '30 days',
    now() - (n % 1000) * interval '1 minute',
    now() - (n % 1000) * interval '1 minute',
    1, false, null,
    'team-' || n % 40, (array['prod','dev','staging'])[1 + n % 3],
    (array['restricted','internal','public'])[1 + n % 3],
    n % 101, 30, 20, 25, 10, 'deployer-' || n % 25, now() - interval '31 days'
from generate_series(1, %(alerts)s) as n;
insert into marts.fct_alert_findings (alert_id, product_arn, finding_id, severity_label,
    workflow_status, record_state, compliance_status, updated_at, generator_id, standard)
select alert_id, 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    'finding-' || alert_key, severity_label, workflow_status, record_state,
    compliance_status, updated_at, 'security-control/S3.8',
    'aws-foundational-security-best-practices'
from marts.fct_alerts;
create index on marts.fct_alert_findings (alert_id);
insert into marts.fct_alert_resources (alert_id, resource_key, resource_id, resource_type,
    region, is_primary)
select alert_id, md5(resource_id), resource_id, resource_type, region, true
from marts.fct_alerts;
create index on marts.fct_alert_resources (alert_id);
insert into raw.securityhub_findings (product_arn, finding_id, updated_at, content_hash,
    aws_account_id, region, finding, normalized, source)
select product_arn, finding_id, updated_at - v * interval '1 day', md5(finding_id || v),
    '111111111111', 'us-east-1',
    jsonb_build_object('Id', finding_id, 'Workflow', jsonb_build_object('Status', 'NEW'),
        'Compliance', jsonb_build_object('Status', 'FAILED'), 'RecordState', 'ACTIVE'),
    '{}'::jsonb, 'benchmark'
from marts.fct_alert_findings cross join generate_series(0, 1) as v;
insert into app.alert_events (alert_id, kind, actor, summary, details)
select alert_id, 'status_changed', 'benchmark', 'status new -> acknowledged',
    '{"from": "new", "to": "acknowledged"}'::jsonb
from marts.fct_alerts where severity_score >= 70;
analyze;
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bench_database(server_url: str) -> str:
    base, _, name = server_url.rpartition("/")
    bench = f"{name}_wfbench"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{bench}" with (force)')
        conn.execute(f'create database "{bench}"')
    return f"{base}/{bench}"


def _prepare(database_url: str, alerts: int) -> float:
    from triage.accounts.roles import Role
    from triage.accounts.users import create_user
    from triage.audit import Actor
    from triage.store.db import get_migrated_engine

    start = time.perf_counter()
    engine = get_migrated_engine(database_url)
    with engine.begin() as db:
        create_user(
            db=db,
            actor=Actor.system("benchmark"),
            username="bench-engineer",
            password=PASSWORD,
            role=Role.ENGINEER,
        )
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(MARTS_DDL + ";" + MARTS_INDEX_DDL)
        conn.execute(FILL_SQL.replace("%(alerts)s", str(int(alerts))))
    return time.perf_counter() - start


def _timed(
    samples: list[float], call: Callable[..., httpx.Response], path: str, ok: int, **kwargs: Any
) -> httpx.Response:
    start = time.perf_counter()
    response = call(path, **kwargs)
    samples.append((time.perf_counter() - start) * 1000)
    if response.status_code != ok:
        raise SystemExit(f"unexpected HTTP {response.status_code}: {response.text[:300]}")
    return response


def _measure(url: str, alert_ids: list[str]) -> dict[str, list[float]]:
    client = httpx.Client(base_url=url, timeout=30)
    token = client.post(
        "/api/v1/auth/token", data={"username": "bench-engineer", "password": PASSWORD}
    ).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    names = (
        "PATCH /alerts/{id}",
        "POST /alerts/{id}/notes",
        "PATCH /alerts/{id}/notes/{note_id}",
        "GET /alerts/{id}/notes",
        "GET /alerts/{id}/timeline",
    )
    results: dict[str, list[float]] = {name: [] for name in names}
    for alert_id in alert_ids:
        base = f"/api/v1/alerts/{alert_id}"
        etag = client.get(base).headers["ETag"]
        change = {"status": "investigating", "assignee": "bench-engineer"}
        _timed(results[names[0]], client.patch, base, 200, headers={"If-Match": etag}, json=change)
        note = _timed(
            results[names[1]],
            client.post,
            f"{base}/notes",
            201,
            json={"body": "checked **bucket** policy"},
        )
        note_path = f"{base}/notes/{note.json()['note_id']}"
        _timed(results[names[2]], client.patch, note_path, 200, json={"body": "policy is fine"})
        _timed(results[names[3]], client.get, f"{base}/notes", 200)
        _timed(results[names[4]], client.get, f"{base}/timeline", 200)
    # The queue filtered by the human state, once the loop above has worked some alerts:
    # a few alerts match (investigating, mine) or nearly all do (new, unassigned).
    lists = {
        "GET /alerts?triage_status=investigating": {"triage_status": "investigating"},
        "GET /alerts?assignee=me": {"assignee": "me"},
        "GET /alerts?triage_status=new": {"triage_status": "new"},
        "GET /alerts?assignee=none&severity=HIGH": {"assignee": "none", "severity": "HIGH"},
    }
    for name, params in lists.items():
        samples = results.setdefault(name, [])
        for _ in alert_ids:
            _timed(samples, client.get, "/api/v1/alerts", 200, params=params)
    return results


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    """Prepare the scratch database, serve the API and print the latency table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="alerts worked (per route)")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        raise SystemExit("DATABASE_URL is not set: `set -a; . .services/env; set +a` first")

    database_url = _bench_database(server_url)
    prepare_seconds = _prepare(database_url, args.alerts)
    with psycopg.connect(database_url) as conn:
        alert_ids = [row[0] for row in conn.execute("select alert_id from marts.fct_alerts")]
    sample = random.Random(5).sample(alert_ids, args.requests)

    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        TRIAGE_RATE_LIMIT="1000000/minute",
        TRIAGE_WRITEBACK_ENABLED="true",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        results = _measure(url, sample)
    finally:
        server.terminate()
        server.wait(timeout=15)

    print(
        f"workflow API at {len(alert_ids):,} alerts ({args.requests} alerts worked, one "
        f"uvicorn worker, data prepared in {prepare_seconds:.1f} s)"
    )
    print(f"| {'route':42} | {'n':>4} | {'p50 ms':>7} | {'p95 ms':>7} | {'mean ms':>7} |")
    print(f"|{'-' * 44}|{'-' * 6}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, values in results.items():
        print(
            f"| {name:42} | {len(values):>4} | {_percentile(values, 0.5):7.1f} | "
            f"{_percentile(values, 0.95):7.1f} | {statistics.fmean(values):7.1f} |"
        )


if __name__ == "__main__":
    main()

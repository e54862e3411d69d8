"""Benchmark: ingest throughput, dbt build time and API latency at 100,000 alerts.

Usage (with the private services running, see the README):

    set -a; . .services/env; set +a
    .venv/bin/python benchmarks/ingest_and_api.py [--findings 100000] [--requests 200]

It works in its own database (`<dbname>_bench`, recreated each run) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
BIN = Path(sys.executable).parent
# One fixed "now" so both generation passes share a timeline.
NOW = datetime.now(UTC)
# The top-up pass starts at this estate copy, far past the copies the first pass used
# (each copy holds about 500 finding versions), so it adds alerts rather than versions.
TOP_UP_FIRST_BATCH = 100_000


def _bench_database(server_url: str) -> str:
    base, _, name = server_url.rpartition("/")
    bench = f"{name}_bench"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{bench}" with (force)')
        conn.execute(f'create database "{bench}"')
    return f"{base}/{bench}"


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, out.stdout


def _write_generated(n: int, folder: Path, *, first_batch: int = 0) -> None:
    """Write `n` generated findings as ASFF files, starting at estate copy `first_batch`."""
    from triage.demo.generator import generate_findings_bulk

    chunk, part = [], 0
    for finding in generate_findings_bulk(n, seed=11, now=NOW, first_batch=first_batch):
        chunk.append(finding)
        if len(chunk) == 10_000:
            (folder / f"part-{part:03}.json").write_text(json.dumps({"Findings": chunk}))
            chunk, part = [], part + 1
    if chunk:
        (folder / f"part-{part:03}.json").write_text(json.dumps({"Findings": chunk}))


READER = "bench-viewer"
READER_PASSWORD = "a-benchmark-viewer-password"


def _create_reader(database_url: str) -> None:
    """A viewer to sign in as: every alert route needs a bearer token."""
    from triage.accounts.roles import Role
    from triage.accounts.users import create_user, find_user
    from triage.audit import Actor
    from triage.store.db import get_migrated_engine

    with get_migrated_engine(database_url).begin() as db:
        if find_user(db=db, username=READER) is None:
            create_user(
                db=db,
                actor=Actor.system("benchmark"),
                username=READER,
                password=READER_PASSWORD,
                role=Role.VIEWER,
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _latencies(client: httpx.Client, path: str, params: dict, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, params=params)
        samples.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _deep_cursor(client: httpx.Client, depth: int) -> str:
    cursor, seen = None, 0
    while seen < depth:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/alerts", params=params).json()
        seen += len(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            break
    return cursor or ""


def main() -> None:
    """Run every measurement and print one table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=100_000, help="findings to ingest")
    parser.add_argument(
        "--alerts", type=int, default=100_000, help="alerts to reach before the API timings"
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    url = _bench_database(os.environ["DATABASE_URL"])
    env = {**os.environ, "DATABASE_URL": url}
    rows: list[tuple[str, str]] = []

    seconds, out = _run([str(BIN / "triage"), "ingest", str(CORPUS), "--json"], env)
    corpus = json.loads(out)
    rows.append(
        (
            f"ingest corpus ({corpus['findings_seen']} findings, {corpus['files']} files)",
            f"{corpus['findings_seen'] / seconds:,.0f} findings/s ({seconds:.1f} s)",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        _write_generated(args.findings, Path(tmp))
        gen_seconds = time.perf_counter() - start
        seconds, out = _run([str(BIN / "triage"), "ingest", tmp, "--json"], env)
    generated = json.loads(out)
    rows.append((f"generate {args.findings:,} findings", f"{gen_seconds:.1f} s"))
    rows.append(
        (
            f"ingest {generated['findings_seen']:,} generated findings",
            f"{generated['findings_seen'] / seconds:,.0f} findings/s ({seconds:.1f} s)",
        )
    )

    seconds, _ = _run([str(BIN / "triage"), "build", "--quiet"], env)
    with psycopg.connect(url) as conn:
        alerts = conn.execute("select count(*) from marts.fct_alerts").fetchone()[0]
    rows.append((f"dbt build ({alerts:,} alerts)", f"{seconds:.1f} s"))

    if alerts < args.alerts:
        # Several versions and standards collapse into one alert, so top up with new estate
        # copies in the measured proportion until the marts hold the target.
        extra = int((args.alerts - alerts) * generated["findings_seen"] / alerts * 1.05) + 1
        with tempfile.TemporaryDirectory() as tmp:
            _write_generated(extra, Path(tmp), first_batch=TOP_UP_FIRST_BATCH)
            _run([str(BIN / "triage"), "ingest", tmp, "--json"], env)
        seconds, _ = _run([str(BIN / "triage"), "build", "--quiet"], env)
        with psycopg.connect(url) as conn:
            alerts = conn.execute("select count(*) from marts.fct_alerts").fetchone()[0]
        rows.append((f"dbt build ({alerts:,} alerts, after a top-up)", f"{seconds:.1f} s"))

    _create_reader(url)
    port = _free_port()
    # The benchmark measures latency, not the per-user budget of 100 requests a minute.
    server_env = {**env, "TRIAGE_RATE_LIMIT": "1000000/minute"}
    server = subprocess.Popen(
        [str(BIN / "uvicorn"), "api.main:app", "--port", str(port), "--log-level", "warning"],
        env=server_env,
        cwd=ROOT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(100):
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            token = client.post(
                "/api/v1/auth/token", data={"username": READER, "password": READER_PASSWORD}
            )
            token.raise_for_status()
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            deep = _deep_cursor(client, min(90_000, max(alerts - 100, 0)))
            cases = {
                "first page (limit 50)": {"limit": 50},
                "deep page (~90,000 rows in)": {"limit": 50, "cursor": deep},
                "filtered (severity=HIGH, region)": {
                    "limit": 50,
                    "severity": "HIGH",
                    "region": "eu-west-1",
                },
            }
            for label, params in cases.items():
                p50, p95 = _latencies(client, "/api/v1/alerts", params, args.requests)
                rows.append((f"GET /api/v1/alerts {label}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
    finally:
        server.terminate()
        server.wait(timeout=10)

    width = max(len(label) for label, _ in rows)
    print(f"{'measurement'.ljust(width)} | result")
    print(f"{'-' * width}-|-{'-' * 40}")
    for label, value in rows:
        print(f"{label.ljust(width)} | {value}")


if __name__ == "__main__":
    main()

"""The `triage` command line: ingest, build, serve and demo helpers."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from triage.cli_workflow import add_workflow_commands
from triage.errors import TriageError

logger = logging.getLogger("triage")


def _cmd_migrate(args: argparse.Namespace) -> int:
    from triage.store.db import migrate

    migrate()
    print("migrations applied")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from triage.ingest import drain_finding_queue, ingest_locations, ingest_securityhub_api
    from triage.store.db import get_migrated_engine
    from triage.store.findings import LoadStats

    if not (args.locations or args.from_api or args.from_sqs):
        print("nothing to ingest: give paths or s3:// URIs, --from-api or --from-sqs")
        return 2
    engine = get_migrated_engine()
    stats = LoadStats()
    if args.locations:
        stats.add(ingest_locations(args.locations, engine=engine, progress=sys.stderr.isatty()))
    scopes = []
    if args.from_api:
        for scope in ingest_securityhub_api(engine=engine):
            stats.add(scope.stats)
            scopes.append(
                {
                    "aws_account_id": scope.aws_account_id,
                    "region": scope.region,
                    "status": scope.status,
                    "pages": scope.pages,
                    "window_start": scope.window_start.isoformat(),
                    "window_end": scope.window_end.isoformat(),
                }
            )
    if args.from_sqs:
        stats.add(drain_finding_queue(engine=engine))

    report = stats.as_dict()
    if scopes:
        report["scopes"] = scopes
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print(
            f"files={report['files']} skipped_files={report['skipped_files']} "
            f"findings_seen={report['findings_seen']} "
            f"versions_loaded={report['versions_loaded']} unchanged={report['unchanged']} "
            f"quarantined={report['quarantined']} (new {report['quarantined_new']})"
        )
        for reason, count in report["reasons"].items():
            print(f"  quarantined {reason}: {count}")
        for name, count in report["context"].items():
            print(f"  {name}: {count}")
    return 0


def _cmd_lookup_activity(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from triage.aws.session import make_client, make_session
    from triage.ingest.cloudtrail_lookup import lookup_resource_activity
    from triage.settings import get_settings
    from triage.store.db import get_migrated_engine

    if not 1 <= args.hours <= 90 * 24:
        print("--hours must be between 1 and 2160: LookupEvents covers the last 90 days")
        return 2
    settings = get_settings()
    account = next((a for a in settings.aws_accounts if a.account_id == args.account), None)
    region = args.region or settings.aws_regions[0]
    client = make_client(make_session(account, region, settings), "cloudtrail", settings)
    end = datetime.now(UTC)
    stats = lookup_resource_activity(
        engine=get_migrated_engine(),
        client=client,
        resource_name=args.resource,
        start=end - timedelta(hours=args.hours),
        end=end,
    )
    print(json.dumps(vars(stats), sort_keys=True))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from triage.store.db import migrate
    from triage.transform import run_dbt

    migrate()
    quiet = ["--quiet"] if args.quiet else []
    # The correlation marts read what the correlation steps write, so they build last.
    run_dbt(["build", *quiet, "--exclude", "tag:correlation_marts", *args.dbt_args])
    from triage.correlation.steps import build_groups, build_pairs
    from triage.settings import get_settings
    from triage.store.db import get_migrated_engine

    engine, settings = get_migrated_engine(), get_settings()
    build_pairs(engine, settings)
    build_groups(engine, settings)
    run_dbt(["build", *quiet, "--select", "tag:correlation_marts"])
    # The reopen step runs after every build, as the Dagster asset does.
    from triage.cli_workflow import cmd_reopen

    return cmd_reopen(args)


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from triage.exports import export_marts
    from triage.store.db import get_migrated_engine

    exported = export_marts(
        engine=get_migrated_engine(), folder=Path(args.folder), tables=args.table or None
    )
    for item in exported:
        print(f"{item.table}: {item.rows} rows -> {item.path}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from triage.serve import serve_all

    return serve_all(api=not args.no_api, dashboards=not args.no_dashboards)


def _cmd_demo_seed(args: argparse.Namespace) -> int:
    from triage.demo.context import seed_resource_context
    from triage.demo.generator import generate_findings
    from triage.demo.seed import seed_estate
    from triage.settings import get_settings

    endpoint = get_settings().aws_endpoint_url
    if not endpoint:
        print("AWS_ENDPOINT_URL must point at the local emulator for the demo seed")
        return 2
    if args.reset:
        from triage.demo.reset import reset_demo_data
        from triage.store.db import get_migrated_engine

        reset_demo_data(engine=get_migrated_engine(), redis_url=get_settings().redis_url)
    # Labelled incidents give the demo queue related alerts to group (triage.demo.incidents).
    findings = generate_findings(incidents=20)
    result = seed_estate(endpoint_url=endpoint, findings=findings)
    report = result.as_dict() if hasattr(result, "as_dict") else vars(result)
    # Resources, Config history and CloudTrail files that agree with the findings.
    report["resource_context"] = seed_resource_context(
        endpoint_url=endpoint, findings=findings
    ).as_dict()
    print(json.dumps(report, default=str))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="triage", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_cmd_migrate)

    ingest = sub.add_parser(
        "ingest", help="load findings, CloudTrail and Config files into the raw layer"
    )
    ingest.add_argument("locations", nargs="*", help="files, folders or s3://bucket/prefix")
    ingest.add_argument("--from-api", action="store_true", help="pull GetFindings incrementally")
    ingest.add_argument("--from-sqs", action="store_true", help="drain TRIAGE_SQS_QUEUE_URL")
    ingest.add_argument("--json", action="store_true", help="print one JSON object of counts")
    ingest.set_defaults(func=_cmd_ingest)

    lookup = sub.add_parser(
        "lookup-activity", help="fetch one resource's recent CloudTrail events (LookupEvents)"
    )
    lookup.add_argument("resource", help="resource name or ARN, e.g. a bucket name")
    lookup.add_argument("--hours", type=int, default=24, help="how far back (max 90 days)")
    lookup.add_argument("--account", help="account id from TRIAGE_AWS_ACCOUNTS")
    lookup.add_argument("--region", help="region (default: the first configured)")
    lookup.set_defaults(func=_cmd_lookup_activity)

    build = sub.add_parser("build", help="run `dbt build` (staging, intermediate, marts)")
    build.add_argument("-q", "--quiet", action="store_true", help="print only dbt's errors")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER, help="extra dbt arguments")
    build.set_defaults(func=_cmd_build)

    export = sub.add_parser("export", help="write the marts as Parquet files for DuckDB/polars")
    export.add_argument("folder", help="where to write <table>.parquet")
    export.add_argument("--table", action="append", help="only this mart (repeatable)")
    export.set_defaults(func=_cmd_export)

    serve = sub.add_parser("serve", help="serve the API and the dashboards")
    serve.add_argument("--no-api", action="store_true")
    serve.add_argument("--no-dashboards", action="store_true")
    serve.set_defaults(func=_cmd_serve)

    seed = sub.add_parser("demo-seed", help="load the sample estate into the AWS emulator")
    seed.add_argument(
        "--reset", action="store_true", help="first empty the raw layer and resource cache"
    )
    seed.set_defaults(func=_cmd_demo_seed)

    add_workflow_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `triage` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args))
    except TriageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

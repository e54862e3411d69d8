"""Seed a running moto server with the demo estate: Security Hub, S3 exports and SQS.

moto scopes its state by account through the caller's access key: keys it does not know
land in its default account (123456789012), while the temporary keys that `sts:AssumeRole`
returns belong to the account in the role ARN. The seeder therefore assumes a role in each
demo account and imports that account's findings with the keys it gets back, so each
account and region holds only its own findings, as in a real organisation.
"""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from triage.demo.generator import (
    DEFAULT_ACCOUNTS,
    DEFAULT_REGIONS,
    generate_eventbridge_event,
    generate_findings,
)
from triage.errors import TriageError

logger = logging.getLogger(__name__)

IMPORT_BATCH = 100
EVENT_FINDINGS = 10
SQS_BATCH_BYTES = 200_000
SEED_ROLE = "arn:aws:iam::{account}:role/triage-demo-seeder"
EXPORT_PREFIX = "exports"
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


class SeedError(TriageError):
    """Seeding the emulator failed (an import was rejected or the server did not answer)."""


@dataclass
class SeedResult:
    """What `seed_estate` wrote, for the CLI, the Makefile and tests."""

    endpoint_url: str
    bucket_uri: str
    queue_url: str
    findings_generated: int
    findings_imported: int
    distinct_findings: int
    imported_by_scope: dict[str, int] = field(default_factory=dict)
    export_objects: list[str] = field(default_factory=list)
    messages_sent: int = 0
    findings_in_queue: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready values."""
        return asdict(self)


def seed_estate(
    *,
    endpoint_url: str,
    bucket: str = "triage-demo-exports",
    queue_name: str = "triage-demo-findings",
    seed: int = 7,
    scale: int = 1,
    now: datetime | None = None,
    accounts: Sequence[str] = DEFAULT_ACCOUNTS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    queue_max_findings: int = 100,
    findings: list[dict[str, Any]] | None = None,
) -> SeedResult:
    """Import the demo findings into moto's Security Hub and write the S3 and SQS exports.

    Every version is imported in `UpdatedAt` order, so Security Hub ends up holding each
    finding's latest version. The bucket receives EventBridge events as JSON Lines (one file
    per account and region, every version), a plain `{"Findings": [...]}` file with the
    latest version of the first account's findings, and a gzip JSON file holding a bare list
    of the latest versions of the other accounts. The queue receives EventBridge events for
    the `queue_max_findings` most recently updated versions.

    Raises:
        SeedError: Security Hub reported failed imports.
    """
    findings = (
        findings
        if findings is not None
        else generate_findings(seed=seed, accounts=accounts, regions=regions, scale=scale, now=now)
    )
    ordered = sorted(findings, key=lambda f: (f["UpdatedAt"], f["Id"]))
    by_scope: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for finding in ordered:
        by_scope[(finding["AwsAccountId"], finding["Region"])].append(finding)

    imported: dict[str, int] = {}
    for (account_id, region), scoped in sorted(by_scope.items()):
        session = assume_demo_role(endpoint_url, account_id, region)
        client = session.client("securityhub", endpoint_url=endpoint_url, config=_CONFIG)
        imported[f"{account_id}:{region}"] = import_findings(client, scoped)

    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in ordered:
        latest[(finding["ProductArn"], finding["Id"])] = finding
    base = boto3.Session(region_name=DEFAULT_REGIONS[0])
    s3 = base.client("s3", endpoint_url=endpoint_url, config=_CONFIG)
    objects = _write_exports(s3, bucket, by_scope, list(latest.values()), accounts)
    sqs = base.client("sqs", endpoint_url=endpoint_url, config=_CONFIG)
    queue_url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    recent = ordered[-queue_max_findings:] if queue_max_findings > 0 else []
    messages = _send_events(sqs, queue_url, recent)

    result = SeedResult(
        endpoint_url=endpoint_url,
        bucket_uri=f"s3://{bucket}/{EXPORT_PREFIX}/",
        queue_url=queue_url,
        findings_generated=len(findings),
        findings_imported=sum(imported.values()),
        distinct_findings=len(latest),
        imported_by_scope=imported,
        export_objects=objects,
        messages_sent=messages,
        findings_in_queue=len(recent),
    )
    logger.info(
        "seeded %s: %d versions imported (%d findings), %d export objects, %d messages",
        endpoint_url,
        result.findings_imported,
        result.distinct_findings,
        len(objects),
        messages,
    )
    return result


def assume_demo_role(endpoint_url: str, account_id: str, region: str) -> boto3.Session:
    """Return a session whose keys moto attributes to `account_id` (fresh, never cached)."""
    sts = boto3.Session(region_name=region).client("sts", endpoint_url=endpoint_url, config=_CONFIG)
    creds = sts.assume_role(
        RoleArn=SEED_ROLE.format(account=account_id),
        RoleSessionName="triage-demo-seed",
        ExternalId="triage-demo",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def import_findings(client: Any, findings: Sequence[dict[str, Any]]) -> int:
    """Import findings with `BatchImportFindings` in batches of 100; return how many landed.

    Raises:
        SeedError: any finding was rejected (`FailedCount` > 0).
    """
    done = 0
    for start in range(0, len(findings), IMPORT_BATCH):
        batch = list(findings[start : start + IMPORT_BATCH])
        response = client.batch_import_findings(Findings=batch)
        if response.get("FailedCount", 0):
            failed = response.get("FailedFindings", [])[:3]
            raise SeedError(f"BatchImportFindings rejected {response['FailedCount']}: {failed}")
        done += response.get("SuccessCount", len(batch))
    return done


def _write_exports(
    s3: Any,
    bucket: str,
    by_scope: dict[tuple[str, str], list[dict[str, Any]]],
    latest: list[dict[str, Any]],
    accounts: Sequence[str],
) -> list[str]:
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    written: list[tuple[str, bytes]] = []
    for (account_id, region), scoped in sorted(by_scope.items()):
        lines = [
            json.dumps(generate_eventbridge_event(scoped[i : i + EVENT_FINDINGS]))
            for i in range(0, len(scoped), EVENT_FINDINGS)
        ]
        key = f"{EXPORT_PREFIX}/eventbridge/{account_id}/{region}/findings-imported.jsonl"
        written.append((key, ("\n".join(lines) + "\n").encode()))
    first = [f for f in latest if f["AwsAccountId"] == accounts[0]]
    others = [f for f in latest if f["AwsAccountId"] != accounts[0]]
    written.append(
        (
            f"{EXPORT_PREFIX}/asff/{accounts[0]}-findings.json",
            json.dumps({"Findings": first}).encode(),
        )
    )
    written.append(
        (
            f"{EXPORT_PREFIX}/asff/other-accounts-findings.json.gz",
            gzip.compress(json.dumps(others).encode()),
        )
    )
    for key, body in written:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    return [f"s3://{bucket}/{key}" for key, _ in written]


def _send_events(sqs: Any, queue_url: str, findings: Sequence[dict[str, Any]]) -> int:
    by_scope: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_scope[(finding["AwsAccountId"], finding["Region"])].append(finding)
    bodies = [
        json.dumps(generate_eventbridge_event(scoped[i : i + EVENT_FINDINGS]))
        for _, scoped in sorted(by_scope.items())
        for i in range(0, len(scoped), EVENT_FINDINGS)
    ]
    sent = 0
    entries: list[dict[str, str]] = []
    size = 0
    for body in bodies:
        if entries and (len(entries) == 10 or size + len(body) > SQS_BATCH_BYTES):
            sent += _send_batch(sqs, queue_url, entries)
            entries, size = [], 0
        entries.append({"Id": str(len(entries)), "MessageBody": body})
        size += len(body)
    if entries:
        sent += _send_batch(sqs, queue_url, entries)
    return sent


def _send_batch(sqs: Any, queue_url: str, entries: list[dict[str, str]]) -> int:
    response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    if response.get("Failed"):
        raise SeedError(f"SendMessageBatch failed: {response['Failed'][:3]}")
    return len(response.get("Successful", []))


def start_moto_server(
    port: int | None = None, *, timeout: float = 30.0, log_path: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `moto_server` from this environment on 127.0.0.1; return the process and URL.

    Stop it with `stop_moto_server(process)` (by its pid). A free port is chosen when `port`
    is None.

    Raises:
        SeedError: the server did not answer within `timeout` seconds.
    """
    port = port or _free_port()
    binary = Path(sys.executable).with_name("moto_server")
    if binary.exists():
        command = [str(binary)]
    elif shutil.which("moto_server"):
        command = [str(shutil.which("moto_server"))]
    else:
        command = [sys.executable, "-m", "moto.server"]
    command += ["-H", "127.0.0.1", "-p", str(port)]
    output = open(log_path, "ab") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    if log_path:
        output.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SeedError(f"moto_server exited with code {process.returncode} on port {port}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return process, url
        except urllib.error.HTTPError:
            return process, url
        except OSError:
            time.sleep(0.1)
    stop_moto_server(process)
    raise SeedError(f"moto_server did not answer on {url} within {timeout:.0f}s")


def stop_moto_server(process: subprocess.Popen[bytes], *, timeout: float = 10.0) -> None:
    """Stop a server started by `start_moto_server` (terminate, then kill after `timeout`)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def reset_moto_server(url: str) -> None:
    """Forget every resource the moto server at `url` holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

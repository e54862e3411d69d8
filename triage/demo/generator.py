"""A seeded generator of a realistic estate of ASFF findings for demos, tests and benchmarks.

One seed always yields the same findings for the same `now`. The estate spans several
accounts and regions; it mixes Security Hub control findings (consolidated and the older
per-standard layout, so one misconfiguration repeats across standards), GuardDuty, Inspector,
Macie and IAM Access Analyzer findings, each with several versions over time (re-observed,
resolved, passed, suppressed, archived, recurring).
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from triage.demo import builders
from triage.demo.catalogue import CONTROLS, CVES, GUARDDUTY_TYPES, MACIE_TYPES
from triage.demo.context_logs import PUBLIC_CONTROLS
from triage.demo.control_findings import control_findings
from triage.demo.estate import Resource, ScopeEstate, build_scope
from triage.demo.timeline import CONTROL_LIFECYCLES, EVENT_LIFECYCLES, build_versions, iso, pick

DEFAULT_ACCOUNTS = ("111122223333", "444455556666", "777788889999")
DEFAULT_REGIONS = ("us-east-1", "eu-west-1")
EVENT_DETAIL_TYPE = "Security Hub Findings - Imported"


def generate_findings(
    *,
    seed: int = 7,
    accounts: Sequence[str] = DEFAULT_ACCOUNTS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    scale: int = 1,
    now: datetime | None = None,
    incidents: int = 0,
) -> list[dict[str, Any]]:
    """Return every version of every finding of the demo estate, oldest `UpdatedAt` first.

    Args:
        seed: The random seed; the same seed and `now` give the same findings.
        accounts: Twelve-digit account ids; the first is production, then staging, then dev.
        regions: Regions; the first is each account's home region (IAM and CloudTrail).
        scale: Multiplies the estate (each extra copy has its own resource names).
        now: The latest time any version may have; the current time when omitted.
        incidents: Labelled incidents to add (`triage.demo.incidents`), for correlation.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    moment = _now(now)
    findings: list[dict[str, Any]] = []
    for batch in range(scale):
        findings.extend(_generate_batch(seed, accounts, regions, batch, moment))
    if incidents:
        from triage.demo.incidents import generate_incidents

        labelled = generate_incidents(
            incidents, seed=seed, accounts=accounts, regions=regions, now=moment
        )
        findings.extend(labelled.findings)
    findings.sort(key=lambda f: (f["UpdatedAt"], f["Id"]))
    return findings


def generate_findings_bulk(
    n: int,
    seed: int = 7,
    *,
    accounts: Sequence[str] = DEFAULT_ACCOUNTS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    now: datetime | None = None,
    first_batch: int = 0,
) -> Iterator[dict[str, Any]]:
    """Stream `n` finding versions, one estate copy after another, for benchmarks.

    Args:
        first_batch: The first estate copy to produce; a later call that starts past the
            copies an earlier call used adds new findings rather than new versions.
    """
    moment = _now(now)
    produced = 0
    for batch in itertools.count(first_batch):
        for finding in _generate_batch(seed, accounts, regions, batch, moment):
            if produced >= n:
                return
            produced += 1
            yield finding
        if produced >= n:
            return


def generate_eventbridge_event(
    findings: Sequence[dict[str, Any]], *, time: datetime | None = None
) -> dict[str, Any]:
    """Wrap findings in a "Security Hub Findings - Imported" EventBridge event.

    The event id is derived from the finding keys, so the same findings give the same event.
    Account and region come from the first finding.
    """
    if not findings:
        raise ValueError("an event needs at least one finding")
    first = findings[0]
    digest = hashlib.sha256()
    for finding in findings:
        digest.update(f"{finding['ProductArn']}|{finding['Id']}|{finding['UpdatedAt']}".encode())
    hexed = digest.hexdigest()
    event_id = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"
    when = time or max(datetime.fromisoformat(f["UpdatedAt"]) for f in findings)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": EVENT_DETAIL_TYPE,
        "source": "aws.securityhub",
        "account": first.get("AwsAccountId", ""),
        "time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": first.get("Region", ""),
        "resources": [
            f"{f['ProductArn']}/{f['Id']}" if not f["Id"].startswith("arn:") else f["Id"]
            for f in findings
        ],
        "detail": {"findings": list(findings)},
    }


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _generate_batch(
    seed: int, accounts: Sequence[str], regions: Sequence[str], batch: int, now: datetime
) -> Iterator[dict[str, Any]]:
    for account_index, account_id in enumerate(accounts):
        for region_index, region in enumerate(regions):
            rng = random.Random(f"{seed}:{batch}:{account_id}:{region}")
            scope = build_scope(
                rng,
                account_id=account_id,
                account_index=account_index,
                region=region,
                is_home_region=region_index == 0,
                batch=batch,
            )
            consolidated = (account_index + region_index) % 2 == 0
            yield from _control_findings(rng, scope, now, account_index, consolidated)
            yield from _threat_findings(rng, scope, now)


def _control_targets(scope: ScopeEstate, target: str) -> list[Resource]:
    if target == "account":
        return [scope.account]
    if target == "bucket":
        return scope.buckets
    if target == "group":
        return scope.security_groups
    if target == "user":
        return scope.users
    if target == "trail":
        return scope.trails
    raise ValueError(f"unknown control target {target!r}")


def _control_findings(
    rng: random.Random,
    scope: ScopeEstate,
    now: datetime,
    account_index: int,
    consolidated: bool,
) -> Iterable[dict[str, Any]]:
    # Older per-standard findings from before 2023 lack SecurityControlId; the third account
    # shows the later per-standard layout that carries it.
    with_control_id = consolidated or account_index % 3 == 2
    for control in CONTROLS:
        if (
            control.target == "account"
            and not scope.is_home_region
            and control.control_id != "S3.1"
        ):
            continue
        for resource in _control_targets(scope, control.target):
            if control.fails_for:
                fails = resource.kind in control.fails_for
            else:
                fails = rng.random() < 0.5
            if not fails and rng.random() < 0.75:
                continue  # keep some PASSED findings, not one for every control and resource
            lifecycle = pick(rng, CONTROL_LIFECYCLES)
            if fails and control.control_id in PUBLIC_CONTROLS:
                # The Config history and CloudTrail logs of the demo show these buckets made
                # public and never closed again, so their findings stay open.
                lifecycle = "open"
            versions = build_versions(
                rng, now=now, lifecycle=lifecycle, is_control=True, passing=not fails
            )
            yield from control_findings(
                rng,
                scope,
                control,
                resource,
                versions,
                consolidated=consolidated,
                with_control_id=with_control_id,
            )
            if consolidated and fails and rng.random() < 0.2:
                # Per-standard findings left from before the account switched to consolidated
                # findings, archived at the switch.
                legacy = build_versions(rng, now=now, lifecycle="archived", is_control=True)
                yield from control_findings(
                    rng, scope, control, resource, legacy, consolidated=False
                )


def _threat_findings(
    rng: random.Random, scope: ScopeEstate, now: datetime
) -> Iterable[dict[str, Any]]:
    def versions() -> list[Any]:
        return build_versions(
            rng, now=now, lifecycle=pick(rng, EVENT_LIFECYCLES), is_control=False, max_age_days=45
        )

    for spec in GUARDDUTY_TYPES:
        if spec[2] == "account":
            if scope.is_home_region and rng.random() < 0.5:
                yield from builders.guardduty_findings(rng, scope, spec, scope.account, versions())
            continue
        for instance in rng.sample(scope.instances, k=rng.randint(0, 2)):
            yield from builders.guardduty_findings(rng, scope, spec, instance, versions())
    for instance in scope.instances:
        for cve in rng.sample(CVES, k=rng.randint(1, 3)):
            yield from builders.inspector_findings(rng, scope, cve, instance, versions())
    for spec in MACIE_TYPES:
        for bucket in scope.buckets:
            if bucket.kind in spec[2] and rng.random() < 0.8:
                yield from builders.macie_findings(rng, scope, spec, bucket, versions())
    for bucket in scope.buckets:
        if bucket.kind == "web-assets":
            yield from builders.access_analyzer_findings(scope, bucket, versions(), public=True)
    if scope.is_home_region:
        role_name = "partner-readonly" + scope.buckets[0].name.removeprefix(
            f"acme-{scope.environment}-payments-logs"
        )
        role = Resource(
            "AwsIamRole",
            f"arn:aws:iam::{scope.account_id}:role/{role_name}",
            role_name,
            scope.region,
            {
                "owner": "security@acme.example",
                "team": "identity",
                "environment": scope.environment,
            },
        )
        yield from builders.access_analyzer_findings(scope, role, versions(), public=False)


def iso_timestamp(value: datetime) -> str:
    """Return an ASFF timestamp (UTC, milliseconds, `Z`)."""
    return iso(value)

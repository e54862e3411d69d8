"""Labelled incidents for measuring correlation: findings plus the incident each belongs to.

Four kinds, mixed at a chosen size: an attack chain across services (an access key, a
bucket and an instance touched by one actor within hours), one misconfiguration reported
under several standards in several regions, one CVE across many instances, and unrelated
noise that looks like the others in text only (another account, another CVE, another
actor, weeks apart). Every finding has one version; the label is the finding key
`(ProductArn, Id)`, so a benchmark can join it to `marts.fct_alert_findings`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from triage.demo.catalogue import CONTROLS
from triage.demo.incident_kinds import Builder, attack_chain, cve, misconfiguration, noise

INCIDENT_ACCOUNTS = ("111122223333", "444455556666", "777788889999", "222233334444")
# A larger estate spreads over more accounts, as a real organisation does: one account per
# this many incidents, so a control fails once per account rather than colliding.
INCIDENTS_PER_ACCOUNT = 10
INCIDENT_REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2")
# One cycle of incident kinds: the share of each kind in the estate.
KIND_CYCLE = ("attack_chain", "misconfiguration", "cve", "noise", "noise")


@dataclass(frozen=True)
class LabelledEstate:
    """Findings and, per finding key (ProductArn, Id), the incident it belongs to."""

    findings: list[dict[str, Any]]
    labels: dict[tuple[str, str], str]
    kinds: dict[str, str]


def incident_accounts(count: int, accounts: Sequence[str] = INCIDENT_ACCOUNTS) -> list[str]:
    """The accounts an estate of `count` incidents spreads over (the given ones first)."""
    wanted = max(len(accounts), count // INCIDENTS_PER_ACCOUNT)
    extra = [f"{900000000000 + i:012d}" for i in range(wanted - len(accounts))]
    return [*accounts, *extra]


def generate_incidents(
    count: int,
    *,
    seed: int = 11,
    accounts: Sequence[str] = INCIDENT_ACCOUNTS,
    regions: Sequence[str] = INCIDENT_REGIONS,
    now: datetime | None = None,
) -> LabelledEstate:
    """Return `count` labelled incidents (kinds in the proportions of KIND_CYCLE).

    Each misconfiguration is a control failing in an account where no other incident has
    it fail, and each CVE incident has a CVE id of its own: two incidents of one control
    in one account, or of one CVE, would be one problem, not two.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rng = random.Random(seed)
    builder = Builder(rng, moment)
    kinds: dict[str, str] = {}
    pool = incident_accounts(count, accounts)
    used_controls: set[tuple[str, str]] = set()
    for index in range(count):
        kind = KIND_CYCLE[index % len(KIND_CYCLE)]
        incident = f"inc-{seed}-{index:06d}-{kind}"
        kinds[incident] = kind
        account = rng.choice(pool)
        region = rng.choice(list(regions))
        start = moment - timedelta(days=rng.uniform(1, 60))
        if kind == "attack_chain":
            attack_chain(builder, incident, account, region, start)
        elif kind == "misconfiguration":
            control, account = _free_control(rng, pool, used_controls)
            misconfiguration(builder, incident, control, account, regions, start)
        elif kind == "cve":
            cve_id = f"CVE-{2020 + index % 6}-{10000 + index:06d}"
            cve(builder, incident, account, regions, start, cve_id)
        else:
            noise(builder, incident, account, region, start)
    return LabelledEstate(findings=builder.findings, labels=builder.labels, kinds=kinds)


def _free_control(
    rng: random.Random, pool: Sequence[str], used: set[tuple[str, str]]
) -> tuple[Any, str]:
    choices = [c for c in CONTROLS if len(c.standards) > 1]
    for _ in range(1000):
        control, account = rng.choice(choices), rng.choice(list(pool))
        if (control.control_id, account) not in used:
            used.add((control.control_id, account))
            return control, account
    raise ValueError("too few accounts for the misconfigurations asked for")

"""The labelled incidents generator: deterministic, fully labelled, the four kinds as meant."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime

from triage.demo.generator import generate_findings
from triage.demo.incidents import generate_incidents, incident_accounts
from triage.findings import parse_finding_bytes

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _by_incident(estate):
    out = defaultdict(list)
    for finding in estate.findings:
        out[estate.labels[(finding["ProductArn"], finding["Id"])]].append(finding)
    return out


def test_same_seed_same_estate_and_every_finding_labelled_and_valid():
    estate = generate_incidents(50, seed=3, now=NOW)
    assert estate == generate_incidents(50, seed=3, now=NOW)
    assert estate != generate_incidents(50, seed=4, now=NOW)
    assert len(estate.labels) == len(estate.findings)
    assert Counter(estate.kinds.values()) == {
        "attack_chain": 10,
        "misconfiguration": 10,
        "cve": 10,
        "noise": 20,
    }
    parsed = parse_finding_bytes(json.dumps({"Findings": estate.findings}).encode(), source="t")
    assert len(parsed.findings) == len(estate.findings) and not parsed.quarantined


def test_each_kind_has_the_shape_it_stands_for():
    estate = generate_incidents(100, seed=9, now=NOW)
    groups = _by_incident(estate)
    controls = set()
    cves = set()
    for incident, findings in groups.items():
        kind = estate.kinds[incident]
        accounts = {f["AwsAccountId"] for f in findings}
        assert len(accounts) == 1, "an incident stays in one account"
        if kind == "attack_chain":
            assert len({f["Resources"][0]["Type"] for f in findings}) >= 2
            assert len(findings) >= 3
        elif kind == "misconfiguration":
            ids = {f["Compliance"]["SecurityControlId"] for f in findings}
            assert len(ids) == 1 and len({f["Region"] for f in findings}) >= 2
            assert len({f["GeneratorId"].split("/")[0] for f in findings}) >= 2, "standards"
            key = (ids.pop(), accounts.pop())
            assert key not in controls
            controls.add(key)
        elif kind == "cve":
            titles = {f["Title"].split(" - ")[0] for f in findings}
            assert len(titles) == 1 and len(findings) >= 5
            assert titles.isdisjoint(cves)
            cves |= titles
        else:
            assert len(findings) in (1, 2, 3)  # one alert (per-standard copies of a control)


def test_accounts_grow_with_the_estate_and_demo_hook_adds_incidents():
    assert len(incident_accounts(10)) == 4
    assert len(incident_accounts(1000)) == 100
    plain = generate_findings(now=NOW)
    hooked = generate_findings(now=NOW, incidents=10)
    assert len(hooked) > len(plain)
    assert {f["AwsAccountId"] for f in hooked} == {f["AwsAccountId"] for f in plain}

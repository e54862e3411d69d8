"""Seeding a real moto server, then reading everything back through our own clients."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from triage.aws.s3 import iter_objects
from triage.aws.securityhub import SecurityHubClient
from triage.aws.session import make_session
from triage.aws.sqs import SqsFindingQueue
from triage.demo.generator import generate_findings
from triage.demo.seed import SeedResult, seed_estate
from triage.settings import AwsAccount

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(moto_url: str) -> tuple[SeedResult, list[dict]]:
    findings = generate_findings(now=NOW)
    result = seed_estate(
        endpoint_url=moto_url,
        bucket="seed-test-exports",
        queue_name="seed-test-findings",
        now=NOW,
        queue_max_findings=100,
    )
    return result, findings


def _latest(findings: list[dict]) -> dict[tuple[str, str], dict]:
    latest: dict[tuple[str, str], dict] = {}
    for f in findings:
        latest[(f["ProductArn"], f["Id"])] = f
    return latest


def test_seed_result_counts(seeded) -> None:
    result, findings = seeded
    assert result.findings_generated == len(findings)
    assert result.findings_imported == len(findings)
    assert result.distinct_findings == len(_latest(findings))
    assert len(result.imported_by_scope) == 6
    assert result.bucket_uri == "s3://seed-test-exports/exports/"
    assert result.findings_in_queue == 100
    assert json.dumps(result.as_dict())


def test_each_account_pages_back_its_own_findings_in_the_window(seeded, moto_settings) -> None:
    _, findings = seeded
    latest = _latest(findings).values()
    since = NOW - timedelta(days=20)
    for account_id in ("111122223333", "777788889999"):
        account = AwsAccount(
            account_id=account_id,
            role_arn=f"arn:aws:iam::{account_id}:role/triage-read",
            external_id="ext",
        )
        client = SecurityHubClient.from_settings(
            account=account, region="eu-west-1", settings=moto_settings, requests_per_second=3
        )
        pages = list(
            client.iter_finding_pages(updated_since=since, updated_until=NOW, page_size=25)
        )
        got = sorted(f["Id"] for page in pages for f in page)
        expected = sorted(
            f["Id"]
            for f in latest
            if f["AwsAccountId"] == account_id
            and f["Region"] == "eu-west-1"
            and since <= datetime.fromisoformat(f["UpdatedAt"]) <= NOW
        )
        assert got == expected and got
        # moto ignored the UpdatedAt filter; our own filter dropped the older ones.
        assert client.stats.findings_outside_window > 0
        assert all(len(page) <= 25 for page in pages)


def test_the_default_account_holds_none_of_the_demo_findings(seeded, moto_settings) -> None:
    client = SecurityHubClient.from_settings(
        account=None, region="us-east-1", settings=moto_settings, requests_per_second=3
    )
    pages = list(
        client.iter_finding_pages(updated_since=NOW - timedelta(days=365), updated_until=NOW)
    )
    assert pages == []


def test_exports_are_readable_from_s3(seeded, moto_settings) -> None:
    result, findings = seeded
    session = make_session(None, "us-east-1", moto_settings)
    objects = dict(iter_objects(result.bucket_uri, session=session))
    assert sorted(objects) == sorted(result.export_objects)

    from_events = []
    for uri, body in objects.items():
        if uri.endswith(".jsonl"):
            for line in body.decode().splitlines():
                event = json.loads(line)
                assert event["detail-type"] == "Security Hub Findings - Imported"
                from_events.extend(event["detail"]["findings"])
    assert len(from_events) == len(findings)

    plain = next(body for uri, body in objects.items() if uri.endswith("-findings.json"))
    packed = next(body for uri, body in objects.items() if uri.endswith(".json.gz"))
    snapshot = json.loads(plain)["Findings"] + json.loads(gzip.decompress(packed))
    assert {(f["ProductArn"], f["Id"]) for f in snapshot} == set(_latest(findings))


def test_queue_holds_eventbridge_events_for_the_latest_versions(seeded, moto_settings) -> None:
    result, findings = seeded
    session = make_session(None, "us-east-1", moto_settings)
    queue = SqsFindingQueue(session=session, queue_url=result.queue_url)
    messages = []
    while batch := queue.receive(max_messages=10, visibility_timeout=60):
        messages.extend(batch)
    assert len(messages) == result.messages_sent
    per_scope = defaultdict(int)
    for message in messages:
        event = json.loads(message.body)
        assert event["source"] == "aws.securityhub"
        for finding in event["detail"]["findings"]:
            assert finding["AwsAccountId"] == event["account"]
            per_scope[event["account"]] += 1
    assert sum(per_scope.values()) == 100
    assert queue.delete([m.receipt_handle for m in messages]) == len(messages)


def test_ambient_test_keys_map_to_the_moto_default_account(seeded, moto_url) -> None:
    # The ambient test keys are unknown to moto, so they map to its default account.
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=moto_url)
    assert sts.get_caller_identity()["Account"] == "123456789012"

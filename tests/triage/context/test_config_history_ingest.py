"""Config history per alert resource: stored once, incremental from a cursor per resource."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from botocore.stub import ANY, Stubber

from triage.ingest.aws_config_api import ingest_config_history
from triage.resources.lookup import ResourceRef
from triage.settings import Settings

NOW = datetime(2024, 6, 1, tzinfo=UTC)
REF = ResourceRef("arn:aws:s3:::customer-exports", "AwsS3Bucket", "111122223333", "us-east-1")


def _item(day: int) -> dict:
    return {
        "version": "1.3",
        "accountId": "111122223333",
        "configurationItemCaptureTime": datetime(2024, 5, day, tzinfo=UTC),
        "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "customer-exports",
        "configuration": '{"name": "customer-exports"}',
        "supplementaryConfiguration": {"PublicAccessBlockConfiguration": f'{{"day": {day}}}'},
    }


def test_first_run_reads_the_horizon_second_run_starts_at_the_cursor(context_db):
    client = boto3.client("config", region_name="us-east-1")
    stub = Stubber(client)
    settings = Settings(TRIAGE_CONFIG_HISTORY_HORIZON_DAYS="14")
    # First run: 14 days = two windows; the items arrive in the second.
    stub.add_response("get_resource_config_history", {"configurationItems": []})
    stub.add_response("get_resource_config_history", {"configurationItems": [_item(25), _item(28)]})
    # Second run: from the cursor (28 May) to now: one window, one page.
    params = {
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "customer-exports",
        "earlierTime": datetime(2024, 5, 28, tzinfo=UTC),
        "laterTime": NOW + timedelta(days=1),
        "chronologicalOrder": "Forward",
        "limit": ANY,
    }
    stub.add_response("get_resource_config_history", {"configurationItems": [_item(28)]}, params)
    with stub:
        first = ingest_config_history(
            [REF], engine=context_db, settings=settings, clients=lambda *_: client, now=NOW
        )
        second = ingest_config_history(
            [REF],
            engine=context_db,
            settings=settings,
            clients=lambda *_: client,
            now=NOW + timedelta(days=1),
        )
        stub.assert_no_pending_responses()

    assert (first.calls, first.items_loaded) == (2, 2)
    assert (second.calls, second.items_seen, second.items_loaded) == (1, 1, 0)


def test_refused_history_is_unknown_not_empty(context_db):
    client = boto3.client("config", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_client_error(
        "get_resource_config_history", "NoAvailableConfigurationRecorderException"
    )
    with stub:
        stats = ingest_config_history(
            [REF], engine=context_db, settings=Settings(), clients=lambda *_: client, now=NOW
        )
    assert stats.unknown == [REF.arn] and stats.items_loaded == 0

"""Trail files in S3 are found by account, region and day, read once, reread harmlessly."""

from __future__ import annotations

import gzip
import json
from datetime import date

import boto3
import pytest
import sqlalchemy as sa

from triage.ingest.cloudtrail_trails import discover_trail_scopes, ingest_trail_files
from triage.settings import Settings


def _record(n: int, day: str, key: str) -> dict:
    return {
        "eventID": f"ev-{key}-{n}",
        "eventName": "PutBucketAcl",
        "eventSource": "s3.amazonaws.com",
        "eventTime": f"{day}T10:0{n}:00Z",
        "requestParameters": {"bucketName": "b1"},
    }


@pytest.fixture()
def trail_bucket(moto_url):
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="trail-test")
    layout = {
        "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/30/a.json.gz": "2024-05-30",
        "logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/31/b.json.gz": "2024-05-31",
        "logs/AWSLogs/o-abc123/444455556666/CloudTrail/us-east-1/2024/05/31/c.json.gz": (
            "2024-05-31"
        ),
        "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/04/01/old.json.gz": "2024-04-01",
    }
    for key, day in layout.items():
        body = {"Records": [_record(0, day, key), _record(1, day, key)]}
        s3.put_object(Bucket="trail-test", Key=key, Body=gzip.compress(json.dumps(body).encode()))
    yield s3
    for key in layout:
        s3.delete_object(Bucket="trail-test", Key=key)


def test_scopes_include_organisation_trails(trail_bucket):
    scopes = {(a, r) for a, r, _ in discover_trail_scopes(trail_bucket, "s3://trail-test/logs")}
    assert scopes == {
        ("111122223333", "us-east-1"),
        ("111122223333", "eu-west-1"),
        ("444455556666", "us-east-1"),
    }


def test_reads_the_lookback_window_and_reruns_add_nothing(trail_bucket, moto_url, context_db):
    settings = Settings(AWS_ENDPOINT_URL=moto_url)
    first = ingest_trail_files(
        ["s3://trail-test/logs"],
        engine=context_db,
        settings=settings,
        lookback_days=3,
        today=date(2024, 6, 1),
    )
    second = ingest_trail_files(
        ["s3://trail-test/logs"],
        engine=context_db,
        settings=settings,
        lookback_days=3,
        today=date(2024, 6, 1),
    )
    with context_db.connect() as conn:
        days = (
            conn.execute(
                sa.text("select distinct event_time::date from raw.cloudtrail_events order by 1")
            )
            .scalars()
            .all()
        )
    assert first.context["cloudtrail_events_loaded"] == 6  # the April file is outside
    assert second.context["cloudtrail_events_loaded"] == 0
    assert [d.isoformat() for d in days] == ["2024-05-30", "2024-05-31"]

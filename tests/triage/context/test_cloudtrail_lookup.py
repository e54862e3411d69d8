"""LookupEvents via Stubber (moto does not implement it): paging and 2 requests/s pacing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from triage.activity import parse_cloudtrail_document
from triage.aws.cloudtrail import CloudTrailLookupClient
from triage.aws.pacing import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _event(n: int) -> dict:
    record = {
        "eventID": f"e-{n}",
        "eventName": "PutPublicAccessBlock",
        "eventSource": "s3.amazonaws.com",
        "eventTime": "2024-05-01T10:00:00Z",
        "userIdentity": {"type": "IAMUser", "userName": "alice.martin"},
    }
    return {
        "EventId": f"e-{n}",
        "EventName": "PutPublicAccessBlock",
        "CloudTrailEvent": json.dumps(record),
    }


def test_lookup_pages_and_is_paced_at_two_per_second():
    client = boto3.client("cloudtrail", region_name="us-east-1")
    stub = Stubber(client)
    for page in range(3):
        response = {"Events": [_event(page * 2), _event(page * 2 + 1)]}
        if page < 2:
            response["NextToken"] = f"p{page + 1}"
        stub.add_response("lookup_events", response)
    clock = FakeClock()
    lookup = CloudTrailLookupClient(
        client, limiter=RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    )
    end = datetime(2024, 5, 2, tzinfo=UTC)
    with stub:
        entries = list(
            lookup.lookup(
                attribute="ResourceName", value="b1", start=end - timedelta(days=1), end=end
            )
        )
        stub.assert_no_pending_responses()

    assert lookup.calls == 3
    assert clock.sleeps == pytest.approx([0.5, 0.5])
    events = parse_cloudtrail_document({"Events": entries}).events
    assert [e.event_id for e in events] == [f"e-{n}" for n in range(6)]


def test_unknown_attribute_is_refused():
    lookup = CloudTrailLookupClient(boto3.client("cloudtrail", region_name="us-east-1"))
    now = datetime.now(UTC)
    with pytest.raises(ValueError, match="unknown lookup attribute"):
        list(lookup.lookup(attribute="BucketName", value="b", start=now, end=now))


def test_lookup_activity_stores_events_once(context_db):
    import sqlalchemy as sa

    from triage.ingest.cloudtrail_lookup import lookup_resource_activity

    client = boto3.client("cloudtrail", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response("lookup_events", {"Events": [_event(1), _event(2)]})
    stub.add_response("lookup_events", {"Events": [_event(1), _event(2)]})
    clock = FakeClock()
    end = datetime(2024, 5, 2, tzinfo=UTC)
    with stub:
        runs = [
            lookup_resource_activity(
                engine=context_db,
                client=client,
                resource_name="b1",
                start=end - timedelta(hours=24),
                end=end,
                lookup=CloudTrailLookupClient(
                    client, limiter=RateLimiter(2.0, clock=clock, sleep=clock.sleep)
                ),
            )
            for _ in range(2)
        ]
    assert [(r.events_seen, r.events_loaded) for r in runs] == [(2, 2), (2, 0)]
    with context_db.connect() as conn:
        stored = conn.execute(sa.text("select count(*) from raw.cloudtrail_events")).scalar_one()
    assert stored == 2

"""S3 export reading and the SQS receive/delete round trip, against a moto server."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.stub import Stubber

from triage.aws.s3 import iter_objects, parse_s3_uri
from triage.aws.session import make_client, make_session
from triage.aws.sqs import SqsFindingQueue
from triage.errors import SourceUnavailableError


def test_parse_s3_uri() -> None:
    assert parse_s3_uri("s3://bucket/a/b/") == ("bucket", "a/b/")
    assert parse_s3_uri("s3://bucket") == ("bucket", "")
    with pytest.raises(ValueError):
        parse_s3_uri("https://bucket/a")


def test_iter_objects_pages_through_a_prefix(moto_settings) -> None:
    session = make_session(None, "us-east-1", moto_settings)
    s3 = make_client(session, "s3")
    bucket = f"exports-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    keys = [f"findings/2025/06/part-{i}.json" for i in range(5)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    s3.put_object(Bucket=bucket, Key="findings/2025/", Body=b"")
    s3.put_object(Bucket=bucket, Key="other/skip.json", Body=b"{}")

    got = list(iter_objects(f"s3://{bucket}/findings/", session=session, page_size=2))

    assert got == [(f"s3://{bucket}/{key}", key.encode()) for key in sorted(keys)]


def test_iter_objects_missing_bucket_raises(moto_settings) -> None:
    session = make_session(None, "us-east-1", moto_settings)
    with pytest.raises(SourceUnavailableError, match="NoSuchBucket"):
        list(iter_objects("s3://no-such-bucket-here/x", session=session))


def test_sqs_receive_then_delete_round_trip(moto_settings) -> None:
    session = make_session(None, "us-east-1", moto_settings)
    sqs = make_client(session, "sqs")
    url = sqs.create_queue(QueueName=f"findings-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for i in range(13):
        sqs.send_message(QueueUrl=url, MessageBody=f'{{"n": {i}}}')
    queue = SqsFindingQueue(session=session, queue_url=url)

    received = []
    while batch := queue.receive(max_messages=10, wait_seconds=0, visibility_timeout=60):
        received.extend(batch)

    assert sorted(m.body for m in received) == sorted(f'{{"n": {i}}}' for i in range(13))
    assert queue.delete([m.receipt_handle for m in received]) == 13
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


def test_sqs_undeleted_messages_are_redelivered(moto_settings) -> None:
    session = make_session(None, "us-east-1", moto_settings)
    sqs = make_client(session, "sqs")
    url = sqs.create_queue(QueueName=f"findings-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    queue = SqsFindingQueue(url, client=sqs)

    first = queue.receive(max_messages=1, visibility_timeout=0)
    again = queue.receive(max_messages=1, visibility_timeout=0)

    assert [m.message_id for m in again] == [m.message_id for m in first]


def test_sqs_delete_reports_failed_entries() -> None:
    client = boto3.client("sqs", region_name="us-east-1")
    stubber = Stubber(client)
    url = "https://sqs.us-east-1.amazonaws.com/111122223333/findings"
    stubber.add_response(
        "delete_message_batch",
        {
            "Successful": [{"Id": "0"}],
            "Failed": [
                {
                    "Id": "1",
                    "SenderFault": True,
                    "Code": "ReceiptHandleIsInvalid",
                    "Message": "expired",
                }
            ],
        },
        expected_params={
            "QueueUrl": url,
            "Entries": [{"Id": "0", "ReceiptHandle": "rh-a"}, {"Id": "1", "ReceiptHandle": "rh-b"}],
        },
    )
    queue = SqsFindingQueue(url, client=client)
    with stubber, pytest.raises(SourceUnavailableError, match="1 message deletions failed"):
        queue.delete(["rh-a", "rh-b"])

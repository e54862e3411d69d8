"""GetResourceConfigHistory via Stubber: empty pages with tokens (B02), windows, guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import ANY, Stubber

from triage.aws.aws_config import ConfigHistoryClient, history_windows
from triage.aws_config import parse_config_document
from triage.errors import AccessDeniedError

LATER = datetime(2024, 3, 5, tzinfo=UTC)
EARLIER = LATER - timedelta(days=6)
ITEM = {
    "resourceId": "sg-0example1",
    "resourceType": "AWS::EC2::SecurityGroup",
    "configurationItemCaptureTime": datetime(2024, 3, 2, 10, 15, tzinfo=UTC),
    "configurationItemStatus": "OK",
}


def _client():
    client = boto3.client("config", region_name="us-east-1")
    return client, Stubber(client)


def _expect(stub, response, token=None):
    params = {
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": "sg-0example1",
        "earlierTime": ANY,
        "laterTime": ANY,
        "chronologicalOrder": "Forward",
        "limit": 100,
    }
    if token:
        params["nextToken"] = token
    stub.add_response("get_resource_config_history", response, params)


def _read(client, **kwargs):
    reader = ConfigHistoryClient(client, **kwargs)
    items = list(
        reader.iter_history(
            resource_type="AWS::EC2::SecurityGroup",
            resource_id="sg-0example1",
            earlier=EARLIER,
            later=LATER,
        )
    )
    return reader, items


def test_b02_follows_tokens_across_empty_pages():
    client, stub = _client()
    _expect(stub, {"configurationItems": [], "nextToken": "n1"})
    _expect(stub, {"configurationItems": [], "nextToken": "n2"}, token="n1")
    _expect(stub, {"configurationItems": [ITEM]}, token="n2")
    with stub:
        reader, items = _read(client)
        stub.assert_no_pending_responses()

    assert len(items) == 1
    assert reader.stats.empty_pages == 2 and reader.stats.calls == 3
    (parsed,) = parse_config_document({"configurationItems": items}).items
    assert parsed.captured_at == datetime(2024, 3, 2, 10, 15, tzinfo=UTC)


def test_b02_repeated_token_stops_with_a_warning(caplog):
    client, stub = _client()
    _expect(stub, {"configurationItems": [], "nextToken": "same"})
    _expect(stub, {"configurationItems": [], "nextToken": "same"}, token="same")
    with stub:
        reader, items = _read(client)
        stub.assert_no_pending_responses()
    assert items == [] and reader.stats.stopped_early == 1
    assert "token repeated" in caplog.text


def test_b02_page_budget_stops_an_endless_chain(caplog):
    client, stub = _client()
    _expect(stub, {"configurationItems": [], "nextToken": "t0"})
    for n in range(1, 3):
        _expect(stub, {"configurationItems": [], "nextToken": f"t{n}"}, token=f"t{n - 1}")
    with stub:
        reader, _ = _read(client, max_pages_per_window=3)
    assert reader.stats.calls == 3 and "page budget" in caplog.text


def test_windows_never_span_more_than_seven_days():
    end = datetime(2024, 4, 1, tzinfo=UTC)
    windows = history_windows(end - timedelta(days=90), end)
    assert len(windows) == 13
    assert all(b - a <= timedelta(days=7) for a, b in windows)
    assert windows[0][0] == end - timedelta(days=90) and windows[-1][1] == end
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))


def test_not_recorded_is_empty_history_and_access_denied_is_loud():
    client, stub = _client()
    stub.add_client_error("get_resource_config_history", "ResourceNotDiscoveredException")
    stub.add_client_error("get_resource_config_history", "AccessDeniedException")
    with stub:
        _, items = _read(client)
        assert items == []
        with pytest.raises(AccessDeniedError):
            _read(client)

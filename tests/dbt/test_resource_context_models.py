"""dbt resource-context models on crafted raw rows: changes, activity, impact, actor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.dbt.conftest import _drop_dbt_schemas, run_dbt_build
from triage.activity import parse_cloudtrail_document
from triage.aws_config import parse_config_document
from triage.findings import parse_finding_objects
from triage.resources.lookup import ResourceRef
from triage.resources.snapshot import make_snapshot
from triage.store.context import (
    store_cloudtrail_events,
    store_configuration_items,
    store_snapshots,
)
from triage.store.findings import store_findings

ACCOUNT = "111122223333"
BUCKET = "ctx-customer-exports"
FIRST_SEEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
CHANGED = FIRST_SEEN - timedelta(hours=1)
PAB = "PublicAccessBlockConfiguration"


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _finding() -> dict[str, Any]:
    return {
        "SchemaVersion": "2018-10-08",
        "Id": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:security-control/S3.8/finding/ctx-1",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "GeneratorId": "security-control/S3.8",
        "AwsAccountId": ACCOUNT,
        "Region": "us-east-1",
        "Types": ["Software and Configuration Checks"],
        "FirstObservedAt": _iso(FIRST_SEEN),
        "CreatedAt": _iso(FIRST_SEEN),
        "UpdatedAt": _iso(FIRST_SEEN + timedelta(hours=2)),
        "Severity": {"Label": "HIGH"},
        "Title": "S3 general purpose buckets should block public access",
        "Description": "ctx",
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
        "Resources": [
            {
                "Type": "AwsS3Bucket",
                "Id": f"arn:aws:s3:::{BUCKET}",
                "Region": "us-east-1",
                "Tags": {"Owner": "from-finding", "Environment": "prod"},
            }
        ],
    }


def _record(event_id: str, name: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "eventVersion": "1.09",
        "eventID": event_id,
        "eventName": name,
        "eventSource": "s3.amazonaws.com",
        "eventTime": _iso(at),
        "recipientAccountId": ACCOUNT,
        "userIdentity": {"type": "IAMUser", "userName": "alice.martin"},
        "readOnly": False,
        **extra,
    }


def _item(at: datetime, blocked: bool, related: list[str]) -> dict[str, Any]:
    return {
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": _iso(at),
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket",
        "resourceId": BUCKET,
        "resourceName": BUCKET,
        "ARN": f"arn:aws:s3:::{BUCKET}",
        "relatedEvents": related,
        # Config 1.3 sends these as JSON text.
        "configuration": json.dumps({"name": BUCKET}),
        "supplementaryConfiguration": {PAB: json.dumps({"blockPublicAcls": blocked})},
    }


@pytest.fixture(scope="module")
def built(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory):
    _drop_dbt_schemas(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "truncate raw.cloudtrail_events, raw.aws_config_configuration_items, "
                "raw.resources_snapshots"
            )
        )
    findings = parse_finding_objects([_finding()], source="ctx").findings
    store_findings(engine=engine, findings=[(f, "ctx") for f in findings])
    records = [
        _record(
            "ev-remove",
            "DeleteBucketPublicAccessBlock",
            CHANGED,
            requestParameters={"bucketName": BUCKET},
        ),
        _record(
            "ev-read",
            "GetBucketAcl",
            CHANGED - timedelta(hours=3),
            readOnly=True,
            requestParameters={"bucketName": BUCKET},
        ),
        _record("ev-login", "ConsoleLogin", CHANGED - timedelta(hours=4)),
        _record(
            "ev-run",
            "RunInstances",
            CHANGED - timedelta(hours=5),
            requestParameters={
                "instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]}
            },
        ),
    ]
    events = parse_cloudtrail_document({"Records": records}).events
    store_cloudtrail_events(engine=engine, events=[(e, "ctx") for e in events])
    items = parse_config_document(
        [
            _item(CHANGED - timedelta(days=10), True, []),
            _item(CHANGED + timedelta(minutes=2), False, ["ev-remove"]),
        ]
    ).items
    store_configuration_items(engine=engine, items=[(i, "ctx") for i in items])
    ref = ResourceRef(f"arn:aws:s3:::{BUCKET}", "AwsS3Bucket", ACCOUNT, "us-east-1")
    facts = {
        "tags": {"owner": "li.wei", "data-classification": "restricted"},
        "owner": "li.wei",
        "team": "data",
        "environment": "prod",
        "classification": "restricted",
        "compliance": {},
        "created_at": None,
        "exposure": {"level": "public"},
        "unknown": ["created_at"],
        "taken_at": _iso(FIRST_SEEN),
    }
    store_snapshots(engine=engine, snapshots=[make_snapshot(ref, facts, source="ctx")])
    run = run_dbt_build(database_url, tmp_path_factory.mktemp("dbt-ctx"))
    assert run.returncode == 0, run.output[-6000:]
    yield engine
    _drop_dbt_schemas(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "truncate raw.cloudtrail_events, raw.aws_config_configuration_items, "
                "raw.resources_snapshots"
            )
        )


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(sa.text(sql))]


def test_change_has_before_after_and_the_related_actor(built):
    (change,) = _rows(built, "select * from marts.fct_resource_changes where not is_first_item")
    assert change["change_actor"] == "alice.martin"
    assert change["change_actor_source"] == "related_event"
    assert change["changed_attributes"] == [
        {
            "attribute": f"supplementaryConfiguration.{PAB}",
            "before": {"blockPublicAcls": True},
            "after": {"blockPublicAcls": False},
        }
    ]


def test_activity_has_a_row_per_event_and_resource_or_one_without(built):
    rows = _rows(
        built,
        "select event_id, resource_type, resource_name from marts.fct_resource_activity "
        "order by event_id, resource_name",
    )
    assert [(r["event_id"], r["resource_name"]) for r in rows] == [
        ("ev-login", None),
        ("ev-read", BUCKET),
        ("ev-remove", BUCKET),
        ("ev-run", "i-1"),
        ("ev-run", "i-2"),
    ]


def test_alert_carries_owner_impact_and_last_change_actor(built):
    (alert,) = _rows(built, "select * from marts.fct_alerts")
    assert alert["owner"] == "li.wei"  # the snapshot wins over the finding's tag
    assert alert["classification"] == "restricted"
    assert alert["last_change_actor"] == "alice.martin"
    assert alert["impact_severity_points"] == 30
    assert alert["impact_sensitivity_points"] == 25
    assert alert["impact_exposure_points"] == 20
    assert alert["impact_environment_points"] == 15
    assert alert["impact_score"] == 90
    (resource,) = _rows(built, "select * from marts.dim_resources")
    assert resource["unknown_facts"] == ["created_at"]
    assert resource["tags"]["Owner"] == "from-finding"

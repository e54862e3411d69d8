"""Alert detail with resource context and impact; the merged timeline; context filters."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.api.conftest import BASE_TIME

PAB_BEFORE = {"blockPublicAcls": True, "blockPublicPolicy": True}
PAB_AFTER = {"blockPublicAcls": False, "blockPublicPolicy": False}
PAB_ATTRIBUTE = "supplementaryConfiguration.PublicAccessBlockConfiguration"


@pytest.fixture(scope="module")
def context_rows(marts, engine):
    """Give the detail alert a public bucket, a Config change and CloudTrail events."""
    alert_id = marts.detail_alert_id
    first_seen = BASE_TIME - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "update marts.fct_alerts set owner = 'li.wei', environment = 'prod', "
                "classification = 'restricted', impact_score = 90, "
                "impact_severity_points = 30, impact_sensitivity_points = 25, "
                "impact_exposure_points = 20, impact_environment_points = 15, "
                "last_change_actor = 'alice.martin', last_change_at = :changed, "
                "aws_account_id = '111111111111', first_seen_at = :first_seen "
                "where alert_id = :id"
            ),
            {"id": alert_id, "changed": first_seen - timedelta(hours=1), "first_seen": first_seen},
        )
        conn.execute(
            sa.text(
                "update marts.dim_resources set owner = 'li.wei', team = 'data', "
                "environment = 'prod', classification = 'restricted', "
                "compliance_tags = '{\"compliance\": \"pci-dss\"}', exposure_level = 'public', "
                "exposure = '{\"level\": \"public\"}', unknown_facts = array['created_at'], "
                "resource_ref = 'bucket-0' where resource_key = 'rk-primary'"
            )
        )
        conn.execute(
            sa.text(
                "insert into marts.fct_resource_changes (resource_change_key, resource_type, "
                "resource_id, resource_name, resource_ref, aws_account_id, change_type, "
                "changed_attributes, change_actor, change_action, change_event_id, captured_at) "
                "values ('c1', 'AWS::S3::Bucket', 'bucket-0', 'bucket-0', 'bucket-0', "
                "'111111111111', 'UPDATE', cast(:attrs as jsonb), 'alice.martin', "
                "'DeleteBucketPublicAccessBlock', 'ev-1', :at), "
                "('c-other-account', 'AWS::S3::Bucket', 'bucket-0', 'bucket-0', 'bucket-0', "
                "'999999999999', 'UPDATE', '[]', 'mallory', null, null, :at)"
            ),
            {
                "attrs": json.dumps(
                    [
                        {
                            "attribute": PAB_ATTRIBUTE,
                            "before": PAB_BEFORE,
                            "after": PAB_AFTER,
                        }
                    ]
                ),
                "at": first_seen - timedelta(minutes=55),
            },
        )
        activity = [
            {
                "key": f"a{n}",
                "actor": "alice.martin" if n == 0 else "svc-reporting",
                "action": "DeleteBucketPublicAccessBlock" if n == 0 else "GetObject",
                "at": first_seen - timedelta(hours=1) + timedelta(minutes=10 * n),
            }
            for n in range(6)
        ]
        conn.execute(
            sa.text(
                "insert into marts.fct_resource_activity (resource_activity_key, event_id, "
                "aws_account_id, actor, action, event_source, resource_type, resource_name, "
                "resource_ref, event_at, is_read_only) values (:key, :key, '111111111111', "
                ":actor, :action, 's3.amazonaws.com', 'AWS::S3::Bucket', 'bucket-0', "
                "'bucket-0', :at, false)"
            ),
            activity,
        )
    return alert_id


def test_detail_names_owner_classification_change_and_actor(client, context_rows):
    body = client.get(f"/api/v1/alerts/{context_rows}").json()

    assert body["owner"] == "li.wei" and body["classification"] == "restricted"
    assert body["context"]["owner"] == "li.wei"
    assert body["context"]["exposure_level"] == "public"
    assert body["context"]["unknown_facts"] == ["created_at"]
    assert body["impact"] == {
        "score": 90,
        "parts": {"severity": 30, "data_sensitivity": 25, "exposure": 20, "environment": 15},
    }
    assert body["last_change"]["actor"] == "alice.martin"
    assert body["last_change"]["source"] == "aws_config"
    assert body["last_change"]["change"]["change_action"] == "DeleteBucketPublicAccessBlock"
    (change,) = body["recent_changes"]  # the other account's change is not this bucket's
    assert change["change_actor"] == "alice.martin"
    (attribute,) = change["changed_attributes"]
    assert (attribute["before"], attribute["after"]) == (PAB_BEFORE, PAB_AFTER)


def test_timeline_is_newest_first_and_pages_without_gaps(client, context_rows):
    url = f"/api/v1/alerts/{context_rows}/timeline"
    everything = client.get(url, params={"limit": 500}).json()["items"]
    kinds = {item["kind"] for item in everything}
    assert kinds == {"finding_version", "config_change", "cloudtrail_event"}
    stamps = [item["at"] for item in everything]
    assert stamps == sorted(stamps, reverse=True)
    assert all(
        {"at", "kind", "source", "actor", "summary", "details"} <= set(i) for i in everything
    )
    config = next(i for i in everything if i["kind"] == "config_change")
    assert config["actor"] == "alice.martin" and "PublicAccessBlock" in config["summary"]

    paged, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get(url, params=params).json()
        paged.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i["id"] for i in paged] == [i["id"] for i in everything]


def test_timeline_errors(client, context_rows):
    assert client.get("/api/v1/alerts/nope/timeline").status_code == 404
    bad = client.get(f"/api/v1/alerts/{context_rows}/timeline", params={"cursor": "zzz"})
    assert bad.status_code == 400


def test_list_filters_on_owner_environment_classification(client, context_rows, marts):
    for params in (
        {"owner": "li.wei"},
        {"environment": "PROD"},
        {"classification": "Restricted", "owner": "li.wei"},
    ):
        body = client.get("/api/v1/alerts", params=params).json()
        assert [item["id"] for item in body["items"]] == [context_rows], params
        assert body["items"][0]["impact_score"] == 90
    assert client.get("/api/v1/alerts", params={"owner": "nobody"}).json()["total"] == 0

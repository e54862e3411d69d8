"""Resource-context marts for the browser test: one alert with an owner, a change and activity.

The tables carry the columns the API reads (docs/data-contracts.md, "Marts"), as
tests/api/conftest.py builds them; only the one alert the test opens gets rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

CONTEXT_DDL = """
create table if not exists marts.dim_resources (
    resource_key text primary key, resource_id text, resource_type text,
    aws_account_id text, region text, partition text, tags jsonb,
    first_seen_at timestamptz, last_seen_at timestamptz, count_alerts bigint,
    resource_ref text, owner text, team text, environment text, classification text,
    compliance_tags jsonb, exposure_level text, exposure jsonb, unknown_facts text[],
    created_at timestamptz, snapshot_taken_at timestamptz
);
create table if not exists marts.fct_alert_resources (
    alert_id text not null, resource_key text not null, resource_id text,
    resource_type text, region text, is_primary boolean
);
create table if not exists marts.fct_resource_changes (
    resource_change_key text primary key, resource_type text, resource_id text,
    resource_name text, resource_arn text, resource_ref text, aws_account_id text,
    region text, item_status text, change_type text, is_first_item boolean,
    changed_attributes jsonb, count_changed_attributes bigint, change_actor text,
    change_action text, change_event_id text, change_actor_source text,
    captured_at timestamptz, previous_captured_at timestamptz, change_event_at timestamptz
);
create table if not exists marts.fct_resource_activity (
    resource_activity_key text primary key, cloudtrail_event_key text, event_id text,
    aws_account_id text, region text, actor text, actor_type text, actor_arn text,
    source_ip text, user_agent text, action text, event_source text, event_type text,
    error_code text, is_read_only boolean, resource_type text, resource_arn text,
    resource_name text, resource_ref text, event_at timestamptz, source text
);
"""

# The browser test's findings mart has three columns; the detail reads these too.
FINDINGS_COLUMNS_DDL = """
alter table marts.fct_alert_findings
    add column if not exists severity_label text,
    add column if not exists workflow_status text,
    add column if not exists record_state text,
    add column if not exists compliance_status text,
    add column if not exists updated_at timestamptz,
    add column if not exists generator_id text,
    add column if not exists standard text;
"""

GROUPS_DDL = """
create table if not exists marts.fct_alert_groups (
    alert_group_id text primary key, parent_alert_id text, title text, severity_label text,
    severity_score integer, workflow_status text, aws_account_ids text[], regions text[],
    count_members integer, count_accounts integer, first_seen_at timestamptz,
    last_seen_at timestamptz, first_grouped_at timestamptz, updated_at timestamptz,
    correlation_run_id bigint
);
create table if not exists marts.fct_alert_group_members (
    alert_group_id text, alert_id text, linked_alert_id text, is_parent boolean,
    score double precision, score_parts jsonb, blocks text[], reasons text[], title text,
    severity_label text, severity_score integer, aws_account_id text, region text,
    resource_type text, resource_id text, workflow_status text, first_seen_at timestamptz,
    last_seen_at timestamptz
);
"""

GROUP_ID = "group-browser-1"

TABLES = (
    "dim_resources",
    "fct_alert_resources",
    "fct_resource_changes",
    "fct_resource_activity",
    "fct_alert_groups",
    "fct_alert_group_members",
)

OWNER = "dana.owner"
CLASSIFICATION = "confidential"
CHANGE_ACTOR = "arn:aws:iam::111111111111:user/ci-deployer"


def _insert(connection: sa.Connection, name: str, row: dict[str, Any]) -> None:
    table = sa.table(name, *(sa.column(column) for column in row), schema="marts")
    connection.execute(sa.insert(table), [row])


def create_context_marts(connection: sa.Connection, alert: dict[str, Any]) -> None:
    """Give `alert` a resource with context, one Config change and one CloudTrail event."""
    first_seen = datetime.fromisoformat(alert["first_seen_at"]).astimezone(UTC)
    changed_at = first_seen - timedelta(hours=6)
    ref = alert["resource_id"].rsplit(":", 1)[-1].lower()
    account, region = alert["aws_account_id"], alert["region"]
    connection.exec_driver_sql(CONTEXT_DDL)
    connection.exec_driver_sql(FINDINGS_COLUMNS_DDL)
    _insert(
        connection,
        "dim_resources",
        {
            "resource_key": f"key-{ref}",
            "resource_id": alert["resource_id"],
            "resource_type": alert["resource_type"],
            "aws_account_id": account,
            "region": region,
            "resource_ref": ref,
            "owner": OWNER,
            "team": "storage",
            "environment": "production",
            "classification": CLASSIFICATION,
            "exposure_level": "public",
        },
    )
    _insert(
        connection,
        "fct_alert_resources",
        {
            "alert_id": alert["alert_id"],
            "resource_key": f"key-{ref}",
            "resource_id": alert["resource_id"],
            "resource_type": alert["resource_type"],
            "region": region,
            "is_primary": True,
        },
    )
    attributes = [
        {"attribute": "PublicAccessBlock.BlockPublicAcls", "before": True, "after": False}
    ]
    _insert(
        connection,
        "fct_resource_changes",
        {
            "resource_change_key": f"change-{ref}",
            "resource_type": alert["resource_type"],
            "resource_id": ref,
            "resource_ref": ref,
            "aws_account_id": account,
            "region": region,
            "change_type": "UPDATE",
            "changed_attributes": json.dumps(attributes),
            "count_changed_attributes": 1,
            "change_actor": CHANGE_ACTOR,
            "change_action": "DeletePublicAccessBlock",
            "captured_at": changed_at,
            "change_event_at": changed_at,
        },
    )
    _insert(
        connection,
        "fct_resource_activity",
        {
            "resource_activity_key": f"activity-{ref}",
            "event_id": "evt-1",
            "aws_account_id": account,
            "region": region,
            "actor": CHANGE_ACTOR,
            "action": "DeletePublicAccessBlock",
            "event_source": "s3.amazonaws.com",
            "resource_ref": ref,
            "event_at": changed_at - timedelta(minutes=1),
        },
    )
    connection.execute(
        sa.text(
            "update marts.fct_alerts set owner = :owner, classification = :classification, "
            "impact_score = 81, impact_severity_points = 36, impact_sensitivity_points = 20, "
            "impact_exposure_points = 20, impact_environment_points = 5, "
            "last_change_actor = :actor, last_change_at = :at where alert_id = :alert_id"
        ),
        {
            "owner": OWNER,
            "classification": CLASSIFICATION,
            "actor": CHANGE_ACTOR,
            "at": changed_at,
            "alert_id": alert["alert_id"],
        },
    )


def create_group(connection: sa.Connection, alert: dict[str, Any], other: dict[str, Any]) -> None:
    """Group `other` under `alert` (the parent, the higher severity) for the grouped queue."""
    connection.exec_driver_sql(GROUPS_DDL)
    seen = [datetime.fromisoformat(a["last_seen_at"]) for a in (alert, other)]
    _insert(
        connection,
        "fct_alert_groups",
        {
            "alert_group_id": GROUP_ID,
            "parent_alert_id": alert["alert_id"],
            "title": alert["title"],
            "severity_label": alert["severity_label"],
            "severity_score": alert["severity_score"],
            "workflow_status": alert["workflow_status"],
            "aws_account_ids": sorted({alert["aws_account_id"], other["aws_account_id"]}),
            "regions": sorted({alert["region"], other["region"]}),
            "count_members": 2,
            "count_accounts": 1,
            "first_seen_at": min(seen),
            "last_seen_at": max(seen),
        },
    )
    for member, is_parent in ((alert, True), (other, False)):
        _insert(
            connection,
            "fct_alert_group_members",
            {
                "alert_group_id": GROUP_ID,
                "alert_id": member["alert_id"],
                "linked_alert_id": None if is_parent else alert["alert_id"],
                "is_parent": is_parent,
                "score": None if is_parent else 0.9,
                "score_parts": json.dumps({} if is_parent else {"resource": 0.9}),
                "reasons": ["same resource type in one account"],
                "title": member["title"],
                "severity_label": member["severity_label"],
                "severity_score": member["severity_score"],
                "aws_account_id": member["aws_account_id"],
                "region": member["region"],
                "resource_type": member["resource_type"],
                "resource_id": member["resource_id"],
                "workflow_status": member["workflow_status"],
                "last_seen_at": datetime.fromisoformat(member["last_seen_at"]),
            },
        )


def drop_context_marts(connection: sa.Connection) -> None:
    """Drop the tables `create_context_marts` made."""
    for name in TABLES:
        connection.exec_driver_sql(f"drop table if exists marts.{name}")

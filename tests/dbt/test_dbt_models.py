"""One `dbt build` over raw finding versions for the B-cases, then assertions on the marts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

pytestmark = pytest.mark.integration

SG = "arn:aws:ec2:eu-west-2:111122223333:security-group/sg-0example1"
S3_FINDING = "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/aaaa"
INSPECTOR_FINDING = "arn:aws:inspector2:us-east-1:111122223333:finding/0example01"


def _rows(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.text(sql), params)]


def _alert_of(engine: Engine, finding_id: str) -> dict[str, Any]:
    rows = _rows(
        engine,
        "select alerts.* from marts.fct_alerts as alerts "
        "inner join marts.fct_alert_findings as findings using (alert_id) "
        "where findings.finding_id = :finding_id",
        finding_id=finding_id,
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def marts(dbt_build, engine: Engine) -> Engine:
    """The engine once `dbt build` (models, data tests and unit tests) has passed."""
    assert dbt_build.returncode == 0, dbt_build.output[-6000:]
    return engine


def test_build_creates_the_contract_schemas_and_columns(marts: Engine) -> None:
    columns = _rows(
        marts,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts') "
        "and table_name = 'fct_alerts' order by ordinal_position",
    )
    assert {row["table_schema"] for row in columns} == {"marts"}
    assert [row["column_name"] for row in columns] == [
        "alert_id", "alert_key", "severity_label", "severity_score", "workflow_status",
        "record_state", "compliance_status", "product_name", "company_name",
        "aws_account_id", "region", "resource_type", "resource_id", "count_resources",
        "title", "description", "types", "security_control_id", "standards",
        "first_seen_at", "last_seen_at", "updated_at", "count_findings",
        "is_closed_by_source", "closed_reason",
        # resource context and impact (issue 3)
        "owner", "environment", "classification", "impact_score",
        "impact_severity_points", "impact_sensitivity_points", "impact_exposure_points",
        "impact_environment_points", "last_change_actor", "last_change_at",
    ]  # fmt: skip
    indexes = _rows(marts, "select indexdef from pg_indexes where tablename = 'fct_alerts'")
    assert any(
        "(severity_score DESC, last_seen_at DESC, alert_id)" in row["indexdef"] for row in indexes
    )


def test_every_finding_belongs_to_one_alert(marts: Engine) -> None:
    counts = _rows(
        marts,
        "select (select count(*) from marts.fct_alerts) as alerts, "
        "(select count(*) from marts.fct_alert_findings) as findings",
    )[0]
    # B06 2, B07 1, B08 2, B10 1, B12 2 alerts; B07 holds three findings.
    assert counts == {"alerts": 8, "findings": 10}


def test_aggregator_copy_is_the_same_alert_b06(marts: Engine) -> None:
    findings = _rows(
        marts,
        "select * from marts.fct_alert_findings where finding_id = :id",
        id=S3_FINDING,
    )
    assert len(findings) == 1
    alert = _alert_of(marts, S3_FINDING)
    assert alert["region"] == "eu-west-1"
    assert alert["count_findings"] == 1
    assert alert["security_control_id"] == "S3.8"


def test_three_standards_make_one_alert_b07(marts: Engine) -> None:
    alert = _alert_of(marts, "f-cis")
    assert alert["count_findings"] == 3
    assert alert["standards"] == [
        "aws-foundational-security-best-practices/v/1.0.0",
        "cis-aws-foundations-benchmark/v/1.2.0",
        "pci-dss/v/3.2.1",
    ]
    assert alert["security_control_id"] == "EC2.13"
    assert (alert["severity_label"], alert["severity_score"]) == ("HIGH", 70)
    assert (alert["resource_type"], alert["resource_id"]) == ("AwsEc2SecurityGroup", SG)
    assert alert["alert_key"] == f"control|111122223333|eu-west-2|EC2.13|{SG}"
    assert _alert_of(marts, "f-fsbp")["alert_id"] == _alert_of(marts, "f-pci")["alert_id"]


def test_passed_member_keeps_alert_open_and_latest_version_wins(marts: Engine) -> None:
    alert = _alert_of(marts, "f-pci")
    assert alert["compliance_status"] == "FAILED"
    assert alert["is_closed_by_source"] is False
    assert alert["closed_reason"] is None
    pci = _rows(marts, "select * from marts.fct_alert_findings where finding_id = 'f-pci'")
    assert [(row["compliance_status"], row["severity_label"]) for row in pci] == [
        ("PASSED", "INFORMATIONAL")
    ]
    assert pci[0]["standard"] == "pci-dss/v/3.2.1"
    assert alert["last_seen_at"] == datetime(2024, 5, 3, 9, 0, tzinfo=UTC)


def test_current_resources_replace_earlier_ones_b08(marts: Engine) -> None:
    reposted = _alert_of(marts, "custodian/ec2-untagged/0001")
    assert reposted["count_resources"] == 1
    assert reposted["resource_id"].endswith("i-0ddd4444")
    multi = _alert_of(marts, "custodian/ec2-untagged/0002")
    assert multi["count_resources"] == 3
    resources = _rows(
        marts,
        "select resource_id, is_primary from marts.fct_alert_resources "
        "where alert_id = :alert_id order by resource_id",
        alert_id=multi["alert_id"],
    )
    assert [row["resource_id"].rsplit("/", 1)[1] for row in resources] == [
        "i-0eee1111",
        "i-0fff2222",
        "i-0ggg3333",
    ]
    assert [row["is_primary"] for row in resources] == [True, False, False]
    history = _rows(
        marts,
        "select resource_id, count_alerts from marts.dim_resources "
        "where resource_id like '%i-0aaa1111' or resource_id like '%i-0ddd4444' "
        "order by resource_id",
    )
    assert [row["count_alerts"] for row in history] == [0, 1]


def test_archived_finding_without_compliance_closes_its_alert_b10(marts: Engine) -> None:
    alert = _alert_of(marts, INSPECTOR_FINDING)
    assert alert["compliance_status"] is None
    assert alert["record_state"] == "ARCHIVED"
    assert alert["is_closed_by_source"] is True
    assert alert["closed_reason"] == "archived"
    assert alert["severity_label"] == "HIGH"
    # Timestamps are UTC instants even though the dbt client asked for New York time.
    assert alert["first_seen_at"] == datetime(2024, 7, 31, 12, 0, tzinfo=UTC)
    assert alert["last_seen_at"] == datetime(2024, 8, 3, 12, 0, tzinfo=UTC)


def test_null_key_parts_get_a_sentinel_b12(marts: Engine) -> None:
    guardduty = _alert_of(marts, "f-9")
    assert guardduty["alert_key"].startswith("finding|arn:aws:securityhub:::product/aws/guardduty")
    assert guardduty["severity_label"] == "HIGH"
    assert guardduty["count_resources"] == 0
    root = _alert_of(marts, "f-root-mfa")
    assert root["alert_key"] == "control|111122223333|us-east-1|IAM.6|<null>"
    nulls = _rows(
        marts,
        "select count(*) as n from marts.fct_alerts where alert_id is null or alert_key is null",
    )
    assert nulls == [{"n": 0}]


def test_triage_decisions_staging_reads_status_changes_from_app(marts: Engine) -> None:
    events = [
        ("status_changed", '{"from": "new", "to": "resolved"}'),
        ("note_added", "{}"),
        ("reopened", '{"from": "resolved", "to": "new"}'),
    ]
    with marts.begin() as connection:
        connection.execute(
            sa.text(
                "insert into app.alert_events (alert_id, kind, actor, summary, details) "
                "values ('dbt-a', :kind, 'u', 's', cast(:details as jsonb))"
            ),
            [{"kind": kind, "details": details} for kind, details in events],
        )
        rows = connection.execute(
            sa.text(
                "select from_status, to_status, is_reopening "
                "from staging.stg_app__triage_decisions "
                "where alert_id = 'dbt-a' order by triage_decision_id"
            )
        ).all()
        connection.execute(sa.text("delete from app.alert_events where alert_id = 'dbt-a'"))

    assert [tuple(row) for row in rows] == [("new", "resolved", False), ("resolved", "new", True)]

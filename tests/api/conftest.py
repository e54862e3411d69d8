"""Fixtures for the API tests: the dbt marts built by hand in the session database.

dbt owns `marts.*`; these tests create the four marts with the columns and types of
docs/data-contracts.md ("Marts") and fill them with generated rows, so the API can be
tested without running dbt. The generated rows are returned too, so tests compute their
expectations in Python rather than trusting the SQL under test.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from tests.conftest import PASSWORDS, bearer_for  # noqa: F401 (re-exported for the api tests)
from tests.marts_contract import MARTS_DDL, MARTS_INDEX_DDL
from triage.accounts.users import User
from triage.settings import Settings

SEVERITY_SCORES = {
    "CRITICAL": (90, 95, 100),
    "HIGH": (70, 75),
    "MEDIUM": (40, 50),
    "LOW": (1, 20),
    "INFORMATIONAL": (0,),
}
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
PRODUCTS = ("Security Hub", "GuardDuty", "Inspector")
RESOURCE_TYPES = ("AwsS3Bucket", "AwsIamUser", "AwsEc2SecurityGroup", "AwsEc2Instance")
STATUSES = ("NEW", "NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED", None)
TITLES = (
    "S3 bucket allows public read",
    "IAM root user has access keys",
    "Security group allows 0.0.0.0/0 on port 22",
    "EC2 instance has a critical CVE",
    "S3 bucket 100% public via ACL",
    "iam_user_mfa not enabled",
    "Unusual API call from Tor exit node",
)
BASE_TIME = datetime(2024, 4, 3, 8, 0, tzinfo=UTC)


@dataclass
class MartsData:
    """The rows written to the marts, for tests to compute expectations from."""

    alerts: list[dict[str, Any]]
    detail_alert_id: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


def make_alerts(count: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """Generate `count` alert rows with many ties in score and last-seen time."""
    rng = random.Random(seed)
    alerts = []
    for number in range(count):
        label = rng.choice(tuple(SEVERITY_SCORES))
        status = rng.choice(STATUSES)
        closed = status == "RESOLVED" and rng.random() < 0.7
        # Few distinct timestamps, so the alert_id tie-breaker decides many positions.
        last_seen = BASE_TIME - timedelta(hours=rng.randrange(12))
        alerts.append(
            {
                "alert_id": f"{rng.getrandbits(128):032x}",
                "alert_key": f"key-{number}",
                "severity_label": label,
                "severity_score": rng.choice(SEVERITY_SCORES[label]),
                "workflow_status": status,
                "record_state": "ARCHIVED" if closed else "ACTIVE",
                "compliance_status": rng.choice(("FAILED", "PASSED", None)),
                "product_name": rng.choice(PRODUCTS),
                "company_name": "AWS",
                "aws_account_id": rng.choice(ACCOUNTS),
                "region": rng.choice(REGIONS),
                "resource_type": rng.choice(RESOURCE_TYPES),
                "resource_id": f"arn:aws:s3:::bucket-{number}",
                "count_resources": 1,
                "title": rng.choice(TITLES),
                "description": "generated for the API tests",
                "types": ["Software and Configuration Checks"],
                "security_control_id": rng.choice(("S3.1", "IAM.4", "EC2.19", None)),
                "standards": ["aws-foundational-security-best-practices/v/1.0.0"],
                "first_seen_at": last_seen - timedelta(days=rng.randrange(30)),
                "last_seen_at": last_seen,
                "updated_at": last_seen,
                "count_findings": rng.randrange(1, 4),
                "is_closed_by_source": closed,
                "closed_reason": "archived" if closed else None,
            }
        )
    return alerts


def insert_alerts(connection: sa.Connection, alerts: list[dict[str, Any]]) -> None:
    """Insert alert rows into `marts.fct_alerts`."""
    table = sa.table("fct_alerts", *(sa.column(name) for name in alerts[0]), schema="marts")
    connection.execute(sa.insert(table), alerts)


def _detail_rows(alert_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    product_arn = "arn:aws:securityhub:us-east-1::product/aws/securityhub"
    findings = [
        {
            "alert_id": alert_id,
            "product_arn": product_arn,
            "finding_id": "finding-with-history",
            "severity_label": "HIGH",
            "workflow_status": "NEW",
            "record_state": "ACTIVE",
            "compliance_status": "FAILED",
            "updated_at": BASE_TIME,
            "generator_id": "security-control/S3.1",
            "standard": "aws-foundational-security-best-practices/v/1.0.0",
        },
        {
            "alert_id": alert_id,
            "product_arn": product_arn,
            "finding_id": "finding-without-raw",
            "severity_label": "MEDIUM",
            "workflow_status": "NEW",
            "record_state": "ACTIVE",
            "compliance_status": "FAILED",
            "updated_at": BASE_TIME - timedelta(days=1),
            "generator_id": "security-control/S3.1",
            "standard": "cis-aws-foundations-benchmark/v/1.4.0",
        },
    ]
    resources = [
        {
            "alert_id": alert_id,
            "resource_key": "rk-secondary",
            "resource_id": "arn:aws:iam::111111111111:role/reader",
            "resource_type": "AwsIamRole",
            "region": "us-east-1",
            "is_primary": False,
        },
        {
            "alert_id": alert_id,
            "resource_key": "rk-primary",
            "resource_id": "arn:aws:s3:::bucket-0",
            "resource_type": "AwsS3Bucket",
            "region": "us-east-1",
            "is_primary": True,
        },
    ]
    return findings, resources


def _raw_version(updated_at: datetime, label: str, score: int) -> dict[str, Any]:
    finding = {
        "Id": "finding-with-history",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "UpdatedAt": updated_at.isoformat(),
        "Severity": {"Label": label, "Normalized": score},
    }
    normalized = {
        "severity_label": label,
        "severity_score": score,
        "severity_source": "label",
        "severity_missing": False,
        "severity_product": None,
        "severity_original": label,
        "warnings": ["example_warning"],
    }
    return {
        "product_arn": finding["ProductArn"],
        "finding_id": finding["Id"],
        "updated_at": updated_at,
        "content_hash": f"hash-{updated_at.isoformat()}",
        "aws_account_id": "111111111111",
        "region": "us-east-1",
        "finding": json.dumps(finding),
        "normalized": json.dumps(normalized),
        "source": "tests/api",
    }


@pytest.fixture(scope="module")
def marts(engine: Engine) -> Iterator[MartsData]:
    """Build the four marts (and two raw finding versions) with generated rows."""
    alerts = make_alerts(260)
    detail_alert_id = alerts[0]["alert_id"]
    findings, resources = _detail_rows(detail_alert_id)
    dim_resources = [
        {
            "resource_key": resource["resource_key"],
            "resource_id": resource["resource_id"],
            "resource_type": resource["resource_type"],
            "aws_account_id": "111111111111",
            "region": resource["region"],
            "partition": "aws",
            "tags": json.dumps({"owner": "team-a"}),
            "first_seen_at": BASE_TIME - timedelta(days=3),
            "last_seen_at": BASE_TIME,
            "count_alerts": 1,
        }
        for resource in resources
    ]
    raw_versions = [
        _raw_version(BASE_TIME - timedelta(days=2), "LOW", 1),
        _raw_version(BASE_TIME, "HIGH", 70),
    ]

    with engine.begin() as connection:
        connection.execute(sa.text("drop schema if exists marts cascade"))
        connection.exec_driver_sql(MARTS_DDL)
        connection.execute(sa.text(MARTS_INDEX_DDL))
        insert_alerts(connection, alerts)
        for name, rows in (
            ("fct_alert_findings", findings),
            ("fct_alert_resources", resources),
            ("dim_resources", dim_resources),
        ):
            table = sa.table(name, *(sa.column(column) for column in rows[0]), schema="marts")
            connection.execute(sa.insert(table), rows)
        connection.execute(
            sa.text(
                "insert into raw.securityhub_findings (product_arn, finding_id, updated_at, "
                "content_hash, aws_account_id, region, finding, normalized, source) values "
                "(:product_arn, :finding_id, :updated_at, :content_hash, :aws_account_id, "
                ":region, cast(:finding as jsonb), cast(:normalized as jsonb), :source) "
                "on conflict do nothing"
            ),
            raw_versions,
        )
    yield MartsData(
        alerts=alerts, detail_alert_id=detail_alert_id, findings=findings, resources=resources
    )
    with engine.begin() as connection:
        connection.execute(sa.text("drop schema if exists marts cascade"))
        connection.execute(
            sa.text("delete from raw.securityhub_findings where source = 'tests/api'")
        )
    # tests/conftest.py drops the database without disposing the pool; closing our pooled
    # connections here keeps psycopg's ResourceWarning (an error under pytest) away.
    engine.dispose()


@pytest.fixture()
def anon_client(
    engine: Engine, api_settings: Settings, users: dict[str, User]
) -> Iterator[TestClient]:
    """A test client without credentials on an app bound to the session test database."""
    with TestClient(create_app(engine=engine, settings=api_settings)) as test_client:
        yield test_client


@pytest.fixture()
def client(anon_client: TestClient) -> TestClient:
    """A test client signed in as the viewer (the least role that reads alerts)."""
    anon_client.headers.update(bearer_for(anon_client, "viewer"))
    return anon_client


@pytest.fixture()
def clean_app(engine: Engine) -> Engine:
    """Empty the app workflow tables (users stay) before a test."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "truncate app.alert_states, app.alert_events, app.notes, app.note_versions, "
                "app.checklist_progress, app.writeback_outbox, app.writeback_endpoints, "
                "app.audit_log restart identity"
            )
        )
    return engine


def client_as(app_client: TestClient, role: str) -> TestClient:
    """Sign the client in as the test user of a role (replacing any earlier sign-in)."""
    app_client.headers.update(bearer_for(app_client, role))
    return app_client

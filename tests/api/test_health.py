"""Integration tests of GET /api/v1/health, the 503 paths, OpenAPI and the 500 handler."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from tests.api.conftest import MartsData

pytestmark = pytest.mark.integration


@pytest.fixture()
def marts_hidden(engine: Engine, marts: MartsData) -> Iterator[None]:
    """Make the marts disappear for one test, as before the first `triage build`."""
    with engine.begin() as connection:
        connection.execute(sa.text("alter schema marts rename to marts_hidden_for_test"))
    yield
    with engine.begin() as connection:
        connection.execute(sa.text("alter schema marts_hidden_for_test rename to marts"))


@pytest.fixture()
def down_client() -> Iterator[TestClient]:
    """A client whose database refuses connections (nothing listens on port 1)."""
    engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    with TestClient(create_app(engine=engine)) as test_client:
        yield test_client
    engine.dispose()


def test_health_ok_reports_the_alert_count(client: TestClient, marts: MartsData) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "missing_marts": [],
        "alert_count": len(marts.alerts),
        "detail": None,
    }


def test_missing_marts_are_503_saying_to_run_triage_build(
    client: TestClient, marts_hidden: None
) -> None:
    health = client.get("/api/v1/health")
    alerts = client.get("/api/v1/alerts")
    summary = client.get("/api/v1/alerts/summary")

    assert health.status_code == 503
    body = health.json()
    assert body["database"] == "ok"
    assert "marts.fct_alerts" in body["missing_marts"]
    assert "run `triage build`" in body["detail"]
    for response in (alerts, summary):
        assert response.status_code == 503
        assert "run `triage build`" in response.json()["detail"]


def test_unreachable_database_is_503(down_client: TestClient) -> None:
    health = down_client.get("/api/v1/health")
    alerts = down_client.get("/api/v1/alerts")

    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"
    assert alerts.status_code == 503
    assert "unreachable" in alerts.json()["detail"]


def test_unexpected_error_is_a_generic_500_without_a_trace(engine: Engine) -> None:
    app = create_app(engine=engine)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/boom")

    assert response.status_code == 500
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["detail"].startswith("internal server error")


def test_openapi_has_metadata_and_one_tag_per_router(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    assert spec["info"]["title"] == "Security Hub triage API"
    assert spec["info"]["version"]
    assert spec["info"]["description"]
    declared = {tag["name"] for tag in spec["tags"]}
    assert {
        "alerts",
        "health",
        "auth",
        "workflow",
        "timeline",
        "alert-groups",
        "grouping-rules",
    } <= declared
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            assert len(operation["tags"]) == 1, path
            assert operation["tags"][0] in declared, path
    assert client.get("/docs").status_code == 200

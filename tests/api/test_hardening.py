"""Security headers, request ids, CORS from settings, and clear 4xx for bad bodies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from triage.settings import Settings

pytestmark = pytest.mark.integration


def test_every_answer_carries_security_headers_and_a_request_id(anon_client: TestClient) -> None:
    answer = anon_client.get("/api/v1/auth/me", headers={"X-Request-ID": "req-12345678"})

    assert answer.status_code == 401
    assert answer.headers["X-Request-ID"] == "req-12345678"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    fresh = anon_client.get("/api/v1/auth/me", headers={"X-Request-ID": "bad id with spaces"})
    assert fresh.headers["X-Request-ID"] != "bad id with spaces"


def test_cors_allows_only_the_configured_origins(engine: Engine, api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"cors_origins": ["https://triage.example.org"]})
    with TestClient(create_app(engine=engine, settings=settings)) as app_client:
        allowed = app_client.options(
            "/api/v1/alerts",
            headers={
                "Origin": "https://triage.example.org",
                "Access-Control-Request-Method": "GET",
            },
        )
        refused = app_client.options(
            "/api/v1/alerts",
            headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"},
        )

    assert allowed.headers["Access-Control-Allow-Origin"] == "https://triage.example.org"
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_malformed_bodies_get_a_clear_4xx(anon_client: TestClient) -> None:
    answer = anon_client.post(
        "/api/v1/auth/refresh", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    unknown_field = anon_client.post("/api/v1/auth/refresh", json={"token": "x"})

    assert answer.status_code == 422 and "Traceback" not in answer.text
    assert unknown_field.status_code == 422
    assert "refresh_token" in unknown_field.text

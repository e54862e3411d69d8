"""Fixtures shared by every test: a private database per test session and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from triage.accounts.roles import Role
from triage.accounts.users import User, create_user, find_user
from triage.audit import Actor
from triage.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus"

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.fail("DATABASE_URL is not set: run the tests with `make test`", pytrace=False)
    return url


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared public corpus; tests read it in place and never copy it."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"expected the shared corpus at {CORPUS_DIR}", pytrace=False)
    return CORPUS_DIR


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh, empty database on the configured server, dropped after the session."""
    server_url = _server_url()
    base, _, _ = server_url.rpartition("/")
    name = f"triage_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = f"{base}/{name}"
    yield url
    from triage.store.db import dispose_engines

    dispose_engines()
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    """An engine on the test database with every migration applied."""
    from triage.store.db import get_migrated_engine

    return get_migrated_engine(database_url)


@pytest.fixture()
def clean_db(engine: Engine) -> Engine:
    """The test database with the raw tables emptied before the test."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "truncate raw.securityhub_findings, raw.quarantine, raw.ingest_cursors, "
                "raw.ingest_runs restart identity"
            )
        )
    return engine


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The configured Redis (a private instance under `make test`)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: run the tests with `make test`", pytrace=False)
    return url


PASSWORDS = {role: f"correct-horse-{role}-battery" for role in ("admin", "engineer", "viewer")}


@pytest.fixture(scope="session")
def api_settings(database_url: str, redis_url: str) -> Settings:
    """Settings for test apps: a generous rate limit so only the rate-limit tests meet it."""
    return Settings().model_copy(
        update={"database_url": database_url, "redis_url": redis_url, "rate_limit": "5000/minute"}
    )


@pytest.fixture(scope="session")
def users(engine: Engine) -> dict[str, User]:
    """One user per role (`admin`, `engineer`, `viewer`), passwords in PASSWORDS."""
    return create_test_users(engine)


def create_test_users(engine: Engine) -> dict[str, User]:
    """Create (or find) the test user of each role in the database behind `engine`."""
    created = {}
    with engine.begin() as connection:
        for role, password in PASSWORDS.items():
            found = find_user(db=connection, username=f"test-{role}")
            created[role] = found or create_user(
                db=connection,
                actor=Actor.system("tests"),
                username=f"test-{role}",
                password=password,
                role=Role(role),
            )
    return created


def bearer_for(app_client: TestClient, role: str) -> dict[str, str]:
    """Sign in as the test user of a role and return the Authorization header."""
    answer = app_client.post(
        "/api/v1/auth/token", data={"username": f"test-{role}", "password": PASSWORDS[role]}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}

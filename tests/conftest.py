"""Fixtures shared by every test: a private database per test session and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

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

"""Database engine creation and migrations for the schemas the product writes."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from triage.errors import SettingsError
from triage.settings import get_settings

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sqlalchemy_url(database_url: str) -> str:
    """Turn a `postgresql://` URL into the SQLAlchemy form that selects psycopg 3."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    raise SettingsError(
        f"DATABASE_URL must start with postgresql://, got {database_url.split(':', 1)[0]}://"
    )


def require_database_url(database_url: str | None = None) -> str:
    """Return the database URL or raise a clear error when it is not configured."""
    url = database_url or get_settings().database_url
    if not url:
        raise SettingsError(
            "DATABASE_URL is not set; expected postgresql://user:password@host:port/dbname "
            "(`make services` starts a private PostgreSQL and prints one)"
        )
    return url


_ENGINES: list[Engine] = []


@functools.lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    # Every session runs in UTC so naive values are never read as local time (case B05).
    engine = sa.create_engine(
        sqlalchemy_url(url),
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"options": "-c timezone=UTC"},
    )
    _ENGINES.append(engine)
    return engine


def get_engine(database_url: str | None = None) -> Engine:
    """Return a pooled engine for the configured database."""
    return _engine_for(require_database_url(database_url))


def migrate(database_url: str | None = None) -> None:
    """Apply every pending migration for the `raw`, `app` and `correlation` schemas."""
    url = require_database_url(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    with _engine_for(url).begin() as connection:
        # Serialise concurrent starters (API workers, CLI, Dagster) on one advisory lock.
        connection.execute(sa.text("select pg_advisory_xact_lock(727001)"))
        cfg.attributes["connection"] = connection
        # "heads": feature branches add migrations beside each other; all of them apply.
        command.upgrade(cfg, "heads")


@functools.lru_cache(maxsize=8)
def _migrated(url: str) -> bool:
    migrate(url)
    return True


def get_migrated_engine(database_url: str | None = None) -> Engine:
    """Return an engine after making sure migrations ran once in this process."""
    url = require_database_url(database_url)
    _migrated(url)
    return _engine_for(url)


def dispose_engines() -> None:
    """Close every pooled connection and forget the cached engines (tests, forked workers)."""
    for engine in list(_ENGINES):
        engine.dispose()
    _ENGINES.clear()
    _engine_for.cache_clear()
    _migrated.cache_clear()

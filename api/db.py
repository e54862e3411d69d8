"""Database access for the API: one pooled engine per process and a connection per request."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import psycopg.errors
import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.engine import Connection, Engine

from api.errors import MARTS_MISSING_HINT, DatabaseUnavailableError, MartsUnavailableError
from triage.errors import SettingsError, ValidationError
from triage.store.db import get_migrated_engine

logger = logging.getLogger(__name__)


def resolve_engine(request: Request) -> Engine:
    """Return the app's engine, creating it (and applying migrations) on first use.

    The engine is created lazily so the API starts, and `/api/v1/health` can answer 503,
    while PostgreSQL is still down. The engine from `triage.store.db` sets every session's
    time zone to UTC.

    Raises:
        DatabaseUnavailableError: DATABASE_URL is unset or the server cannot be reached.
    """
    engine: Engine | None = request.app.state.engine
    if engine is not None:
        return engine
    try:
        engine = get_migrated_engine()
    except SettingsError as exc:
        raise DatabaseUnavailableError(str(exc)) from exc
    except sa.exc.OperationalError as exc:
        logger.warning("database unreachable while applying migrations: %s", exc.orig)
        raise DatabaseUnavailableError(
            "the database is unreachable; check DATABASE_URL and that PostgreSQL is running"
        ) from exc
    request.app.state.engine = engine
    return engine


def open_connection(engine: Engine) -> Connection:
    """Check a connection out of the pool, translating connection failures to our errors."""
    try:
        return engine.connect()
    except sa.exc.OperationalError as exc:
        logger.warning("database unreachable: %s", exc.orig)
        raise DatabaseUnavailableError(
            "the database is unreachable; check DATABASE_URL and that PostgreSQL is running"
        ) from exc


def get_connection(request: Request) -> Iterator[Connection]:
    """Yield a connection for one request; missing marts and lost connections become 503s."""
    with open_connection(resolve_engine(request)) as connection:
        try:
            yield connection
        except sa.exc.ProgrammingError as exc:
            if isinstance(exc.orig, psycopg.errors.UndefinedTable):
                logger.debug("mart missing: %s", exc.orig)
                raise MartsUnavailableError(MARTS_MISSING_HINT) from exc
            raise
        except sa.exc.DataError as exc:
            # A value PostgreSQL cannot hold (a NUL byte in text, a number out of range) is
            # the client's input, not a server fault.
            logger.debug("value refused by the database: %s", exc.orig)
            raise ValidationError(
                "a value in the request cannot be stored or compared (for example it contains "
                "a NUL byte); remove it and retry"
            ) from exc
        except sa.exc.OperationalError as exc:
            logger.warning("database connection lost: %s", exc.orig)
            raise DatabaseUnavailableError(
                "the database connection was lost during the request; retry shortly"
            ) from exc

"""Check that the database answers and the marts the API reads exist."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.db import open_connection
from api.errors import MARTS_MISSING_HINT, DatabaseUnavailableError
from api.health.schemas import HealthRead

logger = logging.getLogger(__name__)

REQUIRED_MARTS = (
    "marts.fct_alerts",
    "marts.fct_alert_findings",
    "marts.fct_alert_resources",
    "marts.dim_resources",
)


def check_health(*, get_engine: Callable[[], Engine]) -> HealthRead:
    """Run `select 1`, look up every required mart and count the alerts."""
    try:
        with open_connection(get_engine()) as connection:
            connection.execute(sa.text("select 1"))
            missing = [
                name
                for name in REQUIRED_MARTS
                if connection.execute(sa.text("select to_regclass(:name)"), {"name": name}).scalar()
                is None
            ]
            alert_count = None
            if "marts.fct_alerts" not in missing:
                alert_count = connection.execute(
                    sa.text("select count(*) from marts.fct_alerts")
                ).scalar_one()
    except (DatabaseUnavailableError, sa.exc.OperationalError) as exc:
        logger.warning("health check: database unreachable: %s", exc)
        return HealthRead(
            status="unavailable",
            database="unreachable",
            alert_count=None,
            detail="the database is unreachable; check DATABASE_URL and that PostgreSQL is running",
        )

    if missing:
        return HealthRead(
            status="unavailable",
            database="ok",
            missing_marts=missing,
            alert_count=alert_count,
            detail=f"missing {', '.join(missing)}: {MARTS_MISSING_HINT}",
        )
    return HealthRead(status="ok", database="ok", alert_count=alert_count)

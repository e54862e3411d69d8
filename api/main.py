"""The FastAPI application: routers, OpenAPI metadata and the one error-to-HTTP mapping."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from api.alert_groups.router import router as alert_groups_router
from api.alert_groups.router import similar_router as similar_alerts_router
from api.alerts.router import router as alerts_router
from api.errors import status_for
from api.grouping_rules.router import router as grouping_rules_router
from api.health.router import router as health_router
from api.settings import API_DESCRIPTION, API_TITLE, API_VERSION
from triage.errors import TriageError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

OPENAPI_TAGS = [
    {"name": "alerts", "description": "The alert queue built from the dbt marts."},
    {"name": "health", "description": "Readiness of the database and the marts."},
    {"name": "alert-groups", "description": "Correlated alert groups, why, merge and split."},
    {"name": "grouping-rules", "description": "Rules analysts set for the grouping."},
]


async def _handle_triage_error(request: Request, exc: Exception) -> JSONResponse:
    """Map our typed errors to their HTTP status with the error's own message."""
    status = status_for(exc) if isinstance(exc, TriageError) else 500
    if status >= 500:
        logger.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    return JSONResponse(status_code=status, content={"detail": str(exc)})


async def _handle_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Log anything unplanned with its traceback and answer a generic 500."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        status_code=500, content={"detail": "internal server error; the API log has the details"}
    )


def create_app(*, engine: Engine | None = None) -> FastAPI:
    """Build the application.

    Args:
        engine: the database engine to use; by default one is created from DATABASE_URL
            (with migrations applied) on the first request that needs it.
    """
    app = FastAPI(
        title=API_TITLE,
        description=API_DESCRIPTION,
        version=API_VERSION,
        openapi_tags=OPENAPI_TAGS,
    )
    app.state.engine = engine
    app.add_exception_handler(TriageError, _handle_triage_error)
    app.add_exception_handler(Exception, _handle_unexpected_error)
    app.include_router(alerts_router, prefix=API_PREFIX)
    app.include_router(health_router, prefix=API_PREFIX)
    app.include_router(alert_groups_router, prefix=API_PREFIX)
    app.include_router(similar_alerts_router, prefix=API_PREFIX)
    app.include_router(grouping_rules_router, prefix=API_PREFIX)
    return app


app = create_app()

"""The FastAPI application: routers, OpenAPI metadata and the one error-to-HTTP mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from api.alert_groups.router import router as alert_groups_router
from api.alert_groups.router import similar_router as similar_alerts_router
from api.alerts.router import router as alerts_router
from api.audit.router import router as audit_router
from api.auth.openapi import document_common_responses
from api.auth.router import router as auth_router
from api.errors import status_for
from api.grouping_rules.router import router as grouping_rules_router
from api.health.router import router as health_router
from api.investigations.router import router as investigations_router
from api.live.router import router as live_router
from api.log_redaction import install_token_redaction
from api.middleware import RequestContextMiddleware
from api.resource_context.router import router as timeline_router
from api.settings import API_DESCRIPTION, API_TITLE, API_VERSION, Settings, get_settings
from api.users.router import router as users_router
from api.workflow.router import router as workflow_router
from triage.accounts.errors import AuthenticationError, TooManyRequestsError
from triage.errors import TriageError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"

OPENAPI_TAGS = [
    {"name": "alerts", "description": "The alert queue built from the dbt marts."},
    {"name": "health", "description": "Readiness of the database and the marts."},
    {"name": "auth", "description": "Sign in (OAuth2 password flow), refresh, API tokens."},
    {"name": "users", "description": "Users and their roles (admin)."},
    {"name": "workflow", "description": "Status, assignment and bulk actions on alerts."},
    {"name": "investigations", "description": "Notes, checklists and the alert timeline."},
    {"name": "audit", "description": "The audit log and write-back status (admin)."},
    {"name": "live", "description": "WebSocket `/api/v1/ws` pushing alert changes."},
    {
        "name": "timeline",
        "description": "An alert's history: finding versions, Config changes, CloudTrail.",
    },
    {"name": "alert-groups", "description": "Correlated alert groups, why, merge and split."},
    {"name": "grouping-rules", "description": "Rules analysts set for the grouping."},
]


async def _handle_triage_error(request: Request, exc: Exception) -> JSONResponse:
    """Map our typed errors to their HTTP status with the error's own message."""
    status = status_for(exc) if isinstance(exc, TriageError) else 500
    if status >= 500:
        logger.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequestsError):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(status_code=status, content={"detail": str(exc)}, headers=headers)


async def _handle_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Log anything unplanned with its traceback and answer a generic 500."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        status_code=500, content={"detail": "internal server error; the API log has the details"}
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the Redis connections the app opened on first use when it shuts down."""
    yield
    redis_client = getattr(app.state, "redis", None)
    if redis_client is not None:
        redis_client.close()
        app.state.redis = None
    limiter = getattr(app.state, "limiter", None)
    if limiter is not None:
        limiter.close()
        app.state.limiter = None


def create_app(*, engine: Engine | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the application.

    Args:
        engine: the database engine to use; by default one is created from DATABASE_URL
            (with migrations applied) on the first request that needs it.
        settings: the settings to use; the process-wide ones by default.
    """
    install_token_redaction()
    settings = settings or get_settings()
    app = FastAPI(
        title=API_TITLE,
        description=API_DESCRIPTION,
        version=API_VERSION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=_lifespan,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.add_middleware(RequestContextMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-ID"],
            expose_headers=["ETag", "Retry-After", "X-Request-ID"],
        )
    app.add_exception_handler(TriageError, _handle_triage_error)
    app.add_exception_handler(Exception, _handle_unexpected_error)
    app.include_router(alerts_router, prefix=API_PREFIX)
    app.include_router(health_router, prefix=API_PREFIX)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(users_router, prefix=API_PREFIX)
    app.include_router(workflow_router, prefix=API_PREFIX)
    app.include_router(investigations_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(live_router, prefix=API_PREFIX)
    document_common_responses(app)
    app.include_router(timeline_router, prefix=API_PREFIX)
    app.include_router(alert_groups_router, prefix=API_PREFIX)
    app.include_router(similar_alerts_router, prefix=API_PREFIX)
    app.include_router(grouping_rules_router, prefix=API_PREFIX)
    return app


app = create_app()

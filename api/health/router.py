"""HTTP route for liveness and readiness of the API and its data."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.db import resolve_engine
from api.health import service
from api.health.schemas import HealthRead

router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "",
    response_model=HealthRead,
    responses={503: {"model": HealthRead, "description": "Database down or marts missing."}},
)
def get_health(request: Request, response: Response) -> HealthRead:
    """Report whether the database answers and the marts exist (503 when not)."""
    health = service.check_health(get_engine=lambda: resolve_engine(request))
    if health.status != "ok":
        response.status_code = 503
    return health

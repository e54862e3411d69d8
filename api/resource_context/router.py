"""HTTP routes for an alert's history: the merged timeline (reads; viewer role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, DbDep
from api.resource_context import service
from api.resource_context.schemas import TimelinePage

router = APIRouter(prefix="/alerts", tags=["timeline"])


@router.get(
    "/{alert_id}/timeline",
    response_model=TimelinePage,
    responses={404: {"description": "No alert has this id."}},
)
def get_alert_timeline(
    alert_id: str,
    db: DbDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")
    ] = None,
) -> TimelinePage:
    """List finding versions, Config changes and CloudTrail events on the alert's resources."""
    return service.get_alert_timeline(db=db, alert_id=alert_id, limit=limit, cursor=cursor)

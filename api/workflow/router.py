"""HTTP routes that change an alert's triage state: one alert (with ETags) or many."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from api.deps import CurrentUser, DbDep, RedisDep
from api.workflow import service
from api.workflow.schemas import (
    AlertBulkItem,
    AlertBulkResult,
    AlertBulkUpdate,
    AlertStateRead,
    AlertStateUpdate,
)

router = APIRouter(prefix="/alerts", tags=["workflow"])


@router.patch(
    "/{alert_id}",
    response_model=AlertStateRead,
    responses={
        404: {"description": "No alert has this id."},
        409: {"description": "The status cannot be reached from the current one."},
        412: {"description": "If-Match names an older version: GET the alert again."},
        428: {"description": "If-Match is missing."},
    },
)
def update_alert(
    alert_id: str,
    body: AlertStateUpdate,
    response: Response,
    db: DbDep,
    user: CurrentUser,
    redis_client: RedisDep,
    if_match: Annotated[
        str | None, Header(description="The ETag from GET /alerts/{alert_id}.")
    ] = None,
) -> AlertStateRead:
    """Change an alert's status and/or assignee; transitions are checked, times recorded."""
    state = service.update_state(
        db=db,
        redis_client=redis_client,
        actor=user.actor(),
        alert_id=alert_id,
        body=body,
        if_match=if_match,
    )
    response.headers["ETag"] = state.etag
    return state


@router.post("/bulk", response_model=AlertBulkResult)
def bulk_update_alerts(
    body: AlertBulkUpdate, db: DbDep, user: CurrentUser, redis_client: RedisDep
) -> AlertBulkResult:
    """Apply one status and/or assignee change to many alerts; each succeeds or fails alone."""
    outcomes = service.bulk_update(
        db=db,
        redis_client=redis_client,
        actor=user.actor(),
        alert_ids=body.alert_ids,
        body=body,
    )
    items = [
        AlertBulkItem(
            alert_id=outcome.alert_id,
            ok=outcome.ok,
            error=outcome.error,
            state=service.state_read(outcome.result.state) if outcome.result else None,
        )
        for outcome in outcomes
    ]
    succeeded = sum(1 for item in items if item.ok)
    return AlertBulkResult(items=items, succeeded=succeeded, failed=len(items) - succeeded)

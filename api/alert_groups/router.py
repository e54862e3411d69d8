"""HTTP routes for alert groups: list, detail with why, merge, split, and similar alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.alert_groups import service
from api.alert_groups.schemas import (
    AlertGroupDetail,
    AlertGroupEditRead,
    AlertGroupList,
    AlertGroupMerge,
    AlertGroupSplit,
    SimilarAlertList,
)
from api.deps import CurrentUser, DbDep

# The least role of each route is in api/auth/permissions.py.
router = APIRouter(prefix="/alert-groups", tags=["alert-groups"])
similar_router = APIRouter(prefix="/alerts", tags=["alert-groups"])

_NOT_FOUND = {404: {"description": "No group has this id."}}


@router.get("", response_model=AlertGroupList)
def list_alert_groups(
    db: DbDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")
    ] = None,
    account: Annotated[
        str | None, Query(max_length=12, description="Only groups touching this account.")
    ] = None,
) -> AlertGroupList:
    """List alert groups, highest severity first, then most recently seen (viewer)."""
    return service.list_alert_groups(db=db, limit=limit, cursor=cursor, account=account)


@router.get("/{group_id}", response_model=AlertGroupDetail, responses=_NOT_FOUND)
def get_alert_group(group_id: str, db: DbDep, user: CurrentUser) -> AlertGroupDetail:
    """Return a group with its members and, for each, the score parts and blocks (viewer)."""
    return service.get_alert_group(db=db, group_id=group_id)


@router.post(
    "/{group_id}/merge",
    response_model=AlertGroupEditRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_NOT_FOUND,
)
def merge_alert_groups(
    group_id: str, request: AlertGroupMerge, db: DbDep, user: CurrentUser
) -> AlertGroupEditRead:
    """Merge other groups or alerts into this group (engineer).

    The merge is recorded in `app.alert_group_edits`; the next correlation run applies it
    and every later run keeps it, across rebuilds of the marts.
    """
    return service.merge_alert_groups(
        db=db, group_id=group_id, request=request, user_id=user.user_id
    )


@router.post(
    "/{group_id}/split",
    response_model=AlertGroupEditRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_NOT_FOUND,
)
def split_alert_group(
    group_id: str, request: AlertGroupSplit, db: DbDep, user: CurrentUser
) -> AlertGroupEditRead:
    """Take members out of this group; they stay apart from the rest on every run (engineer)."""
    return service.split_alert_group(
        db=db, group_id=group_id, request=request, user_id=user.user_id
    )


@similar_router.get(
    "/{alert_id}/similar",
    response_model=SimilarAlertList,
    responses={404: {"description": "No alert has this id."}},
)
def list_similar_alerts(
    alert_id: str,
    db: DbDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100, description="How many to return.")] = 10,
) -> SimilarAlertList:
    """The alerts most similar to this one, with each score's parts and blocks (viewer)."""
    return service.similar_alerts(db=db, alert_id=alert_id, limit=limit)

"""HTTP routes for grouping rules: list, read, create, update, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import CurrentUser, DbDep
from api.grouping_rules import service
from api.grouping_rules.schemas import (
    GroupingRuleCreate,
    GroupingRuleList,
    GroupingRuleRead,
    GroupingRuleUpdate,
)

# The least role of each route is in api/auth/permissions.py.
router = APIRouter(prefix="/grouping-rules", tags=["grouping-rules"])
_NOT_FOUND = {404: {"description": "No rule has this id."}}


@router.get("", response_model=GroupingRuleList)
def list_grouping_rules(db: DbDep, user: CurrentUser) -> GroupingRuleList:
    """Every grouping rule, oldest first (viewer)."""
    return service.list_rules(db=db)


@router.post("", response_model=GroupingRuleRead, status_code=status.HTTP_201_CREATED)
def create_grouping_rule(
    rule: GroupingRuleCreate, db: DbDep, user: CurrentUser
) -> GroupingRuleRead:
    """Create a rule; the next correlation run applies it (admin)."""
    return service.create_rule(db=db, rule=rule, user_id=user.user_id)


@router.get("/{rule_id}", response_model=GroupingRuleRead, responses=_NOT_FOUND)
def get_grouping_rule(rule_id: int, db: DbDep, user: CurrentUser) -> GroupingRuleRead:
    """One grouping rule (viewer)."""
    return service.get_rule(db=db, rule_id=rule_id)


@router.patch("/{rule_id}", response_model=GroupingRuleRead, responses=_NOT_FOUND)
def update_grouping_rule(
    rule_id: int, changes: GroupingRuleUpdate, db: DbDep, user: CurrentUser
) -> GroupingRuleRead:
    """Change a rule (admin)."""
    return service.update_rule(db=db, rule_id=rule_id, changes=changes)


@router.delete("/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND)
def delete_grouping_rule(rule_id: int, db: DbDep, user: CurrentUser) -> Response:
    """Delete a rule (admin)."""
    service.delete_rule(db=db, rule_id=rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

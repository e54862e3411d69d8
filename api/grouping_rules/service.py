"""Store grouping rules in `app.grouping_rules`; the correlation run reads them."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.grouping_rules.schemas import (
    GroupingRuleCreate,
    GroupingRuleList,
    GroupingRuleRead,
    GroupingRuleUpdate,
)
from triage.correlation.rules import validate_rule
from triage.errors import NotFoundError

logger = logging.getLogger(__name__)

_COLUMNS = (
    "grouping_rule_id as id, name, kind, field, field_values as values, across_accounts, "
    "is_enabled, created_by, created_at, updated_at"
)


def _read(row: sa.Row[Any]) -> GroupingRuleRead:
    return GroupingRuleRead(**row._mapping)


def list_rules(*, db: Connection) -> GroupingRuleList:
    """Every rule, oldest first."""
    rows = db.execute(
        sa.text(f"select {_COLUMNS} from app.grouping_rules order by grouping_rule_id")
    ).all()
    return GroupingRuleList(items=[_read(r) for r in rows], total=len(rows))


def get_rule(*, db: Connection, rule_id: int) -> GroupingRuleRead:
    """One rule.

    Raises:
        NotFoundError: no rule has this id.
    """
    row = db.execute(
        sa.text(f"select {_COLUMNS} from app.grouping_rules where grouping_rule_id = :id"),
        {"id": rule_id},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"grouping rule {rule_id} not found")
    return _read(row)


def create_rule(*, db: Connection, rule: GroupingRuleCreate, user_id: str) -> GroupingRuleRead:
    """Store a new rule after checking its parts fit its kind.

    Raises:
        ValidationError: the field or values do not fit the kind.
    """
    validate_rule(rule.kind, rule.field, tuple(rule.values))
    row = db.execute(
        sa.text(
            "insert into app.grouping_rules "
            "(name, kind, field, field_values, across_accounts, is_enabled, created_by) "
            "values (:name, :kind, :field, :values, :across, :enabled, :user_id) "
            f"returning {_COLUMNS}"
        ),
        {
            "name": rule.name,
            "kind": rule.kind.value,
            "field": rule.field,
            "values": list(rule.values),
            "across": rule.across_accounts,
            "enabled": rule.is_enabled,
            "user_id": user_id,
        },
    ).one()
    db.commit()
    logger.info("grouping rule created: id=%s kind=%s", row.id, rule.kind)
    return _read(row)


def update_rule(*, db: Connection, rule_id: int, changes: GroupingRuleUpdate) -> GroupingRuleRead:
    """Change a rule; the result is checked as a whole.

    Raises:
        NotFoundError: no rule has this id.
        ValidationError: the changed rule's parts do not fit its kind.
    """
    current = get_rule(db=db, rule_id=rule_id)
    merged = current.model_copy(update=changes.model_dump(exclude_unset=True))
    validate_rule(merged.kind, merged.field, tuple(merged.values))
    row = db.execute(
        sa.text(
            "update app.grouping_rules set name = :name, kind = :kind, field = :field, "
            "field_values = :values, across_accounts = :across, is_enabled = :enabled, "
            f"updated_at = now() where grouping_rule_id = :id returning {_COLUMNS}"
        ),
        {
            "id": rule_id,
            "name": merged.name,
            "kind": merged.kind.value,
            "field": merged.field,
            "values": list(merged.values),
            "across": merged.across_accounts,
            "enabled": merged.is_enabled,
        },
    ).one()
    db.commit()
    return _read(row)


def delete_rule(*, db: Connection, rule_id: int) -> None:
    """Delete a rule.

    Raises:
        NotFoundError: no rule has this id.
    """
    deleted = db.execute(
        sa.text("delete from app.grouping_rules where grouping_rule_id = :id"), {"id": rule_id}
    ).rowcount
    db.commit()
    if not deleted:
        raise NotFoundError(f"grouping rule {rule_id} not found")

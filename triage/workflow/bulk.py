"""Bulk actions: one change applied to many alerts, each succeeding or failing on its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from triage.audit import Actor
from triage.errors import TriageError
from triage.workflow.alert_state import AlertChange, ChangeResult, update_alert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one alert of a bulk action."""

    alert_id: str
    ok: bool
    error: str | None = None
    result: ChangeResult | None = None


def bulk_update(
    *, db: Connection, actor: Actor, alert_ids: list[str], change: AlertChange
) -> list[BulkOutcome]:
    """Apply one change to many alerts; each succeeds or fails on its own (a savepoint each).

    Bulk actions do not take ETags: they apply to whatever version each alert is at.
    """
    outcomes: list[BulkOutcome] = []
    for alert_id in dict.fromkeys(alert_ids):
        savepoint = db.begin_nested()
        try:
            result = update_alert(
                db=db,
                actor=actor,
                alert_id=alert_id,
                change=change,
                if_match=None,
                require_match=False,
            )
        except TriageError as exc:
            savepoint.rollback()
            outcomes.append(BulkOutcome(alert_id=alert_id, ok=False, error=str(exc)))
            continue
        savepoint.commit()
        outcomes.append(BulkOutcome(alert_id=alert_id, ok=True, result=result))
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    logger.info("bulk update alerts=%s failed=%s actor=%s", len(outcomes), failed, actor.name)
    return outcomes

"""Reopen resolved alerts whose findings recur, and end expired suppressions.

Runs after each dbt build (a Dagster asset and `triage build`) through the same service the
API uses, so each reopening is a normal transition with its event, audit row and write-back.

A finding recurs when the alert was seen after it was resolved and the source has not
closed it. Our own write-back returns as an "Imported" event that changes the Workflow
status but neither `LastObservedAt` nor `UpdatedAt`, so it never reopens anything; when
Security Hub resets a recurring finding to NEW, the alert's state here is kept and only
moves through a recorded transition.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.audit import Actor
from triage.workflow.alert_state import AlertChange, ChangeResult, update_alert
from triage.workflow.states import AlertStatus

logger = logging.getLogger(__name__)

_RECURRED = """
select state.alert_id
from app.alert_states as state
inner join marts.fct_alerts as alert on alert.alert_id = state.alert_id
where state.status = 'resolved'
    and alert.last_seen_at > state.resolved_at
    and not coalesce(alert.is_closed_by_source, false)
order by state.alert_id
"""

_EXPIRED = """
select alert_id from app.alert_states
where status = 'suppressed' and suppressed_until <= now()
order by alert_id
"""


@dataclass
class ReopenResult:
    """The alerts one run reopened, by reason."""

    recurred: list[ChangeResult] = field(default_factory=list)
    expired: list[ChangeResult] = field(default_factory=list)


def reopen_alerts(*, db: Connection, actor: Actor | None = None) -> ReopenResult:
    """Reopen recurring resolved alerts and expired suppressions in the caller's transaction."""
    actor = actor or Actor.system("reopen")
    result = ReopenResult()
    for reason, sql, bucket in (
        ("the finding recurred after it was resolved", _RECURRED, result.recurred),
        ("the suppression expired", _EXPIRED, result.expired),
    ):
        for alert_id in db.execute(sa.text(sql)).scalars():
            change = AlertChange(
                status=AlertStatus.NEW, reason=reason, fields_set=frozenset({"status"})
            )
            bucket.append(
                update_alert(
                    db=db,
                    actor=actor,
                    alert_id=alert_id,
                    change=change,
                    if_match=None,
                    require_match=False,
                    system=True,
                    event_kind="reopened",
                )
            )
    logger.info("reopen step recurred=%s expired=%s", len(result.recurred), len(result.expired))
    return result

"""Glue between the workflow routes and the shared services: schemas and live messages."""

from __future__ import annotations

from typing import Any

import redis
from sqlalchemy.engine import Connection

from api.workflow.schemas import AlertStateRead, AlertStateUpdate
from triage.audit import Actor
from triage.workflow import alert_state, bulk, live
from triage.workflow.states import TRANSITIONS


def state_read(state: dict[str, Any]) -> AlertStateRead:
    """Shape a state row for the API, with its ETag and next allowed statuses."""
    fields = {key: value for key, value in state.items() if key in AlertStateRead.model_fields}
    return AlertStateRead(
        **fields,
        allowed_transitions=sorted(TRANSITIONS[state["status"]]),
        etag=alert_state.etag_for(state["version"]),
    )


def change_from(body: AlertStateUpdate) -> alert_state.AlertChange:
    """Turn a request body into a service change, keeping which fields were sent."""
    return alert_state.AlertChange(
        status=body.status,
        reason=body.reason,
        suppressed_until=body.suppressed_until,
        assignee=body.assignee,
        fields_set=frozenset(body.model_fields_set),
    )


def get_state(*, db: Connection, alert_id: str) -> AlertStateRead:
    """Read an alert's state."""
    return state_read(alert_state.get_alert_state(db=db, alert_id=alert_id))


def update_state(
    *,
    db: Connection,
    redis_client: redis.Redis | None,
    actor: Actor,
    alert_id: str,
    body: AlertStateUpdate,
    if_match: str | None,
) -> AlertStateRead:
    """Apply, commit and announce one alert change."""
    result = alert_state.update_alert(
        db=db, actor=actor, alert_id=alert_id, change=change_from(body), if_match=if_match
    )
    db.commit()
    if result.changes:
        live.publish(
            redis_client,
            live.alert_message(alert_id=alert_id, changes=result.changes, actor=actor.name),
        )
    return state_read(result.state)


def bulk_update(
    *,
    db: Connection,
    redis_client: redis.Redis | None,
    actor: Actor,
    alert_ids: list[str],
    body: AlertStateUpdate,
) -> list[bulk.BulkOutcome]:
    """Apply, commit and announce a bulk change."""
    outcomes = bulk.bulk_update(db=db, actor=actor, alert_ids=alert_ids, change=change_from(body))
    db.commit()
    for outcome in outcomes:
        if outcome.ok and outcome.result and outcome.result.changes:
            live.publish(
                redis_client,
                live.alert_message(
                    alert_id=outcome.alert_id, changes=outcome.result.changes, actor=actor.name
                ),
            )
    return outcomes

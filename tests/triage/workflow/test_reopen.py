"""Reopening after each build: recurrence reopens, our own echo and Security Hub's reset do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.api.conftest import MartsData
from triage.audit import Actor
from triage.workflow.alert_state import AlertChange, get_alert_state, update_alert
from triage.workflow.reopen import reopen_alerts
from triage.workflow.states import AlertStatus

pytestmark = pytest.mark.integration

ANALYST = Actor(actor_id="u-1", name="test-engineer")


def _move(db: sa.Connection, alert_id: str, status: AlertStatus, **extra: object) -> None:
    change = AlertChange(status=status, fields_set=frozenset({"status"}), **extra)
    update_alert(
        db=db, actor=ANALYST, alert_id=alert_id, change=change, if_match=None, require_match=False
    )


def _seen(
    db: sa.Connection, alert_id: str, *, at: datetime, status: str, closed: bool = False
) -> None:
    db.execute(
        sa.text(
            "update marts.fct_alerts set last_seen_at = :at, workflow_status = :s, "
            "is_closed_by_source = :c where alert_id = :id"
        ),
        {"at": at, "s": status, "c": closed, "id": alert_id},
    )


def test_recurrence_reopens_but_our_echo_and_a_reset_do_not_lose_state(
    engine: Engine, marts: MartsData, clean_app: Engine
) -> None:
    """Case B09, state half: resolved, recurs (Security Hub resets it to NEW), reopened once."""
    resolved = marts.detail_alert_id  # the alert with findings in marts (for the write-back)
    working, closed = (a["alert_id"] for a in marts.alerts[11:13])
    with engine.begin() as db:
        for alert_id in (resolved, working, closed):
            _move(db, alert_id, AlertStatus.ACKNOWLEDGED)
        _move(db, resolved, AlertStatus.RESOLVED)
        _move(db, closed, AlertStatus.RESOLVED)
        resolved_at = get_alert_state(db=db, alert_id=resolved)["resolved_at"]

    # Our write-back comes back as an Imported event: status changes, last seen does not.
    with engine.begin() as db:
        _seen(db, resolved, at=resolved_at - timedelta(hours=1), status="RESOLVED")
        assert reopen_alerts(db=db).recurred == []

    # The finding fails again: Security Hub resets it to NEW with a newer observation.
    later = datetime.now(UTC) + timedelta(minutes=5)
    with engine.begin() as db:
        _seen(db, resolved, at=later, status="NEW")
        _seen(db, working, at=later, status="NEW")
        _seen(db, closed, at=later, status="RESOLVED", closed=True)
        result = reopen_alerts(db=db)
        again = reopen_alerts(db=db)

    assert [r.state["alert_id"] for r in result.recurred] == [resolved]
    assert again.recurred == []
    with engine.connect() as db:
        state = get_alert_state(db=db, alert_id=resolved)
        assert state["status"] is AlertStatus.NEW and state["reopen_count"] == 1
        assert state["resolved_at"] == resolved_at  # history kept
        assert get_alert_state(db=db, alert_id=working)["status"] is AlertStatus.ACKNOWLEDGED
        assert get_alert_state(db=db, alert_id=closed)["status"] is AlertStatus.RESOLVED
        kinds = db.execute(
            sa.text(
                "select kind, actor from app.alert_events where alert_id = :id order by event_id"
            ),
            {"id": resolved},
        ).all()
        assert [k.kind for k in kinds] == ["status_changed", "status_changed", "reopened"]
        assert kinds[-1].actor == "system:reopen"
        pending = (
            db.execute(
                sa.text(
                    "select distinct workflow_status from app.writeback_outbox "
                    "where alert_id = :id and state = 'pending'"
                ),
                {"id": resolved},
            )
            .scalars()
            .all()
        )
        assert pending == ["NEW"]


def test_expired_suppressions_return_to_new(
    engine: Engine, marts: MartsData, clean_app: Engine
) -> None:
    alert_id = marts.alerts[14]["alert_id"]
    with engine.begin() as db:
        _move(
            db,
            alert_id,
            AlertStatus.SUPPRESSED,
            reason="maintenance",
            suppressed_until=datetime.now(UTC) + timedelta(days=1),
        )
        assert reopen_alerts(db=db).expired == []
        db.execute(
            sa.text(
                "update app.alert_states set suppressed_until = now() - interval '1 minute' "
                "where alert_id = :id"
            ),
            {"id": alert_id},
        )
        result = reopen_alerts(db=db)

    assert [r.state["alert_id"] for r in result.expired] == [alert_id]
    assert result.expired[0].state["status"] is AlertStatus.NEW
    assert result.expired[0].state["suppressed_until"] is None

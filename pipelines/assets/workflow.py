"""The step after each dbt build that reopens recurring alerts through the app services."""

import dagster as dg

from pipelines.resources import WarehouseResource
from triage.audit import Actor
from triage.workflow import live
from triage.workflow.reopen import reopen_alerts


@dg.asset(
    key=["app", "alert_states_reopened"],
    group_name="app",
    deps=[dg.AssetKey("fct_alerts"), dg.AssetKey("fct_alert_findings")],
    description="Reopen resolved alerts whose findings recur; end expired suppressions.",
)
def alert_states_reopened(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Run the reopen step on the fresh marts, in one transaction."""
    with warehouse.get_engine().begin() as db:
        result = reopen_alerts(db=db, actor=Actor.system("reopen"))
    redis_client = warehouse.get_redis()
    for change in [*result.recurred, *result.expired]:
        live.publish(
            redis_client,
            live.alert_message(
                alert_id=change.state["alert_id"], changes=change.changes, actor="system:reopen"
            ),
        )
    return dg.MaterializeResult(
        metadata={"count_recurred": len(result.recurred), "count_expired": len(result.expired)}
    )

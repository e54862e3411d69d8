"""HTTP routes for alerts: the queue, its summary and one alert's detail."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.alert_groups.queue import list_grouped_queue
from api.alert_groups.schemas import QueueList
from api.alerts import service
from api.alerts.filters import build_filters
from api.alerts.schemas import AlertDetail, AlertFilters, AlertList, AlertSummary
from api.deps import CurrentUser, DbDep
from triage.workflow.alert_state import etag_for, get_alert_state

router = APIRouter(prefix="/alerts", tags=["alerts"])


def alert_filters(
    user: CurrentUser,
    severity: Annotated[
        list[str] | None,
        Query(description="Severity label, any case; repeat for several (OR)."),
    ] = None,
    status: Annotated[
        list[str] | None,
        Query(description="Security Hub workflow status, any case; `NONE` for no status."),
    ] = None,
    account: Annotated[list[str] | None, Query(description="AWS account id; repeatable.")] = None,
    region: Annotated[list[str] | None, Query(description="AWS region; repeatable.")] = None,
    product: Annotated[
        list[str] | None, Query(description="Product name, exact; repeatable.")
    ] = None,
    resource_type: Annotated[
        list[str] | None,
        Query(description="Primary resource type, e.g. `AwsS3Bucket`; repeatable."),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Text in the title or the resource id (any case), or an alert id.",
        ),
    ] = None,
    closed: Annotated[
        bool | None, Query(description="Only alerts the source closed (true) or not (false).")
    ] = None,
    owner: Annotated[
        list[str] | None, Query(description="Resource owner (from tags), exact; repeatable.")
    ] = None,
    environment: Annotated[
        list[str] | None, Query(description="Environment, any case (prod, dev...); repeatable.")
    ] = None,
    classification: Annotated[
        list[str] | None,
        Query(description="Data classification, any case (restricted...); repeatable."),
    ] = None,
    triage_status: Annotated[
        list[str] | None,
        Query(
            description="Triage status (new, acknowledged, investigating, resolved, "
            "suppressed, false_positive), any case; repeatable."
        ),
    ] = None,
    assignee: Annotated[
        list[str] | None,
        Query(
            max_length=200,
            description="Assignee username; `me` for the caller, `none` for unassigned; "
            "repeatable.",
        ),
    ] = None,
) -> AlertFilters:
    """Collect the filters the list and summary endpoints share."""
    return build_filters(
        severity=severity,
        status=status,
        account=account,
        region=region,
        product=product,
        resource_type=resource_type,
        q=q,
        closed=closed,
        owner=owner,
        environment=environment,
        classification=classification,
        triage_status=triage_status,
        assignee=assignee,
        current_username=user.username,
    )


FiltersDep = Annotated[AlertFilters, Depends(alert_filters)]


@router.get("", response_model=AlertList | QueueList)
def list_alerts(
    db: DbDep,
    user: CurrentUser,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page.")
    ] = None,
    view: Annotated[
        Literal["alerts", "grouped"],
        Query(description="`grouped`: groups and ungrouped alerts, each with its `kind`."),
    ] = "alerts",
) -> AlertList | QueueList:
    """List alerts, highest severity first, then most recently seen."""
    if view == "grouped":
        return list_grouped_queue(db=db, filters=filters, limit=limit, cursor=cursor)
    return service.list_alerts(db=db, filters=filters, limit=limit, cursor=cursor)


@router.get("/summary", response_model=AlertSummary)
def get_alert_summary(db: DbDep, user: CurrentUser, filters: FiltersDep) -> AlertSummary:
    """Count alerts by severity and status under the filters, with the filter choices."""
    return service.summarize_alerts(db=db, filters=filters)


@router.get(
    "/{alert_id}",
    response_model=AlertDetail,
    responses={404: {"description": "No alert has this id."}},
)
def get_alert(alert_id: str, response: Response, db: DbDep, user: CurrentUser) -> AlertDetail:
    """Return one alert with findings, resources, resource context, impact and Config changes.

    The `ETag` header is the version of the alert's triage state, for `If-Match` on PATCH.
    """
    detail = service.get_alert(db=db, alert_id=alert_id)
    response.headers["ETag"] = etag_for(get_alert_state(db=db, alert_id=alert_id)["version"])
    return detail

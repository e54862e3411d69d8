"""Turn alert query parameters into validated filters and a parameterised SQL `where`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from api.alerts.schemas import AlertFilters
from triage.errors import ValidationError
from triage.findings.model import SeverityLabel
from triage.workflow.states import AlertStatus

# Highest first, the order the dashboard shows its severity cards in.
SEVERITY_ORDER: tuple[SeverityLabel, ...] = tuple(reversed(SeverityLabel))
NO_STATUS = "NONE"
# The `assignee` value that selects alerts nobody is assigned to.
UNASSIGNED = "none"

# Facets of the summary: each list of choices ignores its own filter.
ACCOUNT, REGION, PRODUCT = "account", "region", "product"


def _clean(values: Iterable[str] | None) -> tuple[str, ...]:
    """Drop blanks and duplicates, keeping order."""
    seen: dict[str, None] = {}
    for value in values or ():
        value = value.strip()
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


_Choice = TypeVar("_Choice", bound=StrEnum)


def _parse_choices(
    values: Sequence[str] | None, choices: Sequence[_Choice], *, name: str
) -> tuple[_Choice, ...]:
    """Parse values case-insensitively into members of `choices`, keeping order.

    Raises:
        ValidationError: a value is none of the choices.
    """
    by_key = {choice.value.casefold(): choice for choice in choices}
    parsed: list[_Choice] = []
    for value in _clean(values):
        choice = by_key.get(value.casefold())
        if choice is None:
            allowed = ", ".join(choice.value for choice in choices)
            raise ValidationError(f"unknown {name} {value!r}; allowed (any case): {allowed}")
        parsed.append(choice)
    return tuple(dict.fromkeys(parsed))


def parse_severities(values: Sequence[str] | None) -> tuple[SeverityLabel, ...]:
    """Parse severity labels case-insensitively (the five ASFF labels)."""
    return _parse_choices(values, SEVERITY_ORDER, name="severity")


def parse_triage_statuses(values: Sequence[str] | None) -> tuple[AlertStatus, ...]:
    """Parse triage statuses case-insensitively (the workflow statuses)."""
    return _parse_choices(values, tuple(AlertStatus), name="triage_status")


def build_filters(
    *,
    severity: Sequence[str] | None = None,
    status: Sequence[str] | None = None,
    account: Sequence[str] | None = None,
    region: Sequence[str] | None = None,
    product: Sequence[str] | None = None,
    resource_type: Sequence[str] | None = None,
    q: str | None = None,
    closed: bool | None = None,
    owner: Sequence[str] | None = None,
    environment: Sequence[str] | None = None,
    classification: Sequence[str] | None = None,
    triage_status: Sequence[str] | None = None,
    assignee: Sequence[str] | None = None,
    current_username: str | None = None,
) -> AlertFilters:
    """Validate raw query values into `AlertFilters`.

    `assignee` takes usernames, `me` (replaced by `current_username`) and `none` for alerts
    nobody is assigned to.
    """
    assignees = tuple(
        dict.fromkeys(
            current_username if value == "me" and current_username else value
            for value in _clean(assignee)
        )
    )
    return AlertFilters(
        severities=parse_severities(severity),
        statuses=tuple(dict.fromkeys(value.upper() for value in _clean(status))),
        accounts=_clean(account),
        regions=_clean(region),
        products=_clean(product),
        resource_types=_clean(resource_type),
        q=(q.strip() or None) if q else None,
        closed=closed,
        owners=_clean(owner),
        environments=tuple(value.lower() for value in _clean(environment)),
        classifications=tuple(value.lower() for value in _clean(classification)),
        triage_statuses=parse_triage_statuses(triage_status),
        assignees=assignees,
    )


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so user text matches literally (escape character `\\`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(
    filters: AlertFilters, *, exclude: frozenset[str] = frozenset()
) -> tuple[str, dict[str, Any]]:
    """Return `where ...` (or an empty string) and its bind parameters for `marts.fct_alerts`.

    Args:
        filters: the validated filters.
        exclude: facet names (`account`, `region`, `product`) whose filter to leave out.
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filters.severities:
        clauses.append("severity_label = any(:f_severities)")
        params["f_severities"] = [label.value for label in filters.severities]
    if filters.statuses:
        status_clause = "upper(workflow_status) = any(:f_statuses)"
        if NO_STATUS in filters.statuses:
            status_clause = f"({status_clause} or workflow_status is null)"
        clauses.append(status_clause)
        params["f_statuses"] = list(filters.statuses)
    for facet, values, column in (
        (ACCOUNT, filters.accounts, "aws_account_id"),
        (REGION, filters.regions, "region"),
        (PRODUCT, filters.products, "product_name"),
        ("resource_type", filters.resource_types, "resource_type"),
        ("owner", filters.owners, "owner"),
        ("environment", filters.environments, "environment"),
        ("classification", filters.classifications, "classification"),
    ):
        if values and facet not in exclude:
            clauses.append(f"{column} = any(:f_{facet})")
            params[f"f_{facet}"] = list(values)
    if filters.triage_statuses:
        clauses.append(_triage_status_clause(filters.triage_statuses, params))
    if filters.assignees:
        clauses.append(_assignee_clause(filters.assignees, params))
    if filters.q:
        clauses.append(
            r"(title ilike :f_q escape '\' or resource_id ilike :f_q escape '\' "
            "or alert_id = :f_q_exact)"
        )
        params["f_q"] = f"%{escape_like(filters.q)}%"
        params["f_q_exact"] = filters.q
    if filters.closed is not None:
        clauses.append("coalesce(is_closed_by_source, false) = :f_closed")
        params["f_closed"] = filters.closed
    if not clauses:
        return "", params
    return "where " + " and ".join(clauses), params


# The human state lives in app.alert_states, one row per alert that anyone has touched; an
# alert without a row is `new` and unassigned. Both clauses are (anti-)semi-joins on the
# state table's primary key, so the marts' keyset plan keeps its index.
def _triage_status_clause(statuses: tuple[AlertStatus, ...], params: dict[str, Any]) -> str:
    params["f_triage"] = [status.value for status in statuses]
    if AlertStatus.NEW in statuses:
        # No row counts as new: keep every alert except those whose row says otherwise.
        return (
            "not exists (select 1 from app.alert_states as f_state "
            "where f_state.alert_id = fct_alerts.alert_id "
            "and f_state.status <> all(:f_triage))"
        )
    return (
        "exists (select 1 from app.alert_states as f_state "
        "where f_state.alert_id = fct_alerts.alert_id and f_state.status = any(:f_triage))"
    )


def _assignee_clause(assignees: tuple[str, ...], params: dict[str, Any]) -> str:
    parts: list[str] = []
    usernames = [name for name in assignees if name != UNASSIGNED]
    if usernames:
        params["f_assignees"] = usernames
        parts.append(
            "exists (select 1 from app.alert_states as f_state join app.users as f_user "
            "on f_user.user_id = f_state.assignee_id "
            "where f_state.alert_id = fct_alerts.alert_id "
            "and f_user.username = any(:f_assignees))"
        )
    if UNASSIGNED in assignees:
        parts.append(
            "not exists (select 1 from app.alert_states as f_state "
            "where f_state.alert_id = fct_alerts.alert_id and f_state.assignee_id is not null)"
        )
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

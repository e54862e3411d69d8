"""Turn alert query parameters into validated filters and a parameterised SQL `where`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from api.alerts.schemas import AlertFilters
from triage.errors import ValidationError
from triage.findings.model import SeverityLabel

# Highest first, the order the dashboard shows its severity cards in.
SEVERITY_ORDER: tuple[SeverityLabel, ...] = tuple(reversed(SeverityLabel))
NO_STATUS = "NONE"

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


def parse_severities(values: Sequence[str] | None) -> tuple[SeverityLabel, ...]:
    """Parse severity labels case-insensitively.

    Raises:
        ValidationError: a label is not one of the five ASFF labels.
    """
    labels: list[SeverityLabel] = []
    for value in _clean(values):
        try:
            labels.append(SeverityLabel(value.upper()))
        except ValueError:
            allowed = ", ".join(label.value for label in SEVERITY_ORDER)
            raise ValidationError(
                f"unknown severity {value!r}; allowed (any case): {allowed}"
            ) from None
    return tuple(dict.fromkeys(labels))


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
) -> AlertFilters:
    """Validate raw query values into `AlertFilters`."""
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
    if filters.q:
        clauses.append(r"title ilike :f_q escape '\'")
        params["f_q"] = f"%{escape_like(filters.q)}%"
    if filters.closed is not None:
        clauses.append("coalesce(is_closed_by_source, false) = :f_closed")
        params["f_closed"] = filters.closed
    if not clauses:
        return "", params
    return "where " + " and ".join(clauses), params

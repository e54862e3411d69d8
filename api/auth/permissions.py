"""The one permission table: every route (method and path template) and the least role it needs.

`None` marks a public route. A route missing here is refused (403) for everyone, and
tests/api/test_permissions.py fails for it, so adding a route means adding its line here.
"""

from __future__ import annotations

from triage.accounts.roles import Role

PUBLIC = None
V = "/api/v1"

ROUTE_PERMISSIONS: dict[tuple[str, str], Role | None] = {
    # documentation and health
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", f"{V}/health"): PUBLIC,
    # authentication
    ("POST", f"{V}/auth/token"): PUBLIC,
    ("POST", f"{V}/auth/refresh"): PUBLIC,
    ("POST", f"{V}/auth/logout"): PUBLIC,
    ("GET", f"{V}/auth/me"): Role.VIEWER,
    ("GET", f"{V}/auth/api-tokens"): Role.VIEWER,
    ("POST", f"{V}/auth/api-tokens"): Role.VIEWER,
    ("DELETE", f"{V}/auth/api-tokens/{{token_id}}"): Role.VIEWER,
    # users
    ("GET", f"{V}/users"): Role.ADMIN,
    ("POST", f"{V}/users"): Role.ADMIN,
    ("GET", f"{V}/users/{{user_id}}"): Role.ADMIN,
    ("PATCH", f"{V}/users/{{user_id}}"): Role.ADMIN,
    # alerts: reads
    ("GET", f"{V}/alerts"): Role.VIEWER,
    ("GET", f"{V}/alerts/summary"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}/notes"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}/notes/{{note_id}}/versions"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}/checklist"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}/timeline"): Role.VIEWER,
    # alerts: work
    ("PATCH", f"{V}/alerts/{{alert_id}}"): Role.ENGINEER,
    ("POST", f"{V}/alerts/bulk"): Role.ENGINEER,
    ("POST", f"{V}/alerts/{{alert_id}}/notes"): Role.ENGINEER,
    ("PATCH", f"{V}/alerts/{{alert_id}}/notes/{{note_id}}"): Role.ENGINEER,
    ("PUT", f"{V}/alerts/{{alert_id}}/checklist/steps/{{step_id}}"): Role.ENGINEER,
    # alert groups: reads, and analysts' merges and splits
    ("GET", f"{V}/alert-groups"): Role.VIEWER,
    ("GET", f"{V}/alert-groups/{{group_id}}"): Role.VIEWER,
    ("GET", f"{V}/alerts/{{alert_id}}/similar"): Role.VIEWER,
    ("POST", f"{V}/alert-groups/{{group_id}}/merge"): Role.ENGINEER,
    ("POST", f"{V}/alert-groups/{{group_id}}/split"): Role.ENGINEER,
    # grouping rules: everyone reads them, admins write them
    ("GET", f"{V}/grouping-rules"): Role.VIEWER,
    ("GET", f"{V}/grouping-rules/{{rule_id}}"): Role.VIEWER,
    ("POST", f"{V}/grouping-rules"): Role.ADMIN,
    ("PATCH", f"{V}/grouping-rules/{{rule_id}}"): Role.ADMIN,
    ("DELETE", f"{V}/grouping-rules/{{rule_id}}"): Role.ADMIN,
    # administration
    ("GET", f"{V}/audit"): Role.ADMIN,
    ("GET", f"{V}/writeback"): Role.ADMIN,
    # live updates
    ("WS", f"{V}/ws"): Role.VIEWER,
}


class UnlistedRouteError(LookupError):
    """A route is not in the permission table (a programming error, refused at runtime)."""


def required_role(method: str, path: str) -> Role | None:
    """Return the least role for a route, None when public.

    Raises:
        UnlistedRouteError: the route is not in the table.
    """
    key = (method.upper(), path)
    if key not in ROUTE_PERMISSIONS:
        raise UnlistedRouteError(f"{method} {path} is not in api/auth/permissions.py")
    return ROUTE_PERMISSIONS[key]

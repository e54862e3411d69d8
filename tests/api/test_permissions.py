"""Every route is in the permission table, and every role gets exactly what the table says."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.auth.permissions import ROUTE_PERMISSIONS
from api.auth.routes import iter_routes
from api.main import create_app
from tests.api.conftest import MartsData, bearer_for
from triage.accounts.roles import Role

pytestmark = pytest.mark.integration

ROLES = ("admin", "engineer", "viewer")


def test_every_route_is_in_the_permission_table() -> None:
    app = create_app()
    routes = {(info.method, info.path) for info in iter_routes(app)}

    missing = sorted(routes - ROUTE_PERMISSIONS.keys())
    stale = sorted(ROUTE_PERMISSIONS.keys() - routes)

    assert not missing, f"add these routes to api/auth/permissions.py: {missing}"
    assert not stale, f"these permission entries name no route: {stale}"


def _fill(path: str, alert_id: str) -> str:
    path = path.replace("{alert_id}", alert_id)
    return re.sub(r"\{[a-z_]+\}", "00000000-0000-0000-0000-000000000000", path)


def _expected(needed: Role | None, role: str | None) -> str:
    if needed is None:
        return "allowed"
    if role is None:
        return "unauthenticated"
    return "allowed" if Role(role).allows(needed) else "forbidden"


def test_each_role_meets_the_table_on_every_http_route(
    anon_client: TestClient, marts: MartsData
) -> None:
    headers = {role: bearer_for(anon_client, role) for role in ROLES}
    seen = 0
    for info in iter_routes(anon_client.app):
        if info.method == "WS":
            continue
        needed = ROUTE_PERMISSIONS[(info.method, info.path)]
        url = _fill(info.path, marts.detail_alert_id)
        for role in (*ROLES, None):
            kwargs = {"headers": headers[role]} if role else {}
            if info.method in {"POST", "PUT", "PATCH"}:
                kwargs["json"] = {}
            answer = anon_client.request(info.method, url, **kwargs)
            expected = _expected(needed, role)
            where = f"{info.method} {info.path} as {role or 'anonymous'}"
            if expected == "allowed":
                assert answer.status_code not in {401, 403}, f"{where}: {answer.text}"
            elif expected == "forbidden":
                assert answer.status_code == 403, f"{where}: {answer.status_code}"
            else:
                assert answer.status_code == 401, f"{where}: {answer.status_code}"
                assert answer.headers["WWW-Authenticate"] == "Bearer"
            seen += 1
    assert seen >= 4 * 25


def test_websocket_refuses_missing_and_invalid_tokens(anon_client: TestClient) -> None:
    # A valid token's subscription is tested on real processes in test_live_processes.py.
    for bad in ("", "?token=not-a-token"):
        with pytest.raises(WebSocketDisconnect) as closed:
            with anon_client.websocket_connect(f"/api/v1/ws{bad}") as socket:
                socket.receive_json()
        assert closed.value.code == 1008

"""The dashboard's API client renews an expired access token once, and says when it cannot.

The transport plays the API's documented auth contract: `POST /auth/token` and
`POST /auth/refresh` answer `{access_token, refresh_token, expires_in}`; a refresh token
works once (rotation); any other route answers 401 to a token that is not the current one.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from dashboards.common.api_client import TriageApiClient
from dashboards.errors import ApiResponseError


class AuthServer:
    """Issues numbered token pairs; `expire()` makes the current access token stale."""

    def __init__(self) -> None:
        self.number = 0
        self.valid_access: set[str] = set()
        self.valid_refresh: set[str] = set()
        self.refreshes = 0
        self.reused_refresh = 0
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str, str | None]] = []

    def _pair(self) -> dict[str, Any]:
        self.number += 1
        access, refresh = f"access-{self.number}", f"refresh-{self.number}"
        self.valid_access, self.valid_refresh = {access}, {refresh}
        return {"access_token": access, "refresh_token": refresh, "expires_in": 900}

    def expire(self) -> None:
        self.valid_access = set()

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        with self.lock:
            self.calls.append((request.method, path, token))
            if path == "/auth/token":
                form = dict(item.split("=") for item in request.content.decode().split("&"))
                if form.get("password") != "right":
                    return httpx.Response(401, json={"detail": "wrong username or password"})
                return httpx.Response(200, json=self._pair())
            if path == "/auth/refresh":
                body = json.loads(request.content)
                assert set(body) == {"refresh_token"}
                self.refreshes += 1
                if body["refresh_token"] not in self.valid_refresh:
                    self.reused_refresh += 1
                    return httpx.Response(401, json={"detail": "refresh token is not valid"})
                return httpx.Response(200, json=self._pair())
            if token not in self.valid_access:
                return httpx.Response(401, json={"detail": "access token has expired"})
        if path == "/alerts/summary":
            return httpx.Response(200, json={"by_severity": {}, "total": 0})
        return httpx.Response(200, json={"items": [], "total": 0, "next_cursor": None})


@pytest.fixture()
def server() -> AuthServer:
    return AuthServer()


@pytest.fixture()
def client(server: AuthServer) -> TriageApiClient:
    api = TriageApiClient("http://api.test", transport=httpx.MockTransport(server.handle))
    api.sign_in("analyst", "right")
    return api


def test_an_expired_access_token_is_renewed_once_and_the_call_repeated(
    server: AuthServer, client: TriageApiClient
) -> None:
    assert client.list_alerts({})["total"] == 0
    server.expire()

    assert client.list_alerts({})["total"] == 0

    assert server.refreshes == 1
    assert [call[1:] for call in server.calls[-3:]] == [
        ("/alerts", "access-1"),
        ("/auth/refresh", "access-1"),
        ("/alerts", "access-2"),
    ]
    assert client.access_token == "access-2" and client.refresh_token == "refresh-2"


def test_parallel_calls_share_one_renewal(server: AuthServer, client: TriageApiClient) -> None:
    server.expire()
    barrier = threading.Barrier(4)

    def call(_: int) -> int:
        barrier.wait()
        return client.list_alerts({})["total"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(call, range(4))) == [0, 0, 0, 0]

    # A second refresh with the rotated token would have been a reuse, ending the sign-in.
    assert server.refreshes == 1 and server.reused_refresh == 0


def test_an_ended_sign_in_says_so(server: AuthServer, client: TriageApiClient) -> None:
    server.expire()
    server.valid_refresh = set()

    with pytest.raises(ApiResponseError, match="sign-in has ended") as raised:
        client.list_alerts({})

    assert raised.value.status_code == 401
    assert client.refresh_token is None
    # No refresh is tried again once the sign-in has ended.
    with pytest.raises(ApiResponseError, match="sign-in has ended"):
        client.get_alert_summary({})
    assert server.refreshes == 1


def test_a_refused_change_carries_the_api_reason() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.method == "PATCH" and request.headers["If-Match"] == '"3"'
        return httpx.Response(
            409, json={"detail": "cannot move from resolved to acknowledged; allowed: new"}
        )

    api = TriageApiClient("http://api.test", transport=httpx.MockTransport(handle))

    with pytest.raises(ApiResponseError) as raised:
        api.update_alert("a1", {"status": "acknowledged"}, '"3"')

    assert raised.value.status_code == 409
    assert "allowed: new" in str(raised.value) and "HTTP 409" in str(raised.value)

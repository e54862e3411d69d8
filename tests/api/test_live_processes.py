"""Two real API processes sharing Redis and PostgreSQL: one rate limit, one stream of changes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from websockets.sync.client import connect

from tests.api.conftest import MartsData
from triage.accounts.roles import Role
from triage.accounts.users import create_user
from triage.audit import Actor

pytestmark = pytest.mark.integration

RATE_LIMIT = 12
PASSWORD = "a-process-test-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def api_processes(database_url: str, redis_url: str, engine: Engine) -> Iterator[list[str]]:
    """Start two uvicorn processes on free ports; yield their base URLs; stop them."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TRIAGE_RATE_LIMIT=f"{RATE_LIMIT}/minute",
    )
    children, urls = [], []
    for _ in range(2):
        port = _free_port()
        children.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "api.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env=env,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/api/v1/health", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=15)


def _fresh_engineer(engine: Engine) -> str:
    name = f"proc-{uuid.uuid4().hex[:8]}"
    with engine.begin() as db:
        create_user(
            db=db, actor=Actor.system("tests"), username=name, password=PASSWORD, role=Role.ENGINEER
        )
    return name


def _token(url: str, username: str) -> str:
    answer = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_the_rate_limit_is_shared_by_both_processes(
    api_processes: list[str], engine: Engine, marts: MartsData
) -> None:
    first, second = api_processes
    headers = {"Authorization": f"Bearer {_token(first, _fresh_engineer(engine))}"}

    codes = [
        httpx.get(f"{url}/api/v1/auth/me", headers=headers).status_code
        for _ in range(RATE_LIMIT // 2)
        for url in (first, second)
    ]
    assert codes == [200] * RATE_LIMIT

    for url in (second, first):
        limited = httpx.get(f"{url}/api/v1/auth/me", headers=headers)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_a_websocket_on_one_process_sees_a_change_made_on_the_other(
    api_processes: list[str], engine: Engine, marts: MartsData
) -> None:
    first, second = api_processes
    username = _fresh_engineer(engine)
    token = _token(second, username)
    headers = {"Authorization": f"Bearer {token}"}
    alert_id = marts.alerts[20]["alert_id"]
    ws_url = first.replace("http://", "ws://") + f"/api/v1/ws?token={token}"

    with connect(ws_url, open_timeout=10) as socket_:
        hello = json.loads(socket_.recv(timeout=10))
        assert hello == {"type": "subscribed", "channel": "alerts", "user": username}

        etag = httpx.get(f"{second}/api/v1/alerts/{alert_id}", headers=headers).headers["ETag"]
        changed = httpx.patch(
            f"{second}/api/v1/alerts/{alert_id}",
            headers=headers | {"If-Match": etag},
            json={"status": "investigating", "assignee": username},
        )
        assert changed.status_code == 200, changed.text

        message = json.loads(socket_.recv(timeout=10))
        while message.get("alert_id") != alert_id:  # other tests may publish too
            message = json.loads(socket_.recv(timeout=10))

    assert message["type"] == "alert.updated"
    assert message["by"] == username
    assert message["changes"]["status"][1] == "investigating"
    assert message["changes"]["assignee"] == [None, username]
    assert message["at"]

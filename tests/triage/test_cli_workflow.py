"""`triage users create` reads the password from standard input and refuses bad input."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy.engine import Engine

from triage.accounts.passwords import verify_password
from triage.cli import main
from triage.settings import get_settings

pytestmark = pytest.mark.integration


@pytest.fixture()
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_users_create_reads_the_password_from_stdin(
    cli_env: None, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    name = f"boot-{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-bootstrap-password\n"))

    assert main(["users", "create", "--username", name, "--role", "admin"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed["username"] == name and printed["role"] == "admin"
    with engine.connect() as db:
        stored = db.exec_driver_sql(
            "select password_hash from app.users where username = %s", (name,)
        ).scalar_one()
    assert "a-bootstrap-password" not in stored
    assert verify_password("a-bootstrap-password", stored)

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create", "--username", name + "x", "--role", "viewer"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-bootstrap-password\n"))
    assert main(["users", "create", "--username", name, "--role", "viewer"]) == 1
    assert "already taken" in capsys.readouterr().err

"""Sign-in, refresh rotation, logout, JWT attacks, lockout, API tokens and user management."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from tests.api.conftest import PASSWORDS, bearer_for, client_as
from triage.accounts.roles import Role
from triage.accounts.tokens import ALGORITHM, AUDIENCE, ISSUER
from triage.accounts.users import User, create_user
from triage.audit import Actor
from triage.settings import Settings

pytestmark = pytest.mark.integration


def _sign_in(app_client: TestClient, role: str = "engineer") -> dict:
    answer = app_client.post(
        "/api/v1/auth/token", data={"username": f"test-{role}", "password": PASSWORDS[role]}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _me(app_client: TestClient, token: str) -> int:
    return app_client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def _claims(api_settings: Settings, user: User, **overrides: object) -> dict:
    now = datetime.now(UTC)
    claims = {
        "sub": user.user_id,
        "jti": str(uuid.uuid4()),
        "typ": "access",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "role": "admin",
    }
    claims.update(overrides)
    return claims


def test_sign_in_returns_a_working_token_pair(anon_client: TestClient) -> None:
    pair = _sign_in(anon_client)

    assert pair["token_type"] == "bearer" and pair["expires_in"] == 15 * 60
    me = anon_client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["username"] == "test-engineer"
    assert me.json()["role"] == "engineer"
    assert "password" not in me.text


def test_wrong_password_and_unknown_user_answer_alike(anon_client: TestClient) -> None:
    wrong = anon_client.post(
        "/api/v1/auth/token", data={"username": "test-viewer", "password": "not-the-password"}
    )
    unknown = anon_client.post(
        "/api/v1/auth/token", data={"username": "nobody-here", "password": "not-the-password"}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_jwt_attacks_are_rejected(
    anon_client: TestClient, api_settings: Settings, users: dict[str, User]
) -> None:
    viewer = users["viewer"]
    secret = api_settings.jwt_secret.get_secret_value()
    none_alg = jwt.encode(_claims(api_settings, viewer), key=None, algorithm="none")
    expired = jwt.encode(
        _claims(
            api_settings, viewer, exp=int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
        ),
        secret,
        algorithm=ALGORITHM,
    )
    wrong_key = jwt.encode(
        _claims(api_settings, viewer), "another-secret-" * 4, algorithm=ALGORITHM
    )
    good = jwt.encode(_claims(api_settings, viewer), secret, algorithm=ALGORITHM)
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = users["admin"].user_id
    altered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    altered = f"{header}.{altered_payload}.{signature}"
    refresh_as_access = _sign_in(anon_client, "viewer")["refresh_token"]

    assert _me(anon_client, good) == 200
    for name, token in {
        "alg none": none_alg,
        "expired": expired,
        "wrong key": wrong_key,
        "altered payload": altered,
        "refresh token as access": refresh_as_access,
        "garbage": "abc.def.ghi",
    }.items():
        assert _me(anon_client, token) == 401, name


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(
    anon_client: TestClient,
) -> None:
    first = _sign_in(anon_client)

    second = anon_client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert _me(anon_client, rotated["access_token"]) == 200

    reuse = anon_client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    # The reuse revoked the whole family: the newest refresh token no longer works either.
    after = anon_client.post(
        "/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert after.status_code == 401


def test_logout_revokes_the_refresh_token_and_the_access_token(anon_client: TestClient) -> None:
    pair = _sign_in(anon_client)
    other = _sign_in(anon_client)
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}

    out = anon_client.post(
        "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=bearer
    )

    assert out.status_code == 204
    again = anon_client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert _me(anon_client, pair["access_token"]) == 401
    # Another sign-in of the same user is not affected.
    assert _me(anon_client, other["access_token"]) == 200


def test_failed_sign_ins_slow_down_then_lock_the_account(
    engine: Engine, api_settings: Settings
) -> None:
    settings = api_settings.model_copy(
        update={"login_backoff_seconds": 30.0, "login_lock_after": 3, "login_lock_minutes": 10}
    )
    name = f"lock-{uuid.uuid4().hex[:6]}"
    with engine.begin() as db:
        create_user(
            db=db,
            actor=Actor.system("tests"),
            username=name,
            password="a-long-enough-password",
            role=Role.VIEWER,
        )
    with TestClient(create_app(engine=engine, settings=settings)) as app_client:

        def attempt(password: str) -> int:
            return app_client.post(
                "/api/v1/auth/token", data={"username": name, "password": password}
            ).status_code

        assert attempt("wrong-password-1") == 401
        assert attempt("wrong-password-2") == 401
        slowed = app_client.post("/api/v1/auth/token", data={"username": name, "password": "x"})
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
        # Even the right password waits out the delay.
        assert attempt("a-long-enough-password") == 429

        with engine.begin() as db:  # let the back-off pass
            db.execute(
                sa.text(
                    "update app.users set last_failed_login_at = now() - interval '1 hour' "
                    "where username = :n"
                ),
                {"n": name},
            )
        assert attempt("wrong-password-3") == 401  # third failure: locked
        locked = app_client.post(
            "/api/v1/auth/token", data={"username": name, "password": "a-long-enough-password"}
        )
        assert locked.status_code == 429
        assert 500 < int(locked.headers["Retry-After"]) <= 600


def test_api_tokens_work_are_capped_and_revocable(anon_client: TestClient) -> None:
    client_as(anon_client, "engineer")
    too_high = anon_client.post("/api/v1/auth/api-tokens", json={"name": "ci", "role": "admin"})
    assert too_high.status_code == 422

    created = anon_client.post("/api/v1/auth/api-tokens", json={"name": "ci", "role": "viewer"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("tri_")
    listed = anon_client.get("/api/v1/auth/api-tokens").json()["items"]
    assert secret not in json.dumps(listed)

    machine = {"Authorization": f"Bearer {secret}"}
    assert anon_client.get("/api/v1/auth/me", headers=machine).status_code == 200
    # The token's role is viewer, although its owner is an engineer.
    assert anon_client.post("/api/v1/alerts/bulk", json={}, headers=machine).status_code == 403

    token_id = created.json()["token_id"]
    assert anon_client.delete(f"/api/v1/auth/api-tokens/{token_id}").status_code == 204
    assert anon_client.get("/api/v1/auth/me", headers=machine).status_code == 401


def test_admin_manages_users_and_role_changes_apply_at_once(anon_client: TestClient) -> None:
    admin = bearer_for(anon_client, "admin")
    name = f"new-{uuid.uuid4().hex[:6]}"
    created = anon_client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": name, "password": "another-long-password", "role": "viewer"},
    )
    assert created.status_code == 201
    duplicate = anon_client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": name, "password": "another-long-password", "role": "viewer"},
    )
    assert duplicate.status_code == 409
    short = anon_client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "x" + name, "password": "short", "role": "viewer"},
    )
    assert short.status_code == 422

    token = anon_client.post(
        "/api/v1/auth/token", data={"username": name, "password": "another-long-password"}
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert anon_client.post("/api/v1/alerts/bulk", json={}, headers=bearer).status_code == 403
    user_id = created.json()["user_id"]
    assert (
        anon_client.patch(
            f"/api/v1/users/{user_id}", headers=admin, json={"role": "engineer"}
        ).status_code
        == 200
    )
    assert anon_client.post("/api/v1/alerts/bulk", json={}, headers=bearer).status_code == 422
    anon_client.patch(f"/api/v1/users/{user_id}", headers=admin, json={"is_active": False})
    assert anon_client.get("/api/v1/auth/me", headers=bearer).status_code == 401

    audit = anon_client.get("/api/v1/audit", headers=admin, params={"object_id": user_id}).json()
    assert [row["action"] for row in audit["items"]] == [
        "user.update",
        "user.update",
        "user.create",
    ]

"""Users in the app schema: create, read, list, update; every change is audited."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts.passwords import check_password_policy, hash_password
from triage.accounts.roles import Role
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError, ValidationError
from triage.workflow.errors import ConflictError

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,62}$")
_COLUMNS = (
    "user_id, username, display_name, role, is_active, failed_logins, locked_until, "
    "created_at, updated_at"
)


@dataclass(frozen=True)
class User:
    """A user as the services see it (never with the password hash)."""

    user_id: str
    username: str
    display_name: str
    role: Role
    is_active: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime

    def public(self) -> dict[str, Any]:
        """The fields worth auditing and showing."""
        data = asdict(self)
        data["role"] = str(self.role)
        return data


def _user(row: sa.Row[Any]) -> User:
    data = dict(row._mapping)
    data["user_id"] = str(data["user_id"])
    data["role"] = Role(data["role"])
    return User(**data)


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise ValidationError(
            f"username {username!r} is not valid: use 2-63 lower-case letters, digits and . _ @ -"
        )
    return name


def create_user(
    *,
    db: Connection,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> User:
    """Create a user with an Argon2-hashed password.

    Raises:
        ValidationError: the username or password breaks the rules.
        ConflictError: the username is taken.
    """
    name = _check_username(username)
    check_password_policy(password)
    row = db.execute(
        sa.text(
            "insert into app.users (user_id, username, display_name, password_hash, role) "
            "values (:user_id, :username, :display_name, :password_hash, :role) "
            f"on conflict (username) do nothing returning {_COLUMNS}"
        ),
        {
            "user_id": uuid.uuid4(),
            "username": name,
            "display_name": (display_name or name).strip()[:200] or name,
            "password_hash": hash_password(password),
            "role": str(role),
        },
    ).one_or_none()
    if row is None:
        raise ConflictError(f"username {name!r} is already taken")
    user = _user(row)
    record_audit(
        db=db,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.user_id,
        after=user.public(),
    )
    return user


def get_user(*, db: Connection, user_id: str) -> User:
    """Return one user by id.

    Raises:
        NotFoundError: no such user.
    """
    try:
        key = uuid.UUID(user_id)
    except ValueError as exc:
        raise NotFoundError(f"user {user_id!r} not found") from exc
    row = db.execute(
        sa.text(f"select {_COLUMNS} from app.users where user_id = :id"), {"id": key}
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"user {user_id!r} not found")
    return _user(row)


def find_user(*, db: Connection, username: str) -> User | None:
    """Return a user by username, or None."""
    row = db.execute(
        sa.text(f"select {_COLUMNS} from app.users where username = :name"),
        {"name": username.strip().lower()},
    ).one_or_none()
    return _user(row) if row else None


def list_users(*, db: Connection) -> list[User]:
    """Every user, by username."""
    rows = db.execute(sa.text(f"select {_COLUMNS} from app.users order by username")).all()
    return [_user(row) for row in rows]


def update_user(
    *,
    db: Connection,
    actor: Actor,
    user_id: str,
    role: Role | None = None,
    is_active: bool | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    """Change a user's role, activity, name or password; unlocking resets failed logins.

    Raises:
        NotFoundError: no such user.
        ValidationError: the new password breaks the policy, or the last admin is demoted.
    """
    before = get_user(db=db, user_id=user_id)
    sets: list[str] = ["updated_at = now()"]
    params: dict[str, Any] = {"id": uuid.UUID(user_id)}
    if role is not None:
        sets.append("role = :role")
        params["role"] = str(role)
    if is_active is not None:
        sets.append("is_active = :active")
        params["active"] = is_active
        if is_active:
            sets.append("failed_logins = 0, locked_until = null")
    if display_name is not None:
        sets.append("display_name = :display_name")
        params["display_name"] = display_name.strip()[:200] or before.username
    if password is not None:
        check_password_policy(password)
        sets.append("password_hash = :hash, failed_logins = 0, locked_until = null")
        params["hash"] = hash_password(password)
    losing_admin = before.role is Role.ADMIN and (
        (role is not None and role is not Role.ADMIN) or is_active is False
    )
    if losing_admin:
        admins = db.execute(
            sa.text("select count(*) from app.users where role = 'admin' and is_active")
        ).scalar_one()
        if admins <= 1:
            raise ValidationError("cannot demote or deactivate the last active admin")
    row = db.execute(
        sa.text(f"update app.users set {', '.join(sets)} where user_id = :id returning {_COLUMNS}"),
        params,
    ).one()
    after = _user(row)
    if role is not None or is_active is False or password is not None:
        # Existing sessions end when the role, access or password changes.
        db.execute(
            sa.text(
                "update app.refresh_tokens set revoked_at = now() "
                "where user_id = :id and revoked_at is null"
            ),
            {"id": uuid.UUID(user_id)},
        )
    record_audit(
        db=db,
        actor=actor,
        action="user.update",
        object_type="user",
        object_id=user_id,
        before=before.public(),
        after=after.public() | ({"password": "changed"} if password is not None else {}),
    )
    return after

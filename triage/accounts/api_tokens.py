"""Long-lived API tokens for machines: created once, stored hashed, capped, revocable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts import tokens
from triage.accounts.errors import AuthenticationError
from triage.accounts.roles import Role
from triage.accounts.sessions import Identity
from triage.accounts.users import User, get_user
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError, ValidationError


def _now() -> datetime:
    return datetime.now(UTC)


def identify_api_token(*, db: Connection, token: str) -> Identity:
    """Look up an API token by its hash; its role is capped by its owner's current role.

    Raises:
        AuthenticationError: unknown, revoked or expired token, or a disabled owner.
    """
    row = db.execute(
        sa.text(
            "update app.api_tokens set last_used_at = now() where token_hash = :hash "
            "and revoked_at is null and (expires_at is null or expires_at > now()) "
            "returning token_id, user_id, role"
        ),
        {"hash": tokens.hash_api_token(token)},
    ).one_or_none()
    if row is None:
        raise AuthenticationError("the API token is unknown, revoked or expired")
    user = get_user(db=db, user_id=str(row.user_id))
    if not user.is_active:
        raise AuthenticationError("the API token's owner is disabled")
    token_role = Role(row.role)
    role = token_role if user.role.allows(token_role) else user.role
    return Identity(user=user, role=role, credential="api_token", credential_id=str(row.token_id))


_TOKEN_COLUMNS = (
    "token_id, user_id, name, token_prefix, role, created_at, expires_at, last_used_at, revoked_at"
)


def create_api_token(
    *,
    db: Connection,
    actor: Actor,
    user: User,
    name: str,
    role: Role | None = None,
    expires_at: datetime | None = None,
) -> tuple[str, dict[str, Any]]:
    """Create a long-lived API token for a machine; the secret is returned only here.

    Raises:
        ValidationError: the role is above the owner's, or the expiry is in the past.
    """
    token_role = role or user.role
    if not user.role.allows(token_role):
        raise ValidationError(f"a {user.role} cannot create a token with role {token_role}")
    if expires_at is not None and expires_at <= _now():
        raise ValidationError("expires_at must be in the future")
    secret, digest, prefix = tokens.new_api_token()
    row = db.execute(
        sa.text(
            "insert into app.api_tokens (token_id, user_id, name, token_hash, token_prefix, "
            "role, expires_at) values (:id, :user_id, :name, :hash, :prefix, :role, :expires) "
            f"returning {_TOKEN_COLUMNS}"
        ),
        {
            "id": uuid.uuid4(),
            "user_id": uuid.UUID(user.user_id),
            "name": name,
            "hash": digest,
            "prefix": prefix,
            "role": str(token_role),
            "expires": expires_at,
        },
    ).one()
    info = _token_info(row)
    record_audit(
        db=db,
        actor=actor,
        action="api_token.create",
        object_type="api_token",
        object_id=info["token_id"],
        after=info,
    )
    return secret, info


def _token_info(row: sa.Row[Any]) -> dict[str, Any]:
    data = dict(row._mapping)
    data["token_id"] = str(data["token_id"])
    data["user_id"] = str(data["user_id"])
    return data


def list_api_tokens(*, db: Connection, user: User, everyone: bool) -> list[dict[str, Any]]:
    """List API tokens (without secrets): the user's own, or everyone's for an admin."""
    where = "" if everyone else "where user_id = :user_id"
    rows = db.execute(
        sa.text(f"select {_TOKEN_COLUMNS} from app.api_tokens {where} order by created_at"),
        {"user_id": uuid.UUID(user.user_id)},
    ).all()
    return [_token_info(row) for row in rows]


def revoke_api_token(*, db: Connection, actor: Actor, user: User, token_id: str) -> None:
    """Revoke an API token: its owner or an admin may.

    Raises:
        NotFoundError: no such token among those the user may revoke.
    """
    try:
        key = uuid.UUID(token_id)
    except ValueError as exc:
        raise NotFoundError(f"API token {token_id!r} not found") from exc
    owner_clause = "" if user.role is Role.ADMIN else "and user_id = :user_id"
    row = db.execute(
        sa.text(
            "update app.api_tokens set revoked_at = coalesce(revoked_at, now()) "
            f"where token_id = :id {owner_clause} returning {_TOKEN_COLUMNS}"
        ),
        {"id": key, "user_id": uuid.UUID(user.user_id)},
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"API token {token_id!r} not found")
    record_audit(
        db=db,
        actor=actor,
        action="api_token.revoke",
        object_type="api_token",
        object_id=token_id,
        after=_token_info(row),
    )

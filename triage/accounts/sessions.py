"""Sign-in with throttling, refresh-token rotation with reuse detection, logout, API tokens."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from triage.accounts import tokens
from triage.accounts.errors import AuthenticationError, LoginThrottledError
from triage.accounts.passwords import dummy_hash, verify_password
from triage.accounts.roles import Role
from triage.accounts.users import User, get_user
from triage.audit import Actor, record_audit
from triage.errors import NotFoundError
from triage.settings import Settings

logger = logging.getLogger(__name__)

BAD_CREDENTIALS = "incorrect username or password"
MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class TokenPair:
    """What a sign-in or a refresh returns."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User


@dataclass(frozen=True)
class Identity:
    """A verified caller: the user, the role in force and which credential was used."""

    user: User
    role: Role
    credential: str
    credential_id: str


def _now() -> datetime:
    return datetime.now(UTC)


def _issue_pair(*, db: Connection, settings: Settings, user: User, family_id: str) -> TokenPair:
    access, _ = tokens.encode_token(
        settings=settings,
        user_id=user.user_id,
        kind=tokens.ACCESS,
        lifetime=timedelta(minutes=settings.access_token_minutes),
        extra={"role": str(user.role)},
    )
    refresh, claims = tokens.encode_token(
        settings=settings,
        user_id=user.user_id,
        kind=tokens.REFRESH,
        lifetime=timedelta(days=settings.refresh_token_days),
        extra={"fam": family_id},
    )
    db.execute(
        sa.text(
            "insert into app.refresh_tokens (jti, family_id, user_id, expires_at) "
            "values (:jti, :family, :user_id, :expires)"
        ),
        {
            "jti": uuid.UUID(claims.jti),
            "family": uuid.UUID(family_id),
            "user_id": uuid.UUID(user.user_id),
            "expires": claims.expires_at,
        },
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.access_token_minutes * 60,
        user=user,
    )


def _backoff(failures: int, settings: Settings) -> float:
    if failures < 2 or settings.login_backoff_seconds <= 0:
        return 0.0
    return min(MAX_BACKOFF_SECONDS, settings.login_backoff_seconds * 2 ** (failures - 2))


def login(
    *, db: Connection, settings: Settings, actor: Actor, username: str, password: str
) -> TokenPair:
    """Check a username and password and issue an access and a refresh token.

    After the second failure each attempt must wait a growing delay; after
    `login_lock_after` failures the account is locked for `login_lock_minutes`.

    Raises:
        AuthenticationError: wrong username or password, or an inactive account.
        LoginThrottledError: the account is in its back-off delay or locked.
    """
    now = _now()
    row = db.execute(
        sa.text(
            "select user_id, password_hash, is_active, failed_logins, last_failed_login_at, "
            "locked_until from app.users where username = :name for update"
        ),
        {"name": username.strip().lower()},
    ).one_or_none()
    if row is None:
        verify_password(password, dummy_hash())
        raise AuthenticationError(BAD_CREDENTIALS)
    if row.locked_until is not None and row.locked_until > now:
        wait = (row.locked_until - now).total_seconds()
        raise LoginThrottledError(
            "too many failed sign-ins: the account is locked; try again later",
            retry_after=int(wait) + 1,
        )
    delay = _backoff(row.failed_logins, settings)
    if delay and row.last_failed_login_at is not None:
        ready_at = row.last_failed_login_at + timedelta(seconds=delay)
        if ready_at > now:
            raise LoginThrottledError(
                "too many failed sign-ins: wait before trying again",
                retry_after=int((ready_at - now).total_seconds()) + 1,
            )

    if not verify_password(password, row.password_hash) or not row.is_active:
        failures = row.failed_logins + 1
        locked = failures >= settings.login_lock_after
        db.execute(
            sa.text(
                "update app.users set failed_logins = :failures, last_failed_login_at = :now, "
                "locked_until = :locked_until where user_id = :id"
            ),
            {
                "failures": 0 if locked else failures,
                "now": now,
                "locked_until": now + timedelta(minutes=settings.login_lock_minutes)
                if locked
                else None,
                "id": row.user_id,
            },
        )
        if locked:
            logger.warning("account locked after failed sign-ins user_id=%s", row.user_id)
            record_audit(
                db=db,
                actor=actor,
                action="user.lock",
                object_type="user",
                object_id=str(row.user_id),
                after={"failed_logins": failures},
            )
        # The count must persist although the request fails.
        db.commit()
        raise AuthenticationError(BAD_CREDENTIALS)

    db.execute(
        sa.text(
            "update app.users set failed_logins = 0, last_failed_login_at = null, "
            "locked_until = null where user_id = :id"
        ),
        {"id": row.user_id},
    )
    user = get_user(db=db, user_id=str(row.user_id))
    return _issue_pair(db=db, settings=settings, user=user, family_id=str(uuid.uuid4()))


def refresh(*, db: Connection, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate a refresh token: the old one is spent, a new pair is issued.

    A refresh token used twice means it leaked: the whole family (that sign-in) is revoked.

    Raises:
        AuthenticationError: the token is invalid, expired, revoked or reused.
    """
    claims = tokens.decode_token(refresh_token, settings=settings, kind=tokens.REFRESH)
    row = db.execute(
        sa.text(
            "select jti, family_id, user_id, used_at, revoked_at from app.refresh_tokens "
            "where jti = :jti for update"
        ),
        {"jti": uuid.UUID(claims.jti)},
    ).one_or_none()
    if row is None:
        raise AuthenticationError("the refresh token is not known; sign in again")
    if row.used_at is not None or row.revoked_at is not None:
        db.execute(
            sa.text(
                "update app.refresh_tokens set revoked_at = coalesce(revoked_at, now()) "
                "where family_id = :family"
            ),
            {"family": row.family_id},
        )
        if row.used_at is not None:
            logger.warning("refresh token reused; session revoked user_id=%s", row.user_id)
        # The revocation must persist although the request fails.
        db.commit()
        raise AuthenticationError("the refresh token was already used or revoked; sign in again")
    db.execute(
        sa.text("update app.refresh_tokens set used_at = now() where jti = :jti"),
        {"jti": row.jti},
    )
    user = get_user(db=db, user_id=str(row.user_id))
    if not user.is_active:
        raise AuthenticationError("the account is disabled")
    return _issue_pair(db=db, settings=settings, user=user, family_id=str(row.family_id))


def logout(*, db: Connection, settings: Settings, refresh_token: str) -> None:
    """End one sign-in: revoke every refresh token of its family.

    Raises:
        AuthenticationError: the refresh token is not a valid one of ours.
    """
    claims = tokens.decode_token(refresh_token, settings=settings, kind=tokens.REFRESH)
    db.execute(
        sa.text(
            "update app.refresh_tokens set revoked_at = coalesce(revoked_at, now()) "
            "where family_id = (select family_id from app.refresh_tokens where jti = :jti)"
        ),
        {"jti": uuid.UUID(claims.jti)},
    )


def identify_access_token(*, db: Connection, settings: Settings, token: str) -> Identity:
    """Verify a JWT access token and load its user (role changes apply at once).

    Raises:
        AuthenticationError: the token is invalid or the user is gone or disabled.
    """
    claims = tokens.decode_token(token, settings=settings, kind=tokens.ACCESS)
    try:
        user = get_user(db=db, user_id=claims.user_id)
    except NotFoundError as exc:
        raise AuthenticationError("the token's user no longer exists") from exc
    if not user.is_active:
        raise AuthenticationError("the account is disabled")
    return Identity(user=user, role=user.role, credential="access", credential_id=claims.jti)

"""Request and response shapes of sign-in, tokens and users."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from triage.accounts.roles import Role


class TokenRead(BaseModel):
    """An access token (short-lived JWT) and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshRequest(BaseModel):
    """A refresh token to rotate or to end."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=4096)


class UserRead(BaseModel):
    """A user, without secrets."""

    user_id: str
    username: str
    display_name: str
    role: Role
    is_active: bool
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime


class UserCreate(BaseModel):
    """A new user."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=63)
    password: str = Field(min_length=12, max_length=256)
    role: Role
    display_name: str | None = Field(default=None, max_length=200)


class UserUpdate(BaseModel):
    """Changes to a user; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    display_name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=12, max_length=256)


class UserList(BaseModel):
    """Every user."""

    items: list[UserRead]
    total: int
    next_cursor: str | None = None


class ApiTokenCreate(BaseModel):
    """A new API token for a machine; its role may not exceed the owner's."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role | None = None
    expires_at: datetime | None = None


class ApiTokenRead(BaseModel):
    """An API token's metadata (the secret is shown once, at creation)."""

    token_id: str
    user_id: str
    name: str
    token_prefix: str
    role: Role
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    """A new API token with its secret; store it now, it cannot be shown again."""

    token: str


class ApiTokenList(BaseModel):
    """API tokens: the caller's own, or everyone's for an admin."""

    items: list[ApiTokenRead]
    total: int
    next_cursor: str | None = None

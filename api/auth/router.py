"""HTTP routes for signing in, refreshing, signing out and machine API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenList,
    ApiTokenRead,
    RefreshRequest,
    TokenRead,
    UserRead,
)
from api.deps import CurrentUser, DbDep, RedisDep, SettingsDep
from triage.accounts import api_tokens, revocation, sessions
from triage.accounts.roles import Role
from triage.accounts.users import get_user

router = APIRouter(prefix="/auth", tags=["auth"])

_AUTH_ERRORS = {401: {"description": "Wrong credentials or an invalid token."}}


def _pair(pair: sessions.TokenPair) -> TokenRead:
    return TokenRead(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post("/token", response_model=TokenRead, responses=_AUTH_ERRORS)
def create_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DbDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> TokenRead:
    """Sign in with username and password (OAuth2 password flow); get a token pair."""
    pair = sessions.login(
        db=db,
        settings=settings,
        actor=user.actor(),
        username=form.username,
        password=form.password,
    )
    db.commit()
    return _pair(pair)


@router.post("/refresh", response_model=TokenRead, responses=_AUTH_ERRORS)
def refresh_token(
    body: RefreshRequest, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> TokenRead:
    """Rotate a refresh token: the old one stops working; reusing it ends the session."""
    pair = sessions.refresh(db=db, settings=settings, refresh_token=body.refresh_token)
    db.commit()
    return _pair(pair)


@router.post("/logout", status_code=204, responses=_AUTH_ERRORS)
def logout(
    body: RefreshRequest,
    db: DbDep,
    user: CurrentUser,
    settings: SettingsDep,
    redis_client: RedisDep,
) -> Response:
    """Sign out: revoke the refresh token, every token rotated from the same sign-in, and the
    access token sent with the request (if any)."""
    sessions.logout(db=db, settings=settings, refresh_token=body.refresh_token)
    db.commit()
    if user.credential == "access" and user.credential_id:
        revocation.revoke_access_token(
            redis_client, jti=user.credential_id, seconds=settings.access_token_minutes * 60
        )
    return Response(status_code=204)


@router.get("/me", response_model=UserRead)
def get_me(db: DbDep, user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead(**get_user(db=db, user_id=user.user_id).public())


@router.get("/api-tokens", response_model=ApiTokenList)
def list_api_tokens(db: DbDep, user: CurrentUser) -> ApiTokenList:
    """The caller's API tokens (an admin sees everyone's)."""
    owner = get_user(db=db, user_id=user.user_id)
    items = api_tokens.list_api_tokens(db=db, user=owner, everyone=user.role is Role.ADMIN)
    return ApiTokenList(items=[ApiTokenRead(**item) for item in items], total=len(items))


@router.post("/api-tokens", response_model=ApiTokenCreated, status_code=201)
def create_api_token(body: ApiTokenCreate, db: DbDep, user: CurrentUser) -> ApiTokenCreated:
    """Create a long-lived API token for a machine, stored hashed; the secret is shown once."""
    owner = get_user(db=db, user_id=user.user_id)
    secret, info = api_tokens.create_api_token(
        db=db,
        actor=user.actor(),
        user=owner,
        name=body.name,
        role=body.role,
        expires_at=body.expires_at,
    )
    db.commit()
    return ApiTokenCreated(token=secret, **info)


@router.delete(
    "/api-tokens/{token_id}", status_code=204, responses={404: {"description": "No such token."}}
)
def revoke_api_token(token_id: str, db: DbDep, user: CurrentUser) -> Response:
    """Revoke an API token (its owner or an admin)."""
    owner = get_user(db=db, user_id=user.user_id)
    api_tokens.revoke_api_token(db=db, actor=user.actor(), user=owner, token_id=token_id)
    db.commit()
    return Response(status_code=204)

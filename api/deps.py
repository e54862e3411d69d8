"""Dependencies shared by every router, as `Annotated` aliases."""

from __future__ import annotations

import logging
from typing import Annotated

import redis
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from api.auth.permissions import UnlistedRouteError, required_role
from api.auth.ratelimit import RequestLimiter
from api.auth.routes import route_path_index
from api.db import get_connection
from api.settings import Settings, get_settings
from triage.accounts import api_tokens, revocation, sessions, tokens
from triage.accounts.errors import AuthenticationError, PermissionDeniedError
from triage.accounts.roles import Role
from triage.audit import Actor

logger = logging.getLogger(__name__)


class Principal(BaseModel):
    """Who is calling: the identity every route acts on behalf of."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    display_name: str
    is_authenticated: bool
    roles: tuple[str, ...] = ()
    username: str = "anonymous"
    role: Role | None = None
    credential: str | None = None
    credential_id: str | None = None
    request_id: str | None = None
    client_address: str | None = None

    def actor(self) -> Actor:
        """The actor recorded in audit rows and timeline events."""
        return Actor(
            actor_id=self.user_id,
            name=self.username,
            role=str(self.role) if self.role else None,
            request_id=self.request_id,
            client_address=self.client_address,
        )


ANONYMOUS = Principal(user_id="anonymous", display_name="Anonymous", is_authenticated=False)

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="A JWT access token from /auth/token, or an API token (`tri_...`).",
)


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with (tests build apps with their own)."""
    return getattr(request.app.state, "settings", None) or get_settings()


def get_redis(request: Request) -> redis.Redis | None:
    """The app's Redis client for pub/sub, created on first use; None without REDIS_URL."""
    client = getattr(request.app.state, "redis", None)
    if client is None:
        settings = get_app_settings(request)
        if not settings.redis_url:
            return None
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2)
        request.app.state.redis = client
    return client


def _limiter(request: Request) -> RequestLimiter:
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is None:
        settings = get_app_settings(request)
        limiter = RequestLimiter(limit=settings.rate_limit, redis_url=settings.redis_url)
        request.app.state.limiter = limiter
    return limiter


def _route_key(request: Request) -> tuple[str, str]:
    index = getattr(request.app.state, "route_paths", None)
    if index is None:
        index = route_path_index(request.app)
        request.app.state.route_paths = index
    endpoint = request.scope.get("endpoint")
    return request.method, index.get((request.method, endpoint), request.url.path)


def identify(
    *, db: Connection, settings: Settings, token: str, redis_client: redis.Redis | None
) -> sessions.Identity:
    """Verify a bearer credential: an API token (`tri_...`) or a JWT access token.

    Raises:
        AuthenticationError: the credential is not valid or was signed out.
    """
    if tokens.is_api_token(token):
        identity = api_tokens.identify_api_token(db=db, token=token)
        db.commit()
        return identity
    identity = sessions.identify_access_token(db=db, settings=settings, token=token)
    if revocation.is_revoked(redis_client, jti=identity.credential_id):
        raise AuthenticationError("the access token was signed out; sign in again")
    return identity


def principal_for(
    identity: sessions.Identity, request_id: str | None, client: str | None
) -> Principal:
    """Build the principal of a verified identity."""
    user = identity.user
    return Principal(
        user_id=user.user_id,
        display_name=user.display_name,
        is_authenticated=True,
        roles=(str(identity.role),),
        username=user.username,
        role=identity.role,
        credential=identity.credential,
        credential_id=identity.credential_id,
        request_id=request_id,
        client_address=client,
    )


def get_current_user(
    request: Request,
    db: Annotated[Connection, Depends(get_connection)],
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    """Authenticate the caller, check the route's least role, and count the request.

    Raises:
        AuthenticationError: a protected route without valid credentials (401).
        PermissionDeniedError: the role is below the route's, or the route is unlisted (403).
        RateLimitedError: the caller's budget is spent (429).
    """
    method, path = _route_key(request)
    try:
        needed = required_role(method, path)
    except UnlistedRouteError as exc:
        logger.error("%s", exc)
        raise PermissionDeniedError(f"{method} {path} has no permission entry") from exc
    settings = get_app_settings(request)
    request_id = getattr(request.state, "request_id", None)
    client = request.client.host if request.client else None

    if token is None:
        if needed is not None:
            raise AuthenticationError("this route needs a bearer token (sign in at /auth/token)")
        _limiter(request).check(f"ip:{client}")
        return ANONYMOUS.model_copy(update={"request_id": request_id, "client_address": client})

    identity = identify(db=db, settings=settings, token=token, redis_client=get_redis(request))
    principal = principal_for(identity, request_id, client)
    # Per token for machines, per user for people (all their sessions share one budget).
    subject = principal.credential_id if principal.credential == "api_token" else principal.user_id
    key = f"{principal.credential}:{subject}"
    _limiter(request).check(key)
    if needed is not None and not (principal.role and principal.role.allows(needed)):
        raise PermissionDeniedError(f"{method} {path} needs the {needed} role or above")
    return principal


DbDep = Annotated[Connection, Depends(get_connection)]
CurrentUser = Annotated[Principal, Depends(get_current_user)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RedisDep = Annotated[redis.Redis | None, Depends(get_redis)]

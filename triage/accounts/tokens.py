"""JWT access and refresh tokens (PyJWT, HS256) and opaque API tokens stored hashed."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from triage.accounts.errors import AuthenticationError
from triage.settings import Settings

ALGORITHM = "HS256"
ISSUER = "triage"
AUDIENCE = "triage-api"
ACCESS = "access"
REFRESH = "refresh"
API_TOKEN_PREFIX = "tri_"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "typ", "iss", "aud"]


@dataclass(frozen=True)
class TokenClaims:
    """The verified claims of one of our JWTs."""

    user_id: str
    jti: str
    kind: str
    expires_at: datetime
    role: str | None = None
    family_id: str | None = None


def _secret(settings: Settings) -> str:
    return settings.jwt_secret.get_secret_value()


def encode_token(
    *,
    settings: Settings,
    user_id: str,
    kind: str,
    lifetime: timedelta,
    now: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, TokenClaims]:
    """Sign a token of the given kind for a user; return it with its claims."""
    issued = now or datetime.now(UTC)
    expires = issued + lifetime
    jti = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "sub": user_id,
        "jti": jti,
        "typ": kind,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        **(extra or {}),
    }
    token = jwt.encode(payload, _secret(settings), algorithm=ALGORITHM)
    claims = TokenClaims(
        user_id=user_id,
        jti=jti,
        kind=kind,
        expires_at=expires,
        role=payload.get("role"),
        family_id=payload.get("fam"),
    )
    return token, claims


def decode_token(token: str, *, settings: Settings, kind: str) -> TokenClaims:
    """Verify a JWT's signature, algorithm, issuer, audience, expiry and kind.

    Raises:
        AuthenticationError: the token is not one of ours, altered, expired or of another kind.
    """
    try:
        payload = jwt.decode(
            token,
            _secret(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError("the token has expired; sign in or refresh again") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthenticationError(f"the token is not valid: {exc}") from exc
    if payload.get("typ") != kind:
        raise AuthenticationError(f"expected a {kind} token, got {payload.get('typ')!r}")
    return TokenClaims(
        user_id=str(payload["sub"]),
        jti=str(payload["jti"]),
        kind=kind,
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        role=payload.get("role"),
        family_id=payload.get("fam"),
    )


def new_api_token() -> tuple[str, str, str]:
    """Return a new API token, its SHA-256 hash (stored) and a short prefix (shown)."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_api_token(token), token[:12]


def hash_api_token(token: str) -> str:
    """Hash an API token for storage and look-up.

    NOTE: a plain SHA-256 is enough here because API tokens carry 256 random bits; slow
    hashes exist for guessable human passwords (OWASP Password Storage Cheat Sheet).
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_api_token(token: str) -> bool:
    """Whether a bearer credential has the shape of our API tokens rather than a JWT."""
    return token.startswith(API_TOKEN_PREFIX)

"""A deny-list of signed-out access tokens in Redis, kept until the tokens would expire."""

from __future__ import annotations

import logging

import redis

logger = logging.getLogger(__name__)

_KEY = "triage:revoked-access:{jti}"


def revoke_access_token(client: redis.Redis | None, *, jti: str, seconds: int) -> None:
    """Refuse this access token from now until it would have expired anyway."""
    if client is None:
        logger.warning("no REDIS_URL: a signed-out access token stays valid until it expires")
        return
    client.set(_KEY.format(jti=jti), b"1", ex=max(1, seconds))


def is_revoked(client: redis.Redis | None, *, jti: str) -> bool:
    """Whether the access token was signed out; without Redis nothing is revoked."""
    if client is None:
        return False
    try:
        return bool(client.exists(_KEY.format(jti=jti)))
    except redis.RedisError as exc:
        # NOTE: fail open on a Redis outage: sign-out then lasts only until the token
        # expires (15 minutes by default) instead of locking every user out.
        logger.warning("revocation list unavailable: %s", exc)
        return False

"""Password hashing with Argon2 through pwdlib; no cryptography of our own."""

from __future__ import annotations

import functools

from pwdlib import PasswordHash

from triage.errors import ValidationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def check_password_policy(password: str) -> None:
    """Refuse passwords that are too short or too long.

    Raises:
        ValidationError: the password breaks the policy.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """Return the Argon2 hash of a password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the stored hash."""
    return _hasher().verify(password, password_hash)


@functools.lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so timing does not tell."""
    return hash_password("not-a-real-password-used-for-timing-only")

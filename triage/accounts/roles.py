"""The three roles and their order: each role may do everything the roles below it may."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role: a viewer reads, an engineer works alerts, an admin also manages."""

    VIEWER = "viewer"
    ENGINEER = "engineer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the order viewer < engineer < admin."""
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """Whether this role is at least `needed`."""
        return self.rank >= needed.rank


_RANK = {Role.VIEWER: 0, Role.ENGINEER: 1, Role.ADMIN: 2}

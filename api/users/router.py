"""HTTP routes for managing users (admins only, per the permission table)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.schemas import UserCreate, UserList, UserRead, UserUpdate
from api.deps import CurrentUser, DbDep
from triage.accounts import users

router = APIRouter(prefix="/users", tags=["users"])

_NOT_FOUND = {404: {"description": "No user has this id."}}


@router.get("", response_model=UserList)
def list_users(db: DbDep, user: CurrentUser) -> UserList:
    """Every user, by username."""
    items = [UserRead(**found.public()) for found in users.list_users(db=db)]
    return UserList(items=items, total=len(items))


@router.post(
    "",
    response_model=UserRead,
    status_code=201,
    responses={409: {"description": "The username is taken."}},
)
def create_user(body: UserCreate, db: DbDep, user: CurrentUser) -> UserRead:
    """Create a user with a role."""
    created = users.create_user(
        db=db,
        actor=user.actor(),
        username=body.username,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
    )
    db.commit()
    return UserRead(**created.public())


@router.get("/{user_id}", response_model=UserRead, responses=_NOT_FOUND)
def get_user(user_id: str, db: DbDep, user: CurrentUser) -> UserRead:
    """One user."""
    return UserRead(**users.get_user(db=db, user_id=user_id).public())


@router.patch("/{user_id}", response_model=UserRead, responses=_NOT_FOUND)
def update_user(user_id: str, body: UserUpdate, db: DbDep, user: CurrentUser) -> UserRead:
    """Change a user's role, name, password or activity; re-enabling unlocks the account."""
    updated = users.update_user(
        db=db,
        actor=user.actor(),
        user_id=user_id,
        role=body.role,
        is_active=body.is_active,
        display_name=body.display_name,
        password=body.password,
    )
    db.commit()
    return UserRead(**updated.public())

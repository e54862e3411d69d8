"""Dependencies shared by every router, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from api.db import get_connection
from api.settings import Settings, get_settings


class Principal(BaseModel):
    """Who is calling: the identity every route acts on behalf of."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    display_name: str
    is_authenticated: bool
    roles: tuple[str, ...] = ()


ANONYMOUS = Principal(user_id="anonymous", display_name="Anonymous", is_authenticated=False)


def get_current_user() -> Principal:
    """Return the caller's principal; today always the anonymous one."""
    # TODO: no authentication yet: every request is served as the anonymous principal, so
    # anyone who can reach the API can read every alert. The auth router (api/auth/) will
    # verify a bearer token (JWT) here and return the user with their roles; until then run
    # the API only on a trusted network (the default bind is 127.0.0.1).
    return ANONYMOUS


DbDep = Annotated[Connection, Depends(get_connection)]
CurrentUser = Annotated[Principal, Depends(get_current_user)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

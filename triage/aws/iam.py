"""IAM user facts: tags, creation date, console access and access-key age."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from triage.aws.errors import error_code, translate


def get_user(client: Any, user_name: str) -> dict[str, Any]:
    """Return the user's creation date and tags."""
    try:
        user = client.get_user(UserName=user_name)["User"]
    except Exception as exc:
        raise translate(exc, f"iam:GetUser {user_name}") from exc
    return {
        "created_at": user["CreateDate"].isoformat(),
        "tags": {t["Key"]: t.get("Value", "") for t in user.get("Tags") or []},
        "user_id": user.get("UserId"),
    }


def has_console_access(client: Any, user_name: str) -> bool:
    """Return whether the user has a console password (a login profile)."""
    try:
        client.get_login_profile(UserName=user_name)
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return False
        raise translate(exc, f"iam:GetLoginProfile {user_name}") from exc
    return True


def access_key_ages_days(client: Any, user_name: str, *, now: datetime | None = None) -> list[int]:
    """Return the age in days of each active access key of the user."""
    now = now or datetime.now(UTC)
    try:
        keys = client.list_access_keys(UserName=user_name).get("AccessKeyMetadata") or []
    except Exception as exc:
        raise translate(exc, f"iam:ListAccessKeys {user_name}") from exc
    return [(now - k["CreateDate"]).days for k in keys if k.get("Status") == "Active"]

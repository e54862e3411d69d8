"""Sessions and clients for the AWS accounts the product reads.

Credentials come from the standard boto3 chain. When an account names a role, the role is
assumed through STS with the account's external id; the temporary credentials are cached per
role and refreshed by botocore shortly before they expire, so every region of one account shares
one `AssumeRole` call. Every client gets the emulator endpoint when one is configured and a
retry configuration from the settings.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials

from triage.settings import AwsAccount, Settings, get_settings

logger = logging.getLogger(__name__)

ASSUME_ROLE_DURATION_SECONDS = 3600

_CREDENTIALS_CACHE: dict[tuple[str, str | None, str, str | None], RefreshableCredentials] = {}
_CACHE_LOCK = threading.Lock()


class TriageSession(boto3.Session):
    """A boto3 session that remembers the settings it was made with.

    `make_client` (and the clients in this package) use those settings for the endpoint and
    retry policy when a caller passes only the session.
    """

    def __init__(self, *args: Any, settings: Settings | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.triage_settings = settings


def make_boto_config(settings: Settings | None = None, **overrides: Any) -> Config:
    """Return the botocore client configuration (retry mode and attempts) from the settings."""
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "retries": {"mode": settings.aws_retry_mode, "max_attempts": settings.aws_max_attempts},
        "user_agent_extra": "triage",
    }
    options.update(overrides)
    return Config(**options)


def make_session(
    account: AwsAccount | None, region: str, settings: Settings | None = None
) -> boto3.Session:
    """Return a boto3 session for one account and region.

    Without an account, or with an account that has no `role_arn`, the session uses the
    standard credential chain (environment, profile, instance role). With a `role_arn`, the
    session holds refreshable credentials from `sts:AssumeRole` with the external id.

    Args:
        account: The account to reach, or None for the caller's own credentials.
        region: The region the session's clients talk to.
        settings: The product settings; the process-wide ones when omitted.
    """
    settings = settings or get_settings()
    if account is None or not account.role_arn:
        return TriageSession(region_name=region, settings=settings)

    credentials = _assumed_role_credentials(account, region, settings)
    botocore_session = botocore.session.get_session()
    # botocore has no public setter for a credentials object; this is the supported way the
    # refreshable credentials reach clients created from the session.
    botocore_session._credentials = credentials
    return TriageSession(botocore_session=botocore_session, region_name=region, settings=settings)


def make_client(
    session: boto3.Session,
    service: str,
    settings: Settings | None = None,
    *,
    region: str | None = None,
    config: Config | None = None,
) -> Any:
    """Return a boto3 client with the configured endpoint and retry policy.

    `endpoint_url` is passed only when `settings.aws_endpoint_url` is set. When it is not,
    boto3 still honours `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`) from the
    environment itself, so both ways reach the emulator. Without `settings`, the settings the
    session was made with (see `TriageSession`) are used, else the process-wide ones.
    """
    settings = settings or getattr(session, "triage_settings", None) or get_settings()
    kwargs: dict[str, Any] = {"config": config or make_boto_config(settings)}
    if settings.aws_endpoint_url:
        kwargs["endpoint_url"] = settings.aws_endpoint_url
    if region:
        kwargs["region_name"] = region
    return session.client(service, **kwargs)


def clear_credentials_cache() -> None:
    """Forget every cached assumed-role credential (tests and credential rotation)."""
    with _CACHE_LOCK:
        _CREDENTIALS_CACHE.clear()


def _assumed_role_credentials(
    account: AwsAccount, region: str, settings: Settings
) -> RefreshableCredentials:
    external_id = account.external_id.get_secret_value() if account.external_id else None
    role_arn = account.role_arn or ""
    key = (role_arn, external_id, settings.aws_role_session_name, settings.aws_endpoint_url)
    with _CACHE_LOCK:
        cached = _CREDENTIALS_CACHE.get(key)
        if cached is not None:
            return cached
        sts = make_client(boto3.Session(region_name=region), "sts", settings)
        refresh = _make_refresher(
            sts,
            role_arn=role_arn,
            external_id=external_id,
            session_name=settings.aws_role_session_name,
        )
        credentials = RefreshableCredentials.create_from_metadata(
            metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
        )
        _CREDENTIALS_CACHE[key] = credentials
        return credentials


def _make_refresher(sts: Any, *, role_arn: str, external_id: str | None, session_name: str) -> Any:
    def refresh() -> dict[str, str]:
        params: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": session_name,
            "DurationSeconds": ASSUME_ROLE_DURATION_SECONDS,
        }
        if external_id:
            params["ExternalId"] = external_id
        logger.info("assuming role %s as session %s", role_arn, session_name)
        response = sts.assume_role(**params)
        creds = response["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    return refresh

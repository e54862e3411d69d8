"""Sessions, role assumption, endpoints and retry configuration."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.stub import Stubber

from triage.aws import session as aws_session
from triage.aws.session import make_boto_config, make_client, make_session
from triage.settings import AwsAccount, Settings


def test_config_carries_the_retry_mode_and_attempts() -> None:
    settings = Settings(TRIAGE_AWS_RETRY_MODE="adaptive", TRIAGE_AWS_MAX_ATTEMPTS=7)
    config = make_boto_config(settings)
    assert config.retries == {"mode": "adaptive", "max_attempts": 7}


def test_client_uses_the_settings_endpoint() -> None:
    settings = Settings(AWS_ENDPOINT_URL="http://127.0.0.1:5999")
    session = make_session(None, "eu-west-1", settings)
    client = make_client(session, "securityhub")
    assert client.meta.endpoint_url == "http://127.0.0.1:5999"
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.retries["mode"] == settings.aws_retry_mode


def test_client_honours_aws_endpoint_url_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5888")
    settings = Settings(AWS_ENDPOINT_URL=None)
    assert settings.aws_endpoint_url is None
    client = make_client(make_session(None, "us-east-1", settings), "s3", settings)
    assert client.meta.endpoint_url == "http://127.0.0.1:5888"


def test_role_is_assumed_with_the_external_id_and_session_name() -> None:
    sts = boto3.client("sts", region_name="us-east-1")
    stubber = Stubber(sts)
    expiry = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    stubber.add_response(
        "assume_role",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLEEXAMPLE12",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": expiry,
            }
        },
        expected_params={
            "RoleArn": "arn:aws:iam::444455556666:role/triage-read",
            "RoleSessionName": "triage-ingest",
            "DurationSeconds": 3600,
            "ExternalId": "ext-123",
        },
    )
    refresh = aws_session._make_refresher(
        sts,
        role_arn="arn:aws:iam::444455556666:role/triage-read",
        external_id="ext-123",
        session_name="triage-ingest",
    )
    with stubber:
        metadata = refresh()
    assert metadata["access_key"] == "ASIAEXAMPLEEXAMPLE12"
    assert metadata["expiry_time"] == expiry.isoformat()


def test_assumed_role_reaches_the_other_account_and_is_cached(moto_settings) -> None:
    account = AwsAccount(
        account_id="444455556666",
        role_arn="arn:aws:iam::444455556666:role/triage-read",
        external_id="ext-123",
    )
    first = make_session(account, "us-east-1", moto_settings)
    identity = make_client(first, "sts").get_caller_identity()
    assert identity["Account"] == "444455556666"
    assert identity["Arn"].endswith("assumed-role/triage-read/triage-ingest")

    second = make_session(account, "eu-west-1", moto_settings)
    creds_a = first.get_credentials().get_frozen_credentials()
    creds_b = second.get_credentials().get_frozen_credentials()
    assert creds_a.access_key == creds_b.access_key  # one AssumeRole for both regions
    assert len(aws_session._CREDENTIALS_CACHE) == 1


def test_without_a_role_the_standard_chain_is_used(moto_settings) -> None:
    session = make_session(AwsAccount(account_id="123456789012"), "us-east-1", moto_settings)
    assert session.get_credentials().access_key == "testing"
    assert make_client(session, "sts").get_caller_identity()["Account"] == "123456789012"


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-2"])
def test_session_region(region: str) -> None:
    assert make_session(None, region, Settings()).region_name == region

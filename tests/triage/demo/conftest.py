"""Fixtures for the demo estate tests: a moto server subprocess and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from triage.aws.session import clear_credentials_cache
from triage.demo.seed import start_moto_server, stop_moto_server
from triage.settings import Settings


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """A `moto_server` subprocess on 127.0.0.1, stopped by its pid after the session."""
    process, url = start_moto_server()
    yield url
    stop_moto_server(process)


@pytest.fixture()
def moto_settings(moto_url: str) -> Iterator[Settings]:
    """Settings whose clients talk to the moto server; no cached role credentials leak in."""
    clear_credentials_cache()
    yield Settings(AWS_ENDPOINT_URL=moto_url, TRIAGE_AWS_REGIONS="us-east-1")
    clear_credentials_cache()

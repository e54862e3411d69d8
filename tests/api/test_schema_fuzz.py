"""A schemathesis run over the OpenAPI schema: no 5xx, no answer that breaks the schema."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import MartsData, bearer_for

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_api_answers_as_its_schema_says(anon_client: TestClient, marts: MartsData) -> None:
    # NOTE: schemathesis's pytest plugin does not load under pytest 9 here, so the run drives
    # its Python API: one Hypothesis search per operation of the schema.
    schema = schemathesis.openapi.from_asgi("/openapi.json", anon_client.app)
    headers = bearer_for(anon_client, "admin")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()

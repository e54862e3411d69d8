"""Materialize the ingest asset against the real PostgreSQL with export files as input."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.assets.securityhub import securityhub_findings
from pipelines.checks import findings_keys_present, findings_severity_in_expected_set
from pipelines.resources import WarehouseResource

pytestmark = pytest.mark.integration


def test_asset_ingests_export_files_and_checks_pass(clean_db, database_url, corpus_dir):
    folder = str(corpus_dir / "asff" / "c7n")
    run_config = {
        "ops": {
            "securityhub__findings": {"config": {"from_api": False, "export_locations": [folder]}}
        }
    }
    resources = {"warehouse": WarehouseResource(database_url=database_url)}

    first = dg.materialize(
        [securityhub_findings],
        resources=resources,
        run_config=run_config,
        selection=None,
    )
    second = dg.materialize([securityhub_findings], resources=resources, run_config=run_config)

    meta = first.asset_materializations_for_node("securityhub__findings")[0].metadata
    again = second.asset_materializations_for_node("securityhub__findings")[0].metadata
    assert meta["versions_loaded"].value > 0
    assert meta["quarantined"].value == 0
    assert again["versions_loaded"].value == 0
    assert again["unchanged"].value == meta["findings_seen"].value

    checks = dg.materialize(
        [securityhub_findings, findings_severity_in_expected_set, findings_keys_present],
        resources=resources,
        run_config=run_config,
    )
    evaluations = checks.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {
        "findings_severity_in_expected_set",
        "findings_keys_present",
    }
    assert all(e.passed for e in evaluations)

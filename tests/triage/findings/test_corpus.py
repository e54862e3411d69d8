"""Every file of the shared public corpus is parsed, counted and classified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.findings import parse_finding_bytes

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (CORPUS / folder).rglob("*") if p.is_file())


def _count_findings(path: Path) -> int:
    """Count finding objects from the container shapes listed in the corpus README.

    Written independently of the code under test, on purpose.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return sum(1 for line in text.splitlines() if line.strip())
    doc = json.loads(text)
    if isinstance(doc, list):
        return len(doc)
    if "status_code" in doc and "data" in doc:
        doc = doc["data"]
    if "detail" in doc:
        return len(doc["detail"].get("findings", []))
    if "Finding" in doc:
        return 1
    for key in ("Findings", "findings"):
        if key in doc:
            return len(doc[key])
    return 1 if "SchemaVersion" in doc else 0


@pytest.mark.parametrize("path", _files("asff") + _files("asff-eventbridge"), ids=str)
def test_asff_file_counts(path):
    result = parse_finding_bytes(path.read_bytes(), source=str(path))
    expected = _count_findings(path)

    assert len(result.findings) + len(result.quarantined) == expected
    if expected:
        assert result.file_kind == "asff"
    else:
        assert result.file_kind == "securityhub_insight"
        assert result.skipped_reason


def test_asff_corpus_totals():
    findings = []
    quarantined = 0
    for path in _files("asff") + _files("asff-eventbridge"):
        result = parse_finding_bytes(path.read_bytes(), source=str(path))
        findings.extend(result.findings)
        quarantined += len(result.quarantined)
    keys = {(f.normalized.product_arn, f.normalized.finding_id) for f in findings}

    # The corpus README lists 985 findings; 33 are repeats of the same (ProductArn, Id).
    assert len(findings) + quarantined == 985
    assert quarantined == 0
    assert len(keys) == 952


@pytest.mark.parametrize("path", _files("cloudtrail"), ids=str)
def test_cloudtrail_files_are_skipped(path):
    result = parse_finding_bytes(path.read_bytes(), source=str(path))

    assert result.file_kind == "cloudtrail"
    assert result.skipped_reason
    assert result.findings == [] and result.quarantined == []


@pytest.mark.parametrize("path", _files("config"), ids=str)
def test_config_files_are_skipped(path):
    result = parse_finding_bytes(path.read_bytes(), source=str(path))

    assert result.file_kind == "aws_config"
    assert result.skipped_reason
    assert result.findings == [] and result.quarantined == []


@pytest.mark.parametrize("path", _files("malformed"), ids=str)
def test_malformed_files_are_quarantined_whole(path):
    data = path.read_bytes()
    result = parse_finding_bytes(data, source=str(path))

    assert result.file_kind == "invalid"
    assert result.findings == []
    assert [q.reason for q in result.quarantined] == ["invalid_json"]
    assert result.quarantined[0].original_text == data.decode("utf-8")


def test_corpus_file_counts_match_readme():
    counts = {
        folder: len(_files(folder))
        for folder in ("asff", "asff-eventbridge", "cloudtrail", "config", "malformed")
    }

    assert counts == {
        "asff": 118,
        "asff-eventbridge": 21,
        "cloudtrail": 53,
        "config": 56,
        "malformed": 2,
    }


def test_known_odd_findings_in_corpus():
    prowler = parse_finding_bytes(
        (CORPUS / "asff/defectdojo/prowler-v3.3-output.asff.json").read_bytes(), source="t"
    )
    infoed = [f.normalized for f in prowler.findings if f.normalized.compliance_status == "INFOED"]
    snyk = parse_finding_bytes(
        (CORPUS / "asff/heimdall/hdf-to-asff-snyk-undefined-code.json").read_bytes(), source="t"
    )
    electric = parse_finding_bytes(
        (CORPUS / "asff/third-party/electriceye-stdout-ebs3.extracted.json").read_bytes(),
        source="t",
    )

    assert infoed and all(f.compliance_status_group == "other" for f in infoed)
    assert {f.normalized.aws_account_id for f in snyk.findings} == {"12345678910"}
    assert not any(f.normalized.is_account_id_valid for f in snyk.findings)
    assert electric.findings[0].normalized.first_observed_at is None
    assert "invalid_timestamp:FirstObservedAt" in electric.findings[0].normalized.warnings

"""Severity resolution for ASFF findings (case B11).

Order: ``Severity.Label``, then ``FindingProviderFields.Severity.Label``, then a label
derived from ``Severity.Normalized``, then from ``Severity.Product`` when it is the only
number, else INFORMATIONAL flagged as missing. Ranges follow the ASFF documentation:
https://docs.aws.amazon.com/securityhub/latest/userguide/asff-top-level-attributes.html#asff-severity
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from triage.findings.model import SEVERITY_SCORE_FOR_LABEL, SeverityLabel, SeveritySource


@dataclass(frozen=True)
class ResolvedSeverity:
    """The outcome of severity resolution, with the warnings it raised."""

    label: SeverityLabel
    score: int
    source: SeveritySource
    missing: bool
    product: float | None
    original: str | None
    warnings: tuple[str, ...]


def label_for_score(score: float) -> SeverityLabel:
    """Map a 0-100 score onto the ASFF label ranges (0, 1-39, 40-69, 70-89, 90-100)."""
    if score < 1:
        return SeverityLabel.INFORMATIONAL
    if score < 40:
        return SeverityLabel.LOW
    if score < 70:
        return SeverityLabel.MEDIUM
    if score < 90:
        return SeverityLabel.HIGH
    return SeverityLabel.CRITICAL


def resolve_severity(finding: dict[str, Any]) -> ResolvedSeverity:
    """Resolve the severity label, score and source of one ASFF finding."""
    warnings: list[str] = []
    severity = _as_dict(finding.get("Severity"))
    provider = _as_dict(_as_dict(finding.get("FindingProviderFields")).get("Severity"))

    label = _label(severity.get("Label"), "Severity.Label", warnings)
    provider_label = _label(provider.get("Label"), "FindingProviderFields.Severity.Label", warnings)
    normalized = _number(severity.get("Normalized"), "Severity.Normalized", warnings)
    product = _number(severity.get("Product"), "Severity.Product", warnings)

    missing = False
    if label is not None:
        source = SeveritySource.LABEL
    elif provider_label is not None:
        label, source = provider_label, SeveritySource.FINDING_PROVIDER_FIELDS
    elif normalized is not None:
        label, source = label_for_score(normalized), SeveritySource.NORMALIZED
        warnings.append("severity_derived_from_normalized")
    elif product is not None:
        # Product is the producer's native score; old ASFF producers sent it on a 0-100
        # scale, so with nothing else to go on it is read through the same ranges.
        label, source = label_for_score(_clamp(product)), SeveritySource.PRODUCT
        warnings.append("severity_derived_from_product")
    else:
        label, source, missing = SeverityLabel.INFORMATIONAL, SeveritySource.MISSING, True
        warnings.append("severity_missing")

    score = round(_clamp(normalized)) if normalized is not None else None
    original = severity.get("Original", provider.get("Original"))
    return ResolvedSeverity(
        label=label,
        score=SEVERITY_SCORE_FOR_LABEL[label] if score is None else score,
        source=source,
        missing=missing,
        product=product,
        original=None if original is None else str(original),
        warnings=tuple(warnings),
    )


def _as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _label(value: object, field: str, warnings: list[str]) -> SeverityLabel | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    if text in SeverityLabel.__members__:
        return SeverityLabel(text)
    warnings.append(f"severity_label_unrecognized:{field}")
    return None


def _number(value: object, field: str, warnings: list[str]) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        warnings.append(f"severity_not_a_number:{field}")
        return None
    if not math.isfinite(number):
        warnings.append(f"severity_not_a_number:{field}")
        return None
    if not 0 <= number <= 100:
        warnings.append(f"severity_out_of_range:{field}")
    return number


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 100.0)

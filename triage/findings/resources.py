"""ASFF ``Resources`` entries reduced to the contract's resource shape."""

from __future__ import annotations

from typing import Any

from triage.findings.arn import parse_arn, region_of, resource_name_of
from triage.findings.model import NormalizedResource


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def normalize_resources(value: object, warnings: list[str]) -> list[NormalizedResource]:
    """Keep every entry of ``Resources`` (case B08); oddities are noted in ``warnings``."""
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append("resources_not_a_list")
        value = [value]
    resources = []
    for entry in value:
        if not isinstance(entry, dict):
            warnings.append("resource_not_an_object")
            continue
        resource_id = _text(entry.get("Id"))
        arn = parse_arn(resource_id)
        resources.append(
            NormalizedResource(
                type=_text(entry.get("Type")),
                id=resource_id,
                partition=_text(entry.get("Partition")) or (arn.partition if arn else None),
                region=_text(entry.get("Region")) or region_of(resource_id),
                tags=_tags(entry.get("Tags"), warnings),
                name=_text(entry.get("Name"))
                or (resource_name_of(resource_id) if resource_id else None),
            )
        )
    return resources


def _tags(value: object, warnings: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and all(isinstance(t, dict) and "Key" in t for t in value):
        return {str(t["Key"]): t.get("Value") for t in value}
    warnings.append("resource_tags_unrecognized")
    return {}

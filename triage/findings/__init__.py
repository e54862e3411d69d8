"""Finding models, container unwrapping and the ASFF normaliser."""

from triage.findings.asff import normalize_asff
from triage.findings.model import NormalizedFinding, NormalizedResource
from triage.findings.parse import (
    FileParseResult,
    ParsedFinding,
    QuarantinedRecord,
    parse_finding_bytes,
    parse_finding_objects,
)

__all__ = [
    "FileParseResult",
    "NormalizedFinding",
    "NormalizedResource",
    "ParsedFinding",
    "QuarantinedRecord",
    "normalize_asff",
    "parse_finding_bytes",
    "parse_finding_objects",
]

"""AWS Config: configuration items and compliance events from every shape Config sends."""

from triage.aws_config.parse import (
    ComplianceEvent,
    ConfigParseResult,
    ConfigurationItem,
    parse_config_document,
    parse_configuration_item,
)

__all__ = [
    "ComplianceEvent",
    "ConfigParseResult",
    "ConfigurationItem",
    "parse_config_document",
    "parse_configuration_item",
]

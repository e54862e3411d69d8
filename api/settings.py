"""API settings: the product's one `Settings` object, shared with the CLI and pipelines."""

from __future__ import annotations

from triage.settings import Settings, get_settings

API_TITLE = "Security Hub triage API"
API_DESCRIPTION = (
    "Read the correlated, deduplicated alert queue built from AWS Security Hub findings. "
    "List endpoints page with an opaque `cursor` and return `{items, total, next_cursor}`."
)
API_VERSION = "0.1.0"

__all__ = ["API_DESCRIPTION", "API_TITLE", "API_VERSION", "Settings", "get_settings"]

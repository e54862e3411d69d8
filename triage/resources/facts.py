"""Owner, team, environment, classification and compliance from tags (keys are settings)."""

from __future__ import annotations

from typing import Any

from triage.settings import Settings

TAG_FACTS = ("owner", "team", "environment", "classification")


def _match(tags: dict[str, str], keys: list[str]) -> str | None:
    wanted = [key.lower() for key in keys]
    lowered = {key.lower(): value for key, value in tags.items()}
    for key in wanted:
        value = lowered.get(key)
        if value:
            return value
    return None


def derive_tag_facts(tags: dict[str, str] | None, settings: Settings) -> dict[str, Any]:
    """Read the tag keys that mean owner, team, environment, classification and compliance.

    With `tags` None (the tags could not be read) every derived fact is None; the caller
    lists them as unknown rather than absent.
    """
    if tags is None:
        return {**dict.fromkeys(TAG_FACTS), "compliance": None}
    compliance_keys = {key.lower() for key in settings.compliance_tag_keys}
    return {
        "owner": _match(tags, settings.owner_tag_keys),
        "team": _match(tags, settings.team_tag_keys),
        "environment": (_match(tags, settings.environment_tag_keys) or "").lower() or None,
        "classification": (_match(tags, settings.classification_tag_keys) or "").lower() or None,
        "compliance": {
            key: value
            for key, value in sorted(tags.items())
            if key.lower() in compliance_keys or key.lower().startswith("compliance")
        },
    }

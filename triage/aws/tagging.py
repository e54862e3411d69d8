"""Resource Groups Tagging API: tags of any taggable resource by ARN."""

from __future__ import annotations

from typing import Any

from triage.aws.errors import translate


def get_tags_by_arn(client: Any, arn: str) -> dict[str, str] | None:
    """Return the resource's tags, or None when the tagging API does not know the ARN.

    Raises:
        AccessDeniedError: tag:GetResources was refused.
        SourceUnavailableError: the call failed after retries.
    """
    try:
        response = client.get_resources(ResourceARNList=[arn])
    except Exception as exc:
        raise translate(exc, f"tag:GetResources {arn}") from exc
    for mapping in response.get("ResourceTagMappingList") or []:
        if mapping.get("ResourceARN") == arn:
            return {t["Key"]: t.get("Value", "") for t in mapping.get("Tags") or []}
    return None

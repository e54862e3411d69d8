"""Resource snapshots: the facts looked up for one resource, ready for the raw layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from triage.findings.parse import canonical_json, sha256_hex
from triage.resources.lookup import ResourceRef

# `taken_at` changes on every look-up; the hash is over the facts alone, so an unchanged
# resource is stored once however often it is looked up.
_VOLATILE = frozenset({"taken_at"})


@dataclass(frozen=True)
class ResourceSnapshot:
    """One distinct set of facts about a resource."""

    resource_arn: str
    resource_type: str
    resource_id: str
    aws_account_id: str | None
    region: str | None
    facts: dict[str, Any]
    content_hash: str
    taken_at: datetime
    source: str


def make_snapshot(ref: ResourceRef, facts: dict[str, Any], *, source: str) -> ResourceSnapshot:
    """Wrap looked-up facts as a snapshot keyed by ARN and content hash."""
    stable = {k: v for k, v in facts.items() if k not in _VOLATILE}
    taken = facts.get("taken_at")
    return ResourceSnapshot(
        resource_arn=ref.arn,
        resource_type=ref.resource_type,
        resource_id=ref.name,
        aws_account_id=ref.aws_account_id,
        region=ref.region,
        facts=facts,
        content_hash=sha256_hex(canonical_json(stable)),
        taken_at=datetime.fromisoformat(taken) if isinstance(taken, str) else datetime.now(UTC),
        source=source,
    )


_REFS_SQL = """
select distinct
    resource ->> 'id' as resource_id,
    resource ->> 'type' as resource_type,
    finding.normalized ->> 'aws_account_id' as aws_account_id,
    coalesce(resource ->> 'region', finding.normalized ->> 'region') as region
from raw.securityhub_findings as finding
cross join lateral jsonb_array_elements(
    case jsonb_typeof(finding.normalized -> 'resources')
        when 'array' then finding.normalized -> 'resources'
        else '[]'::jsonb
    end
) as resource
where resource ->> 'id' is not null
order by 1, 2, 3, 4
"""


def alert_resource_refs(*, engine: Engine, limit: int | None = None) -> list[ResourceRef]:
    """Every distinct resource the stored findings name (read from the raw layer)."""
    sql = _REFS_SQL + (" limit :limit" if limit else "")
    with engine.connect() as conn:
        rows = conn.execute(sa.text(sql), {"limit": limit} if limit else {}).all()
    return [
        ResourceRef(
            arn=row.resource_id,
            resource_type=row.resource_type or "Other",
            aws_account_id=row.aws_account_id,
            region=row.region,
        )
        for row in rows
    ]

"""Raw tables for resource context: Config items, compliance events, CloudTrail, snapshots.

Revision ID: 0003_raw_resource_context
Revises: 0001
"""

from alembic import op

revision = "0003_raw_resource_context"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the resource-context raw tables."""
    # One row per distinct configuration item as received (the content hash is over the
    # item after JSON-encoded strings are decoded, so the same item from the API and from
    # an S3 history file is stored once).
    op.execute(
        """
        create table raw.aws_config_configuration_items (
            configuration_item_row_id bigserial primary key,
            content_hash text not null unique,
            resource_type text not null,
            resource_id text not null,
            resource_name text,
            resource_arn text,
            aws_account_id text,
            region text,
            captured_at timestamptz not null,
            item_status text,
            item_version text,
            item jsonb not null,
            source text not null,
            loaded_at timestamptz not null default now()
        )
        """
    )
    op.execute(
        "create index aws_config_items_resource_idx "
        "on raw.aws_config_configuration_items (resource_type, resource_id, captured_at)"
    )
    # Rule evaluations and rule invocations: compliance events on a resource (or on none,
    # for scheduled invocations and rule status), never configuration items.
    op.execute(
        """
        create table raw.aws_config_compliance_events (
            compliance_event_id bigserial primary key,
            content_hash text not null unique,
            event_kind text not null,
            config_rule_name text,
            resource_type text,
            resource_id text,
            aws_account_id text,
            compliance_type text,
            recorded_at timestamptz,
            event jsonb not null,
            source text not null,
            loaded_at timestamptz not null default now()
        )
        """
    )
    # Keyed by event id plus content hash: a rerun adds nothing, and two different records
    # that share an id are both kept. Records without an id use `sha256:<hash>` as key.
    op.execute(
        """
        create table raw.cloudtrail_events (
            cloudtrail_event_row_id bigserial primary key,
            event_key text not null,
            content_hash text not null,
            event_id text,
            event_time timestamptz not null,
            event_name text,
            event_source text,
            aws_account_id text,
            region text,
            record jsonb not null,
            source text not null,
            loaded_at timestamptz not null default now(),
            constraint cloudtrail_events_key unique (event_key, content_hash)
        )
        """
    )
    op.execute("create index cloudtrail_events_time_idx on raw.cloudtrail_events (event_time)")
    # One row per distinct set of facts looked up for a resource.
    op.execute(
        """
        create table raw.resources_snapshots (
            snapshot_id bigserial primary key,
            resource_arn text not null,
            resource_type text not null,
            resource_id text not null,
            aws_account_id text,
            region text,
            content_hash text not null,
            facts jsonb not null,
            taken_at timestamptz not null,
            source text not null,
            loaded_at timestamptz not null default now(),
            constraint resources_snapshots_key unique (resource_arn, content_hash)
        )
        """
    )


def downgrade() -> None:
    """Drop the resource-context raw tables."""
    op.execute("drop table if exists raw.resources_snapshots")
    op.execute("drop table if exists raw.cloudtrail_events")
    op.execute("drop table if exists raw.aws_config_compliance_events")
    op.execute("drop table if exists raw.aws_config_configuration_items")

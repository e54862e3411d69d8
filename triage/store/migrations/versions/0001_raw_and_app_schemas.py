"""Create the raw and app schemas: finding versions, quarantine, ingest cursors.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the schemas and raw tables."""
    op.execute("create schema if not exists raw")
    op.execute("create schema if not exists app")
    op.execute("create schema if not exists correlation")
    # One row per distinct finding version: (ProductArn, Id, UpdatedAt) plus a content hash,
    # because a console edit changes a finding without moving UpdatedAt.
    op.execute(
        """
        create table raw.securityhub_findings (
            finding_version_id bigserial primary key,
            product_arn text not null,
            finding_id text not null,
            updated_at timestamptz not null,
            content_hash text not null,
            schema_format text not null default 'asff',
            aws_account_id text,
            region text,
            finding jsonb not null,
            normalized jsonb not null,
            source text not null,
            loaded_at timestamptz not null default now(),
            constraint securityhub_findings_version_key
                unique (product_arn, finding_id, updated_at, content_hash)
        )
        """
    )
    op.execute(
        "create index securityhub_findings_key_idx "
        "on raw.securityhub_findings (product_arn, finding_id)"
    )
    op.execute(
        "create index securityhub_findings_loaded_idx on raw.securityhub_findings (loaded_at)"
    )
    op.execute(
        """
        create table raw.quarantine (
            quarantine_id bigserial primary key,
            content_hash text not null unique,
            record_kind text not null,
            source text not null,
            reason text not null,
            detail text,
            original_text text not null,
            quarantined_at timestamptz not null default now()
        )
        """
    )
    op.execute(
        """
        create table raw.ingest_cursors (
            source text not null,
            aws_account_id text not null,
            region text not null,
            high_water_mark timestamptz not null,
            updated_at timestamptz not null default now(),
            primary key (source, aws_account_id, region)
        )
        """
    )
    op.execute(
        """
        create table raw.ingest_runs (
            ingest_run_id bigserial primary key,
            source text not null,
            started_at timestamptz not null,
            finished_at timestamptz,
            status text not null,
            stats jsonb not null default '{}'::jsonb
        )
        """
    )


def downgrade() -> None:
    """Drop the raw tables (the app schema is left for later revisions)."""
    op.execute("drop table if exists raw.ingest_runs")
    op.execute("drop table if exists raw.ingest_cursors")
    op.execute("drop table if exists raw.quarantine")
    op.execute("drop table if exists raw.securityhub_findings")

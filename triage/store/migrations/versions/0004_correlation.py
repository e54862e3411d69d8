"""Correlation tables (scored pairs, groups, members, runs) and the analysts' grouping inputs.

The `correlation` schema is written only by the similarity step; `app.grouping_rules` and
`app.alert_group_edits` hold human decisions, so rebuilding the marts or rerunning the
correlation loses none of them.

Revision ID: 0004_correlation
Revises: 0001
"""

from alembic import op

revision = "0004_correlation"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the correlation tables and the app tables for rules and manual edits."""
    op.execute("create schema if not exists correlation")
    op.execute("create schema if not exists app")
    op.execute(
        """
        create table correlation.runs (
            correlation_run_id bigserial primary key,
            started_at timestamptz not null default now(),
            finished_at timestamptz,
            stage text not null,
            stats jsonb not null default '{}'::jsonb,
            parameters jsonb not null default '{}'::jsonb
        )
        """
    )
    # One row per scored candidate pair (alert_id_a < alert_id_b); replaced on every run.
    op.execute(
        """
        create table correlation.alert_pairs (
            alert_id_a text not null,
            alert_id_b text not null,
            score double precision not null,
            score_parts jsonb not null,
            blocks text[] not null,
            correlation_run_id bigint not null,
            primary key (alert_id_a, alert_id_b),
            constraint alert_pairs_ordered check (alert_id_a < alert_id_b)
        )
        """
    )
    op.execute("create index alert_pairs_b_idx on correlation.alert_pairs (alert_id_b)")
    op.execute(
        """
        create table correlation.alert_groups (
            alert_group_id text primary key,
            parent_alert_id text not null,
            title text not null,
            count_members integer not null,
            correlation_run_id bigint not null,
            first_grouped_at timestamptz not null,
            updated_at timestamptz not null default now()
        )
        """
    )
    op.execute(
        """
        create table correlation.alert_group_members (
            alert_id text primary key,
            alert_group_id text not null
                references correlation.alert_groups (alert_group_id) on delete cascade,
            is_parent boolean not null,
            linked_alert_id text,
            score double precision,
            score_parts jsonb not null default '{}'::jsonb,
            blocks text[] not null default '{}',
            reasons text[] not null default '{}',
            correlation_run_id bigint not null
        )
        """
    )
    op.execute(
        "create index alert_group_members_group_idx "
        "on correlation.alert_group_members (alert_group_id)"
    )
    op.execute(
        """
        create table app.grouping_rules (
            grouping_rule_id bigserial primary key,
            name text not null,
            kind text not null
                check (kind in ('group_by_field', 'never_across_accounts', 'never_together')),
            field text,
            field_values text[] not null default '{}',
            across_accounts boolean not null default false,
            is_enabled boolean not null default true,
            created_by text not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        )
        """
    )
    op.execute(
        """
        create table app.alert_group_edits (
            alert_group_edit_id bigserial primary key,
            kind text not null check (kind in ('merge', 'split')),
            alert_group_id text not null,
            alert_ids text[] not null,
            other_alert_ids text[] not null default '{}',
            note text,
            created_by text not null,
            created_at timestamptz not null default now()
        )
        """
    )


def downgrade() -> None:
    """Drop what `upgrade` created (the schemas stay; 0001 owns them)."""
    op.execute("drop table if exists app.alert_group_edits")
    op.execute("drop table if exists app.grouping_rules")
    op.execute("drop table if exists correlation.alert_group_members")
    op.execute("drop table if exists correlation.alert_groups")
    op.execute("drop table if exists correlation.alert_pairs")
    op.execute("drop table if exists correlation.runs")

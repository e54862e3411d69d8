"""Create the app workflow tables: users, tokens, alert state, notes, checklists, audit, outbox.

Revision ID: 0002_app_workflow
Revises: 0001
"""

from alembic import op

revision = "0002_app_workflow"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    """
    create table app.users (
        user_id uuid primary key,
        username text not null unique,
        display_name text not null,
        password_hash text not null,
        role text not null check (role in ('admin', 'engineer', 'viewer')),
        is_active boolean not null default true,
        failed_logins integer not null default 0,
        last_failed_login_at timestamptz,
        locked_until timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    )
    """,
    # One row per refresh token issued; a family is one login, rotated on every refresh.
    """
    create table app.refresh_tokens (
        jti uuid primary key,
        family_id uuid not null,
        user_id uuid not null references app.users (user_id) on delete cascade,
        issued_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz
    )
    """,
    "create index refresh_tokens_family_idx on app.refresh_tokens (family_id)",
    """
    create table app.api_tokens (
        token_id uuid primary key,
        user_id uuid not null references app.users (user_id) on delete cascade,
        name text not null,
        token_hash text not null unique,
        token_prefix text not null,
        role text not null check (role in ('admin', 'engineer', 'viewer')),
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
    )
    """,
    # Human state per alert, keyed by the stable alert_id of marts.fct_alerts. One timestamp
    # per transition (the latest time it happened); alert_events keeps every one.
    """
    create table app.alert_states (
        alert_id text primary key,
        status text not null default 'new',
        assignee_id uuid references app.users (user_id) on delete set null,
        suppressed_reason text,
        suppressed_until timestamptz,
        version integer not null default 1,
        reopen_count integer not null default 0,
        acknowledged_at timestamptz,
        investigating_at timestamptz,
        resolved_at timestamptz,
        suppressed_at timestamptz,
        false_positive_at timestamptz,
        reopened_at timestamptz,
        assigned_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        updated_by text not null
    )
    """,
    "create index alert_states_status_idx on app.alert_states (status)",
    "create index alert_states_assignee_idx on app.alert_states (assignee_id)",
    """
    create table app.alert_events (
        event_id bigserial primary key,
        alert_id text not null,
        at timestamptz not null default clock_timestamp(),
        kind text not null,
        actor text not null,
        summary text not null,
        details jsonb not null default '{}'::jsonb
    )
    """,
    "create index alert_events_alert_idx on app.alert_events (alert_id, at desc, event_id desc)",
    """
    create table app.notes (
        note_id uuid primary key,
        alert_id text not null,
        author_id uuid not null references app.users (user_id),
        body text not null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
    )
    """,
    "create index notes_alert_idx on app.notes (alert_id, created_at)",
    """
    create table app.note_versions (
        note_id uuid not null references app.notes (note_id) on delete cascade,
        version integer not null,
        body text not null,
        edited_by uuid not null references app.users (user_id),
        edited_at timestamptz not null default now(),
        primary key (note_id, version)
    )
    """,
    """
    create table app.checklist_progress (
        alert_id text not null,
        template_id text not null,
        step_id text not null,
        is_done boolean not null,
        updated_by uuid not null references app.users (user_id),
        updated_at timestamptz not null default now(),
        primary key (alert_id, template_id, step_id)
    )
    """,
    # Append-only: the app role never updates or deletes here (see the trigger below).
    """
    create table app.audit_log (
        audit_id bigserial primary key,
        at timestamptz not null default clock_timestamp(),
        actor_id text not null,
        actor_name text not null,
        action text not null,
        object_type text not null,
        object_id text not null,
        before jsonb,
        after jsonb,
        request_id text,
        client_address text
    )
    """,
    "create index audit_log_at_idx on app.audit_log (at desc, audit_id desc)",
    "create index audit_log_object_idx on app.audit_log (object_type, object_id)",
    """
    create function app.audit_log_append_only() returns trigger language plpgsql as $$
    begin
        raise exception 'app.audit_log is append-only';
    end
    $$
    """,
    """
    create trigger audit_log_append_only before update or delete on app.audit_log
    for each row execute function app.audit_log_append_only()
    """,
    # Security Hub write-back: one row per finding and change; the drain sends the latest.
    """
    create table app.writeback_outbox (
        outbox_id bigserial primary key,
        alert_id text not null,
        product_arn text not null,
        finding_id text not null,
        region text not null,
        workflow_status text not null,
        note text not null,
        state text not null default 'pending'
            check (state in ('pending', 'sent', 'failed', 'superseded')),
        attempts integer not null default 0,
        last_error text,
        next_attempt_at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        sent_at timestamptz
    )
    """,
    "create index writeback_outbox_pending_idx on app.writeback_outbox (state, next_attempt_at)",
    """
    create table app.writeback_endpoints (
        endpoint text primary key,
        unsupported_since timestamptz not null,
        detail text not null
    )
    """,
)


def upgrade() -> None:
    """Create the workflow tables in the app schema."""
    op.execute("create schema if not exists app")
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    """Drop the workflow tables."""
    for table in (
        "writeback_endpoints",
        "writeback_outbox",
        "audit_log",
        "checklist_progress",
        "note_versions",
        "notes",
        "alert_events",
        "alert_states",
        "api_tokens",
        "refresh_tokens",
        "users",
    ):
        op.execute(f"drop table if exists app.{table}")
    op.execute("drop function if exists app.audit_log_append_only()")

"""The marts tables the API reads, as docs/data-contracts.md fixes them, for fixtures.

The API tests, the browser tests and the workflow benchmark build these tables and fill them
with made-up rows instead of running dbt, so a change to a mart's columns lands in one place.
"""

FCT_ALERTS_TABLE_DDL = """
create table marts.fct_alerts (
    alert_id text primary key,
    alert_key text not null,
    severity_label text not null,
    severity_score integer not null,
    workflow_status text,
    record_state text,
    compliance_status text,
    product_name text,
    company_name text,
    aws_account_id text,
    region text,
    resource_type text,
    resource_id text,
    count_resources bigint,
    title text,
    description text,
    types text[],
    security_control_id text,
    standards text[],
    first_seen_at timestamptz,
    last_seen_at timestamptz not null,
    updated_at timestamptz,
    count_findings bigint,
    is_closed_by_source boolean,
    closed_reason text,
    owner text,
    environment text,
    classification text,
    impact_score integer,
    impact_severity_points integer,
    impact_sensitivity_points integer,
    impact_exposure_points integer,
    impact_environment_points integer,
    last_change_actor text,
    last_change_at timestamptz
);
"""

MARTS_DDL = (
    """
create schema if not exists marts;
"""
    + FCT_ALERTS_TABLE_DDL
    + """
create table marts.fct_alert_groups (
    alert_group_id text primary key,
    parent_alert_id text,
    title text,
    severity_label text,
    severity_score integer,
    workflow_status text,
    aws_account_ids text[],
    regions text[],
    count_members integer,
    count_accounts integer,
    first_seen_at timestamptz,
    last_seen_at timestamptz,
    first_grouped_at timestamptz,
    updated_at timestamptz,
    correlation_run_id bigint
);
create table marts.fct_alert_group_members (
    alert_group_id text,
    alert_id text,
    linked_alert_id text,
    is_parent boolean,
    score double precision,
    score_parts jsonb,
    blocks text[],
    reasons text[],
    title text,
    severity_label text,
    severity_score integer,
    aws_account_id text,
    region text,
    resource_type text,
    resource_id text,
    workflow_status text,
    first_seen_at timestamptz,
    last_seen_at timestamptz
);
create table marts.fct_alert_findings (
    alert_id text not null,
    product_arn text not null,
    finding_id text not null,
    severity_label text,
    workflow_status text,
    record_state text,
    compliance_status text,
    updated_at timestamptz,
    generator_id text,
    standard text
);
create table marts.dim_resources (
    resource_key text primary key,
    resource_id text,
    resource_type text,
    aws_account_id text,
    region text,
    partition text,
    tags jsonb,
    first_seen_at timestamptz,
    last_seen_at timestamptz,
    count_alerts bigint,
    resource_ref text,
    owner text,
    team text,
    environment text,
    classification text,
    compliance_tags jsonb,
    exposure_level text,
    exposure jsonb,
    unknown_facts text[],
    created_at timestamptz,
    snapshot_taken_at timestamptz
);
create table marts.fct_alert_resources (
    alert_id text not null,
    resource_key text not null,
    resource_id text,
    resource_type text,
    region text,
    is_primary boolean
);
create table marts.fct_resource_changes (
    resource_change_key text primary key,
    resource_type text,
    resource_id text,
    resource_name text,
    resource_arn text,
    resource_ref text,
    aws_account_id text,
    region text,
    item_status text,
    change_type text,
    is_first_item boolean,
    changed_attributes jsonb,
    count_changed_attributes bigint,
    change_actor text,
    change_action text,
    change_event_id text,
    change_actor_source text,
    captured_at timestamptz,
    previous_captured_at timestamptz,
    change_event_at timestamptz
);
create table marts.fct_resource_activity (
    resource_activity_key text primary key,
    cloudtrail_event_key text,
    event_id text,
    aws_account_id text,
    region text,
    actor text,
    actor_type text,
    actor_arn text,
    source_ip text,
    user_agent text,
    action text,
    event_source text,
    event_type text,
    error_code text,
    is_read_only boolean,
    resource_type text,
    resource_arn text,
    resource_name text,
    resource_ref text,
    event_at timestamptz,
    source text
);
"""
)

# The API's keyset needs this index; dbt is asked to build the same one (see data contracts).
MARTS_INDEX_DDL = (
    "create index fct_alerts_queue_idx on marts.fct_alerts (severity_score, last_seen_at, alert_id)"
)

__all__ = ["FCT_ALERTS_TABLE_DDL", "MARTS_DDL", "MARTS_INDEX_DDL"]

{{
    config(
        post_hook=[
            "create unique index on {{ this }} (alert_id)",
            "create index on {{ this }} (alert_group_id)",
        ]
    )
}}

with

members as (

    select * from {{ ref('stg_correlation__alert_group_members') }}

),

alerts as (

    select * from {{ ref('fct_alerts') }}

),

-- An alert gone from the marts since the run drops out of its group, and a
-- group left with one alert is no longer a group.
present as (

    select

        members.*,
        count(*) over (
            partition by members.alert_group_id
        ) as count_present

    from members
    inner join alerts
        on members.alert_id = alerts.alert_id

),

final as (

    select

        ----------  ids
        members.alert_group_id,
        members.alert_id,
        members.linked_alert_id,

        ----------  why the alert is in the group
        members.is_parent,
        members.score,
        members.score_parts,
        members.blocks,
        members.reasons,

        ----------  the alert, for lists
        alerts.title,
        alerts.severity_label,
        alerts.severity_score,
        alerts.aws_account_id,
        alerts.region,
        alerts.resource_type,
        alerts.resource_id,
        alerts.workflow_status,
        alerts.first_seen_at,
        alerts.last_seen_at,

        ----------  metadata
        members.correlation_run_id

    from present as members
    inner join alerts
        on members.alert_id = alerts.alert_id
    where members.count_present > 1

)

select * from final

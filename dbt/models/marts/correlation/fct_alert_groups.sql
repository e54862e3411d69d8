{{
    config(
        post_hook=[
            "create unique index on {{ this }} (alert_group_id)",
            "create index on {{ this }}"
            ~ " (severity_score desc, last_seen_at desc, alert_group_id)",
        ]
    )
}}

with

groups as (

    select * from {{ ref('stg_correlation__alert_groups') }}

),

members as (

    select * from {{ ref('fct_alert_group_members') }}

),

-- Status of a group: the most pressing status among its members, in the
-- order NEW, NOTIFIED, RESOLVED, SUPPRESSED, other, none.
rolled_up as (

    select

        alert_group_id,

        -- The stored parent while it is still in the marts, else the member
        -- with the highest severity, then the earliest.
        (array_agg(
            alert_id
            order by
                is_parent desc,
                severity_score desc,
                first_seen_at asc,
                alert_id asc
        ))[1] as parent_alert_id,
        count(*) as count_members,
        count(distinct aws_account_id) as count_accounts,
        array_agg(distinct aws_account_id order by aws_account_id asc)
        filter (where aws_account_id is not null) as aws_account_ids,
        array_agg(distinct region order by region asc)
        filter (where region is not null) as regions,
        max(severity_score) as severity_score,
        (array_agg(
            severity_label order by severity_score desc, severity_label asc
        ))[1] as severity_label,
        (array_agg(
            workflow_status
            order by
                case upper(workflow_status)
                    when 'NEW' then 1
                    when 'NOTIFIED' then 2
                    when 'RESOLVED' then 3
                    when 'SUPPRESSED' then 4
                    else 5
                end asc,
                workflow_status asc
        ))[1] as workflow_status,

        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at

    from members
    group by 1

),

final as (

    select

        ----------  ids
        groups.alert_group_id,
        rolled_up.parent_alert_id,

        ----------  attributes
        groups.title,
        rolled_up.severity_label,
        rolled_up.severity_score,
        rolled_up.workflow_status,
        coalesce(rolled_up.aws_account_ids, '{}'::text[]) as aws_account_ids,
        coalesce(rolled_up.regions, '{}'::text[]) as regions,

        ----------  measures
        rolled_up.count_members,
        rolled_up.count_accounts,

        ----------  timestamps
        rolled_up.first_seen_at,
        rolled_up.last_seen_at,
        groups.first_grouped_at,
        groups.updated_at,

        ----------  metadata
        groups.correlation_run_id

    from groups
    inner join rolled_up
        on groups.alert_group_id = rolled_up.alert_group_id
    -- A group left with one alert (the rest gone from the marts) is no
    -- longer a group.
    where rolled_up.count_members > 1

)

select * from final

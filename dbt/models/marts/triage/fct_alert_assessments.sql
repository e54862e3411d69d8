{{
    config(
        post_hook=["create unique index on {{ this }} (alert_id)"]
    )
}}

with

alerts as (

    select * from {{ ref('int_alerts_deduplicated') }}

),

alert_resources as (

    select * from {{ ref('fct_alert_resources') }}

),

resources as (

    select * from {{ ref('dim_resources') }}

),

changes as (

    select * from {{ ref('fct_resource_changes') }}

),

activity as (

    select * from {{ ref('fct_resource_activity') }}

),

-- The context of the primary resource speaks for the alert.
primary_resources as (

    select distinct on (alert_resources.alert_id)

        alert_resources.alert_id,
        resources.resource_ref,
        resources.owner,
        resources.team,
        resources.environment,
        resources.classification,
        resources.exposure_level

    from alert_resources
    inner join resources
        on alert_resources.resource_key = resources.resource_key
    order by
        alert_resources.alert_id asc,
        alert_resources.is_primary desc,
        alert_resources.resource_id asc

),

alert_refs as (

    select distinct

        alert_resources.alert_id,
        alerts.aws_account_id,
        alerts.first_seen_at,
        {{ resource_ref('alert_resources.resource_id') }} as resource_ref

    from alert_resources
    inner join alerts
        on alert_resources.alert_id = alerts.alert_id

),

-- Who last changed one of the alert's resources before it was first seen:
-- a Config change with its CloudTrail actor, else a CloudTrail write call.
last_changes as (

    select distinct on (alert_id) *

    from (
        select

            alert_refs.alert_id,
            changes.change_actor as actor,
            changes.captured_at as changed_at,
            'aws_config' as change_source,
            1 as source_rank

        from alert_refs
        inner join changes
            on alert_refs.resource_ref = changes.resource_ref
        where
            changes.change_actor is not null
            and changes.captured_at <= alert_refs.first_seen_at
            and (
                changes.aws_account_id is null
                or changes.aws_account_id = alert_refs.aws_account_id
            )

        union all

        select

            alert_refs.alert_id,
            activity.actor,
            activity.event_at as changed_at,
            'cloudtrail' as change_source,
            2 as source_rank

        from alert_refs
        inner join activity
            on alert_refs.resource_ref = activity.resource_ref
        where
            not activity.is_read_only
            and activity.error_code is null
            and activity.event_at <= alert_refs.first_seen_at
            and (
                activity.aws_account_id is null
                or activity.aws_account_id = alert_refs.aws_account_id
            )
    ) as candidates
    order by alert_id asc, changed_at desc, source_rank asc

),

-- Impact: severity 0-40, data sensitivity 0-25, exposure 0-20, environment
-- 0-15 (docs/data-contracts.md). Unknown facts score in the middle.
scored as (

    select

        alerts.alert_id,
        primary_resources.owner,
        primary_resources.team,
        primary_resources.environment,
        primary_resources.classification,
        coalesce(primary_resources.exposure_level, 'unknown')
            as exposure_level,

        case alerts.severity_label
            when 'CRITICAL' then 40
            when 'HIGH' then 30
            when 'MEDIUM' then 20
            when 'LOW' then 10
            else 0
        end as impact_severity_points,
        case
            when primary_resources.classification in ('restricted', 'secret')
                then 25
            when primary_resources.classification = 'confidential' then 20
            when primary_resources.classification = 'internal' then 10
            when primary_resources.classification = 'public' then 0
            else 12
        end as impact_sensitivity_points,
        case coalesce(primary_resources.exposure_level, 'unknown')
            when 'public' then 20
            when 'exposed' then 12
            when 'internal' then 0
            else 8
        end as impact_exposure_points,
        case
            when primary_resources.environment in ('prod', 'production') then 15
            when primary_resources.environment in ('staging', 'stage', 'uat')
                then 8
            when primary_resources.environment in ('dev', 'test', 'sandbox')
                then 3
            else 8
        end as impact_environment_points,

        last_changes.actor as last_change_actor,
        last_changes.change_source as last_change_source,
        last_changes.changed_at as last_change_at

    from alerts
    left join primary_resources
        on alerts.alert_id = primary_resources.alert_id
    left join last_changes
        on alerts.alert_id = last_changes.alert_id

),

final as (

    select

        ----------  ids
        alert_id,

        ----------  context
        owner,
        team,
        environment,
        classification,
        exposure_level,

        ----------  impact
        impact_severity_points
        + impact_sensitivity_points
        + impact_exposure_points
        + impact_environment_points as impact_score,
        impact_severity_points,
        impact_sensitivity_points,
        impact_exposure_points,
        impact_environment_points,

        ----------  last change before the alert
        last_change_actor,
        last_change_source,
        last_change_at

    from scored

)

select * from final

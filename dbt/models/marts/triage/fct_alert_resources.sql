{{
    config(
        post_hook=[
            "create index on {{ this }} (alert_id)",
            "create index on {{ this }} (resource_key)",
        ]
    )
}}

with

members as (

    select * from {{ ref('int_alerts_unioned') }}

),

alerts as (

    select * from {{ ref('int_alerts_deduplicated') }}

),

resources as (

    select * from {{ ref('stg_securityhub__finding_resources') }}

),

-- The current resources of an alert are those of its members' latest
-- versions; a resource named by several members appears once, described as
-- the member that speaks for the alert (then the newest) describes it.
member_resources as (

    select distinct on (members.alert_id, resources.resource_key)

        members.alert_id,
        resources.resource_key,
        resources.resource_id,
        resources.resource_type,
        coalesce(resources.resource_region, resources.finding_region)
            as region

    from members
    inner join resources
        on members.finding_version_id = resources.finding_version_id
    inner join alerts
        on members.alert_id = alerts.alert_id
    order by
        members.alert_id asc,
        resources.resource_key asc,
        members.finding_key = alerts.chosen_finding_key desc,
        members.updated_at desc,
        resources.resource_ordinal asc

),

final as (

    select

        ----------  ids
        member_resources.alert_id,
        member_resources.resource_key,
        member_resources.resource_id,

        ----------  attributes
        member_resources.resource_type,
        member_resources.region,
        coalesce(member_resources.resource_key = alerts.resource_key, false)
            as is_primary

    from member_resources
    inner join alerts
        on member_resources.alert_id = alerts.alert_id

)

select * from final

-- An alert with resources has exactly one primary resource, and it is the
-- resource fct_alerts names. Returns the offending alerts.
with

alerts as (

    select * from {{ ref('fct_alerts') }}

),

alert_resources as (

    select * from {{ ref('fct_alert_resources') }}

),

primary_counts as (

    select

        alert_id,

        count(*) filter (where is_primary) as count_primary,
        max(resource_id) filter (where is_primary) as primary_resource_id

    from alert_resources
    group by 1

),

final as (

    select

        alerts.alert_id,
        primary_counts.count_primary

    from alerts
    inner join primary_counts
        on alerts.alert_id = primary_counts.alert_id
    where
        primary_counts.count_primary != 1
        or primary_counts.primary_resource_id
        is distinct from alerts.resource_id

)

select * from final

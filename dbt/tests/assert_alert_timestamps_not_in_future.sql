-- No alert, finding or resource timestamp is later than the build, and no
-- first_seen_at is after its last_seen_at (case B05: a zone slip shows up as
-- times hours in the future). Returns the offending rows.
with

alerts as (

    select * from {{ ref('fct_alerts') }}

),

alert_findings as (

    select * from {{ ref('fct_alert_findings') }}

),

resources as (

    select * from {{ ref('dim_resources') }}

),

offending_alerts as (

    select

        'fct_alerts' as model_name,
        alert_id as row_id

    from alerts
    where
        first_seen_at > now()
        or last_seen_at > now()
        or updated_at > now()
        or first_seen_at > last_seen_at

),

offending_findings as (

    select

        'fct_alert_findings' as model_name,
        finding_id as row_id

    from alert_findings
    where updated_at > now()

),

offending_resources as (

    select

        'dim_resources' as model_name,
        resource_key as row_id

    from resources
    where
        first_seen_at > now()
        or last_seen_at > now()
        or first_seen_at > last_seen_at

),

final as (

    select * from offending_alerts
    union all
    select * from offending_findings
    union all
    select * from offending_resources

)

select * from final

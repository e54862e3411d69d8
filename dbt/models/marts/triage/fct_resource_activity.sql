{{
    config(
        post_hook=[
            "create unique index on {{ this }} (resource_activity_key)",
            "create index on {{ this }} (resource_ref, event_at)",
        ]
    )
}}

with

events as (

    select * from {{ ref('stg_cloudtrail__events') }}

),

event_resources as (

    select * from {{ ref('stg_cloudtrail__event_resources') }}

),

-- Every event appears: once per resource it touched, or once with no
-- resource when it touched none.
final as (

    select

        ----------  ids
        {{ surrogate_key([
            'events.cloudtrail_event_key',
            'event_resources.resource_ordinal',
        ]) }} as resource_activity_key,
        events.cloudtrail_event_key,
        events.event_id,
        events.aws_account_id,
        events.region,

        ----------  who
        events.actor,
        events.actor_type,
        events.actor_arn,
        events.source_ip,
        events.user_agent,

        ----------  what
        events.action,
        events.event_source,
        events.event_type,
        events.error_code,
        events.is_read_only,

        ----------  on what
        event_resources.resource_type,
        event_resources.resource_arn,
        event_resources.resource_name,
        event_resources.resource_ref,

        ----------  timestamps
        events.event_at,

        ----------  metadata
        events.source

    from events
    left join event_resources
        on events.cloudtrail_event_key = event_resources.cloudtrail_event_key

)

select * from final

{{
    config(
        post_hook=[
            "create unique index on {{ this }} (resource_change_key)",
            "create index on {{ this }} (resource_ref, captured_at)",
        ]
    )
}}

with

items as (

    select * from {{ ref('stg_aws_config__configuration_items') }}

),

events as (

    select * from {{ ref('stg_cloudtrail__events') }}

),

event_resources as (

    select * from {{ ref('stg_cloudtrail__event_resources') }}

),

-- The same state can arrive from the API and from a history file with
-- different metadata; one row per resource and capture time.
distinct_items as (

    select distinct on (resource_type, resource_id, captured_at) *

    from items
    order by
        resource_type asc,
        resource_id asc,
        captured_at asc,
        is_summary asc,
        loaded_at desc

),

sequenced as (

    select

        *,
        lag(configuration) over resource_window as previous_configuration,
        lag(supplementary_configuration) over resource_window
            as previous_supplementary_configuration,
        lag(tags) over resource_window as previous_tags,
        lag(captured_at) over resource_window as previous_captured_at

    from distinct_items
    window resource_window as (
        partition by resource_type, resource_id order by captured_at
    )

),

-- Top-level attributes of configuration, supplementary configuration and
-- tags whose value differs from the previous item of the same resource.
attribute_pairs as (

    select

        sequenced.configuration_item_key,
        sections.section
        || '.'
        || attribute_keys.attribute_name as attribute_name,
        sections.before_value -> attribute_keys.attribute_name as before_value,
        sections.after_value -> attribute_keys.attribute_name as after_value

    from sequenced
    cross join
        lateral (
            values
            (
                'configuration',
                sequenced.previous_configuration,
                sequenced.configuration
            ),
            (
                'supplementaryConfiguration',
                sequenced.previous_supplementary_configuration,
                sequenced.supplementary_configuration
            ),
            ('tags', sequenced.previous_tags, sequenced.tags)
        ) as sections (section, before_value, after_value)
    -- `||` of the two objects holds the keys of both.
    cross join
        lateral jsonb_object_keys(
            sections.before_value || sections.after_value
        ) as attribute_keys (attribute_name)
    where
        sequenced.previous_captured_at is not null
        and (sections.before_value -> attribute_keys.attribute_name)
        is distinct from (sections.after_value -> attribute_keys.attribute_name)

),

changed_attributes as (

    select

        configuration_item_key,

        jsonb_agg(
            jsonb_build_object(
                'attribute', attribute_name,
                'before', before_value,
                'after', after_value
            )
            order by attribute_name
        ) as changed_attributes,
        count(*) as count_changed_attributes

    from attribute_pairs
    group by 1

),

-- Config names the CloudTrail events behind a change in relatedEvents.
related_actors as (

    select distinct on (sequenced.configuration_item_key)

        sequenced.configuration_item_key,
        events.cloudtrail_event_key,
        events.event_id,
        events.actor,
        events.action,
        events.event_at

    from sequenced
    cross join
        lateral jsonb_array_elements_text(sequenced.related_event_ids)
            as related (event_id)
    inner join events
        on related.event_id = events.event_id
    order by sequenced.configuration_item_key asc, events.event_at desc

),

-- Without relatedEvents: the newest write call on the resource in the hour
-- before Config captured the change.
nearby_actors as (

    select distinct on (sequenced.configuration_item_key)

        sequenced.configuration_item_key,
        events.cloudtrail_event_key,
        events.event_id,
        events.actor,
        events.action,
        events.event_at

    from sequenced
    inner join event_resources
        on sequenced.resource_ref = event_resources.resource_ref
    inner join events
        on event_resources.cloudtrail_event_key = events.cloudtrail_event_key
    where
        not events.is_read_only
        and events.error_code is null
        and events.event_at <= sequenced.captured_at
        and events.event_at > sequenced.captured_at - interval '1 hour'
        and (
            events.aws_account_id is null
            or sequenced.aws_account_id is null
            or events.aws_account_id = sequenced.aws_account_id
        )
    order by sequenced.configuration_item_key asc, events.event_at desc

),

final as (

    select

        ----------  ids
        sequenced.configuration_item_key as resource_change_key,
        sequenced.resource_type,
        sequenced.resource_id,
        sequenced.resource_name,
        sequenced.resource_arn,
        sequenced.resource_ref,
        sequenced.aws_account_id,
        sequenced.region,

        ----------  the change
        sequenced.item_status,
        coalesce(
            sequenced.change_type,
            case
                when sequenced.previous_captured_at is null then 'CREATE'
                when sequenced.item_status like '%Deleted%' then 'DELETE'
                else 'UPDATE'
            end
        ) as change_type,
        sequenced.previous_captured_at is null as is_first_item,
        coalesce(changed_attributes.changed_attributes, '[]'::jsonb)
            as changed_attributes,
        coalesce(changed_attributes.count_changed_attributes, 0)
            as count_changed_attributes,

        ----------  who made it (CloudTrail)
        coalesce(related_actors.actor, nearby_actors.actor) as change_actor,
        coalesce(related_actors.action, nearby_actors.action) as change_action,
        coalesce(related_actors.event_id, nearby_actors.event_id)
            as change_event_id,
        case
            when related_actors.actor is not null then 'related_event'
            when nearby_actors.actor is not null then 'nearby_event'
        end as change_actor_source,

        ----------  timestamps
        sequenced.captured_at,
        sequenced.previous_captured_at,
        coalesce(related_actors.event_at, nearby_actors.event_at)
            as change_event_at

    from sequenced
    left join changed_attributes
        on
            sequenced.configuration_item_key
            = changed_attributes.configuration_item_key
    left join related_actors
        on
            sequenced.configuration_item_key
            = related_actors.configuration_item_key
    left join nearby_actors
        on
            sequenced.configuration_item_key
            = nearby_actors.configuration_item_key

)

select * from final

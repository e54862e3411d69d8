with

events as (

    select * from {{ ref('stg_cloudtrail__events') }}

),

-- The record's own `resources` list wins when present.
listed as (

    select

        events.cloudtrail_event_key,
        listed_resources.resource_ordinal::integer as resource_ordinal,
        listed_resources.resource ->> 'type' as resource_type,
        coalesce(
            listed_resources.resource ->> 'ARN',
            listed_resources.resource ->> 'arn'
        ) as resource_arn,
        coalesce(
            listed_resources.resource ->> 'ARN',
            listed_resources.resource ->> 'arn',
            listed_resources.resource ->> 'resourceName'
        ) as resource_name

    from events
    cross join
        lateral jsonb_array_elements(events.resources)
        with ordinality as listed_resources (resource, resource_ordinal)
    where jsonb_typeof(listed_resources.resource) = 'object'

),

-- Otherwise the request parameters of the common services name them.
named_parameters as (

    select

        events.cloudtrail_event_key,
        named.resource_ordinal::integer as resource_ordinal,
        named.resource_type,
        null::text as resource_arn,
        named.resource_name

    from events
    cross join
        lateral (
            values
            (1, 'AWS::S3::Bucket', events.request_parameters ->> 'bucketName'),
            (2, 'AWS::IAM::User', events.request_parameters ->> 'userName'),
            (3, 'AWS::IAM::Role', events.request_parameters ->> 'roleName'),
            (
                4,
                'AWS::IAM::AccessKey',
                events.request_parameters ->> 'accessKeyId'
            ),
            (
                5,
                'AWS::EC2::SecurityGroup',
                events.request_parameters ->> 'groupId'
            ),
            (
                6,
                'AWS::EC2::Instance',
                events.request_parameters ->> 'instanceId'
            )
        ) as named (resource_ordinal, resource_type, resource_name)
    where
        jsonb_array_length(events.resources) = 0
        and named.resource_name is not null

),

instance_sets as (

    select

        events.cloudtrail_event_key,
        100 + instances.instance_ordinal::integer as resource_ordinal,
        'AWS::EC2::Instance' as resource_type,
        null::text as resource_arn,
        instances.instance ->> 'instanceId' as resource_name

    from events
    cross join
        lateral jsonb_array_elements(
        {{ jsonb_array(
            "events.request_parameters -> 'instancesSet' -> 'items'"
        ) }}
        ) with ordinality as instances (instance, instance_ordinal)
    where
        jsonb_array_length(events.resources) = 0
        and instances.instance ->> 'instanceId' is not null

),

unioned as (

    select * from listed
    union all
    select * from named_parameters
    union all
    select * from instance_sets

),

final as (

    select

        {{ surrogate_key(['cloudtrail_event_key', 'resource_ordinal']) }}
            as event_resource_key,
        cloudtrail_event_key,
        resource_ordinal,
        resource_type,
        resource_arn,
        resource_name,
        {{ resource_ref('resource_name') }} as resource_ref

    from unioned

)

select * from final

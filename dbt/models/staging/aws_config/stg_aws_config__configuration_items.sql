with

source as (

    select * from {{ source('aws_config', 'configuration_items') }}

),

renamed as (

    select

        ----------  ids
        configuration_item_row_id,
        content_hash as configuration_item_key,
        resource_type,
        resource_id,
        resource_name,
        resource_arn,
        -- Config keys IAM resources by their unique id (AIDA...); the name is
        -- what findings and CloudTrail use.
        {{ resource_ref(
            "coalesce(resource_arn, case when resource_type like 'AWS::IAM::%'"
            ~ " then resource_name end, resource_id)"
        ) }} as resource_ref,
        aws_account_id,
        region,

        ----------  attributes
        item_status,
        item_version,
        item ->> 'changeType' as change_type,
        {{ jsonb_object("item -> 'configuration'") }} as configuration,
        {{ jsonb_object("item -> 'supplementaryConfiguration'") }}
            as supplementary_configuration,
        {{ jsonb_object("item -> 'tags'") }} as tags,
        {{ jsonb_array("item -> 'relatedEvents'") }} as related_event_ids,
        coalesce((item ->> 'isSummary')::boolean, false) as is_summary,

        ----------  timestamps
        captured_at,
        (item ->> 'resourceCreationTime')::timestamptz as resource_created_at,

        ----------  metadata
        source,
        loaded_at

    from source

)

select * from renamed

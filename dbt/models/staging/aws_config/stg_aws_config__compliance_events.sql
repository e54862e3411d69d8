with

source as (

    select * from {{ source('aws_config', 'compliance_events') }}

),

renamed as (

    select

        ----------  ids
        compliance_event_id,
        content_hash as compliance_event_key,
        config_rule_name,
        resource_type,
        resource_id,
        {{ resource_ref('resource_id') }} as resource_ref,
        aws_account_id,

        ----------  attributes
        event_kind,
        compliance_type,
        event,

        ----------  timestamps
        recorded_at,

        ----------  metadata
        source,
        loaded_at

    from source

)

select * from renamed

with

source as (

    select * from {{ source('resources', 'snapshots') }}

),

renamed as (

    select

        ----------  ids
        snapshot_id,
        resource_arn,
        resource_type,
        resource_id,
        aws_account_id,
        region,

        ----------  facts (NULL when unknown; `unknown_facts` says which)
        case
            when jsonb_typeof(facts -> 'tags') = 'object' then facts -> 'tags'
        end as tags,
        facts ->> 'owner' as owner,
        facts ->> 'team' as team,
        facts ->> 'environment' as environment,
        facts ->> 'classification' as classification,
        {{ jsonb_object("facts -> 'compliance'") }} as compliance_tags,
        {{ jsonb_object("facts -> 'exposure'") }} as exposure,
        coalesce(facts -> 'exposure' ->> 'level', 'unknown') as exposure_level,
        {{ jsonb_text_array("facts -> 'unknown'") }} as unknown_facts,

        ----------  timestamps
        (facts ->> 'created_at')::timestamptz as resource_created_at,
        taken_at,

        ----------  metadata
        loaded_at

    from source

)

select * from renamed

with

source as (

    select * from {{ source('securityhub', 'findings') }}

),

-- Every resource of every version is kept, in the order the finding lists
-- them: consumers must never key on the first one alone (case B08).
unnested as (

    select

        ----------  ids
        source.finding_version_id,
        resources.resource_ordinal::integer as resource_ordinal,
        source.product_arn,
        source.finding_id,
        source.normalized ->> 'product_key' as product_key,

        ----------  attributes
        resources.resource ->> 'id' as resource_id,
        resources.resource ->> 'type' as resource_type,
        resources.resource ->> 'partition' as resource_partition,
        resources.resource ->> 'region' as resource_region,
        resources.resource ->> 'name' as resource_name,
        coalesce(resources.resource -> 'tags', '{}'::jsonb) as resource_tags,

        ----------  context from the finding version
        source.normalized ->> 'aws_account_id' as aws_account_id,
        source.normalized ->> 'region' as finding_region,

        ----------  timestamps of the finding version
        (source.normalized ->> 'created_at')::timestamptz as created_at,
        source.updated_at,
        (
            source.normalized ->> 'first_observed_at'
        )::timestamptz as first_observed_at,
        (
            source.normalized ->> 'last_observed_at'
        )::timestamptz as last_observed_at,

        ----------  metadata
        source.loaded_at

    from source
    cross join lateral jsonb_array_elements(
        {{ jsonb_array("source.normalized -> 'resources'") }}
    ) with ordinality as resources (resource, resource_ordinal)

),

-- An ARN names one resource everywhere, so it is the whole key; any other id
-- (an instance id, a package name) is only unique within its account,
-- region and type.
keyed as (

    select

        {{ surrogate_key(['finding_version_id', 'resource_ordinal']) }}
            as finding_resource_key,
        case
            when resource_id like 'arn:%'
                then {{ surrogate_key(["'arn'", 'resource_id']) }}
            else {{ surrogate_key([
                'aws_account_id',
                'coalesce(resource_region, finding_region)',
                'resource_type',
                'resource_id',
            ]) }}
        end as resource_key,
        *

    from unnested

)

select * from keyed

with

source as (

    select * from {{ source('securityhub', 'findings') }}

),

renamed as (

    select

        ----------  ids
        finding_version_id,
        product_arn,
        finding_id,
        normalized ->> 'product_key' as product_key,
        normalized ->> 'generator_id' as generator_id,
        content_hash,

        ----------  account and place
        normalized ->> 'aws_account_id' as aws_account_id,
        normalized ->> 'aws_account_id_source' as aws_account_id_source,
        coalesce(
            (normalized ->> 'is_account_id_valid')::boolean, false
        ) as is_account_id_valid,
        normalized ->> 'region' as region,

        ----------  product
        schema_format,
        normalized ->> 'product_name' as product_name,
        normalized ->> 'company_name' as company_name,

        ----------  text
        normalized ->> 'title' as title,
        normalized ->> 'description' as description,
        {{ jsonb_text_array("normalized -> 'types'") }} as types,
        normalized ->> 'source_url' as source_url,

        ----------  severity
        normalized ->> 'severity_label' as severity_label,
        (normalized ->> 'severity_score')::integer as severity_score,
        normalized ->> 'severity_source' as severity_source,
        coalesce(
            (normalized ->> 'severity_missing')::boolean, false
        ) as is_severity_missing,
        (normalized ->> 'severity_product')::numeric as severity_product,
        normalized ->> 'severity_original' as severity_original,

        ----------  status
        normalized ->> 'record_state' as record_state,
        normalized ->> 'record_state_group' as record_state_group,
        normalized ->> 'workflow_status' as workflow_status,
        normalized ->> 'workflow_status_group' as workflow_status_group,
        normalized ->> 'compliance_status' as compliance_status,
        normalized ->> 'compliance_status_group' as compliance_status_group,

        ----------  controls and standards
        normalized ->> 'security_control_id' as security_control_id,
        normalized ->> 'standard_control_key' as standard_control_key,
        {{ jsonb_text_array("normalized -> 'related_standards'") }}
            as related_standards,

        ----------  nested objects
        jsonb_array_length(
            {{ jsonb_array("normalized -> 'resources'") }}
        ) as count_resources,
        coalesce(normalized -> 'product_fields', '{}'::jsonb) as product_fields,
        {{ jsonb_text_array("normalized -> 'warnings'") }} as warnings,

        ----------  timestamps (ISO 8601 with Z, so the cast is zone-proof)
        (normalized ->> 'created_at')::timestamptz as created_at,
        updated_at,
        (normalized ->> 'first_observed_at')::timestamptz as first_observed_at,
        (normalized ->> 'last_observed_at')::timestamptz as last_observed_at,

        ----------  metadata
        source as loaded_from,
        loaded_at

    from source

)

select * from renamed

{{
    config(
        post_hook=[
            "create unique index on {{ this }} (alert_id)",
            "create index on {{ this }}"
            ~ " (severity_score desc, last_seen_at desc, alert_id)",
            "create index on {{ this }} (aws_account_id)",
            "create index on {{ this }} (region)",
            "create index on {{ this }} (product_name)",
            "create index on {{ this }} (resource_type)",
            "create index on {{ this }} (workflow_status)",
        ]
    )
}}

with

alerts as (

    select * from {{ ref('int_alerts_deduplicated') }}

),

final as (

    select

        ----------  ids
        alert_id,
        alert_key,

        ----------  severity and status
        severity_label,
        severity_score,
        workflow_status,
        record_state,
        compliance_status,

        ----------  product, account, place, resource
        product_name,
        company_name,
        aws_account_id,
        region,
        resource_type,
        resource_id,
        count_resources,

        ----------  text and classification
        title,
        description,
        types,
        security_control_id,
        standards,

        ----------  timestamps
        first_seen_at,
        last_seen_at,
        updated_at,

        ----------  measures and closure
        count_findings,
        is_closed_by_source,
        closed_reason

    from alerts

)

select * from final

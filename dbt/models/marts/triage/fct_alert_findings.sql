{{
    config(
        post_hook=[
            "create index on {{ this }} (alert_id)",
        ]
    )
}}

with

members as (

    select * from {{ ref('int_alerts_unioned') }}

),

final as (

    select

        ----------  ids
        alert_id,
        product_arn,
        finding_id,
        generator_id,

        ----------  attributes
        severity_label,
        workflow_status,
        record_state,
        compliance_status,
        standard,

        ----------  timestamps
        updated_at

    from members

)

select * from final

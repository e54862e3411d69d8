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
            "create index on {{ this }} (owner)",
        ]
    )
}}

with

deduplicated_alerts as (

    select * from {{ ref('int_alerts_deduplicated') }}

),

assessments as (

    select * from {{ ref('fct_alert_assessments') }}

),

-- Resource context and impact (owner, classification, risk score, the actor
-- of the last change before the alert) from fct_alert_assessments.
alerts as (

    select

        deduplicated_alerts.*,
        assessments.owner,
        assessments.environment,
        assessments.classification,
        coalesce(assessments.impact_score, 0) as impact_score,
        assessments.impact_severity_points,
        assessments.impact_sensitivity_points,
        assessments.impact_exposure_points,
        assessments.impact_environment_points,
        assessments.last_change_actor,
        assessments.last_change_at

    from deduplicated_alerts
    left join assessments
        on deduplicated_alerts.alert_id = assessments.alert_id

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
        closed_reason,

        ----------  resource context and impact
        owner,
        environment,
        classification,
        impact_score,
        impact_severity_points,
        impact_sensitivity_points,
        impact_exposure_points,
        impact_environment_points,
        last_change_actor,
        last_change_at

    from alerts

)

select * from final

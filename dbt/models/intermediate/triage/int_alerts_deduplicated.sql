with

members as (

    select * from {{ ref('int_alerts_unioned') }}

),

resources as (

    select * from {{ ref('stg_securityhub__finding_resources') }}

),

-- The member that speaks for the alert: highest severity, then the most
-- recently updated. Its first resource is the alert's primary resource.
chosen_members as (

    select distinct on (alert_id) *

    from members
    order by
        alert_id asc,
        severity_rank desc,
        severity_score desc,
        updated_at desc,
        finding_key asc

),

-- Each status takes the value of the member ranked first (see the ranks in
-- int_alerts_unioned): one failing member keeps the alert FAILED, one
-- active member keeps it ACTIVE.
rolled_up as (

    select

        alert_id,

        count(*) as count_findings,
        (array_agg(
            workflow_status order by workflow_status_rank, workflow_status
        ))[1] as workflow_status,
        (array_agg(
            record_state order by record_state_rank, record_state
        ))[1] as record_state,
        (array_agg(
            compliance_status
            order by compliance_status_rank, compliance_status
        ))[1] as compliance_status,
        bool_and(is_closed_by_source) as is_closed_by_source,
        bool_and(is_archived) as is_all_archived,
        bool_and(is_passed) as is_all_passed,

        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        max(updated_at) as updated_at

    from members
    group by 1

),

standards_rolled_up as (

    select

        members.alert_id,
        array_agg(
            distinct listed.standard_id order by listed.standard_id
        ) filter (where listed.standard_id is not null) as standards

    from members
    left join lateral unnest(members.standards) as listed (standard_id)
        on true
    group by 1

),

types_rolled_up as (

    select

        members.alert_id,
        array_agg(
            distinct listed.finding_type order by listed.finding_type
        ) filter (where listed.finding_type is not null) as types

    from members
    left join lateral unnest(members.types) as listed (finding_type)
        on true
    group by 1

),

-- Only the resources of each member's latest version count (case B08).
resources_counted as (

    select

        members.alert_id,
        count(distinct resources.resource_key) as count_resources

    from members
    left join resources
        on members.finding_version_id = resources.finding_version_id
    group by 1

),

final as (

    select

        ----------  ids
        chosen_members.alert_id,
        chosen_members.alert_key,
        chosen_members.finding_key as chosen_finding_key,

        ----------  severity
        chosen_members.severity_label,
        chosen_members.severity_score,

        ----------  status
        rolled_up.workflow_status,
        rolled_up.record_state,
        rolled_up.compliance_status,
        rolled_up.is_closed_by_source,
        case
            when not rolled_up.is_closed_by_source then null
            when rolled_up.is_all_archived then 'archived'
            when rolled_up.is_all_passed then 'passed'
            else 'archived_or_passed'
        end as closed_reason,

        ----------  product, account, place
        chosen_members.product_name,
        chosen_members.company_name,
        chosen_members.aws_account_id,
        chosen_members.region,

        ----------  resource
        chosen_members.primary_resource_key as resource_key,
        chosen_members.primary_resource_type as resource_type,
        chosen_members.primary_resource_id as resource_id,
        resources_counted.count_resources,

        ----------  text and classification
        chosen_members.title,
        chosen_members.description,
        coalesce(types_rolled_up.types, '{}'::text[]) as types,
        chosen_members.security_control_id,
        coalesce(
            standards_rolled_up.standards, '{}'::text[]
        ) as standards,

        ----------  measures
        rolled_up.count_findings,

        ----------  timestamps (first_seen_at never after last_seen_at)
        least(rolled_up.first_seen_at, rolled_up.last_seen_at)
            as first_seen_at,
        rolled_up.last_seen_at,
        rolled_up.updated_at

    from chosen_members
    inner join rolled_up
        on chosen_members.alert_id = rolled_up.alert_id
    inner join standards_rolled_up
        on chosen_members.alert_id = standards_rolled_up.alert_id
    inner join types_rolled_up
        on chosen_members.alert_id = types_rolled_up.alert_id
    inner join resources_counted
        on chosen_members.alert_id = resources_counted.alert_id

)

select * from final

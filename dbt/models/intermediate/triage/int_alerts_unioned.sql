with

findings as (

    select * from {{ ref('int_findings_latest') }}

),

resources as (

    select * from {{ ref('stg_securityhub__finding_resources') }}

),

control_mappings as (

    select * from {{ ref('standard_control_mappings') }}

),

-- One spelling per standard control whatever the producer wrote: the CIS
-- v1.2.0 GeneratorId 'arn:aws:securityhub:::ruleset/<standard>/rule/4.1'
-- and '<standard>/4.1' are the same control.
standard_controls as (

    select

        finding_key,
        regexp_replace(
            regexp_replace(
                standard_control_key,
                '^(arn:[^:]*:securityhub:[^:]*:[^:]*:)?'
                || '(ruleset|standards|control|subscription)/',
                ''
            ),
            '/rule/',
            '/'
        ) as standard_control_key

    from findings

),

-- Consolidated findings carry Compliance.SecurityControlId; older
-- per-standard findings are mapped through the seed. An AWS Foundational
-- Security Best Practices control missing from the seed keeps its own id,
-- which is the security control id for all but a few (ELBv2.1 is ELB.1).
controls_resolved as (

    select

        findings.finding_key,
        standard_controls.standard_control_key,
        regexp_replace(
            standard_controls.standard_control_key, '/[^/]+$', ''
        ) as standard_control_standard,
        coalesce(
            findings.security_control_id,
            control_mappings.security_control_id,
            case
                when
                    standard_controls.standard_control_key
                    like 'aws-foundational-security-best-practices/v/%'
                    then regexp_replace(
                        standard_controls.standard_control_key, '^.*/', ''
                    )
            end
        ) as resolved_security_control_id

    from findings
    inner join standard_controls
        on findings.finding_key = standard_controls.finding_key
    left join control_mappings
        on
            standard_controls.standard_control_key
            = control_mappings.standard_control_key

),

-- Standards a finding belongs to: the one in its own control key plus any
-- listed in Compliance.AssociatedStandards, spelt like the seed.
standards_listed as (

    select

        findings.finding_key,
        array(
            select distinct
                regexp_replace(
                    listed.standards_id,
                    '^(arn:[^:]*:securityhub:[^:]*:[^:]*:)?'
                    || '(ruleset|standards)/',
                    ''
                ) as standard_id
            from
                unnest(
                    array_append(
                        findings.related_standards,
                        controls_resolved.standard_control_standard
                    )
                ) as listed (standards_id)
            where listed.standards_id is not null
            order by 1
        ) as standards

    from findings
    inner join controls_resolved
        on findings.finding_key = controls_resolved.finding_key

),

primary_resources as (

    select

        finding_version_id,
        resource_key as primary_resource_key,
        resource_id as primary_resource_id,
        resource_type as primary_resource_type

    from resources
    where resource_ordinal = 1

),

alert_shaped as (

    select

        ----------  ids
        findings.finding_key,
        findings.finding_version_id,
        findings.product_arn,
        findings.product_key,
        findings.finding_id,
        findings.generator_id,

        ----------  account, place and resource
        findings.aws_account_id,
        findings.region,
        primary_resources.primary_resource_key,
        primary_resources.primary_resource_id,
        primary_resources.primary_resource_type,
        findings.count_resources,

        ----------  product and text
        findings.product_name,
        findings.company_name,
        findings.title,
        findings.description,
        findings.types,

        ----------  controls and standards
        controls_resolved.resolved_security_control_id
            as security_control_id,
        controls_resolved.standard_control_key,
        coalesce(
            controls_resolved.standard_control_standard,
            case
                when cardinality(standards_listed.standards) = 1
                    then standards_listed.standards[1]
            end
        ) as standard,
        standards_listed.standards,
        controls_resolved.resolved_security_control_id is not null
            as is_control_finding,

        ----------  severity
        findings.severity_label,
        findings.severity_score,
        case findings.severity_label
            when 'CRITICAL' then 4
            when 'HIGH' then 3
            when 'MEDIUM' then 2
            when 'LOW' then 1
            else 0
        end as severity_rank,

        ----------  status, ranked for the alert roll-up (1 wins)
        findings.workflow_status,
        findings.workflow_status_group,
        case findings.workflow_status_group
            when 'NEW' then 1
            when 'NOTIFIED' then 2
            when 'RESOLVED' then 3
            when 'SUPPRESSED' then 4
            when 'other' then 5
            else 6
        end as workflow_status_rank,
        findings.record_state,
        findings.record_state_group,
        case findings.record_state_group
            when 'ACTIVE' then 1
            when 'ARCHIVED' then 2
            when 'other' then 3
            else 4
        end as record_state_rank,
        findings.compliance_status,
        findings.compliance_status_group,
        case findings.compliance_status_group
            when 'FAILED' then 1
            when 'WARNING' then 2
            when 'NOT_AVAILABLE' then 3
            when 'other' then 4
            when 'PASSED' then 5
            else 6
        end as compliance_status_rank,
        coalesce(
            findings.record_state_group = 'ARCHIVED', false
        ) as is_archived,
        coalesce(
            findings.compliance_status_group = 'PASSED', false
        ) as is_passed,

        ----------  timestamps
        findings.created_at,
        findings.updated_at,
        findings.first_seen_at,
        findings.last_seen_at

    from findings
    inner join controls_resolved
        on findings.finding_key = controls_resolved.finding_key
    inner join standards_listed
        on findings.finding_key = standards_listed.finding_key
    left join primary_resources
        on findings.finding_version_id = primary_resources.finding_version_id

),

-- Control findings from every standard that check one control on one
-- resource are one alert (case B07); anything else is its own alert.
-- Missing parts become a sentinel, so the key is never NULL (case B12).
keyed as (

    select

        case
            when is_control_finding
                then {{ key_text([
                    "'control'",
                    'aws_account_id',
                    'region',
                    'security_control_id',
                    'primary_resource_id',
                ]) }}
            else {{ key_text(["'finding'", 'product_key', 'finding_id']) }}
        end as alert_key,
        *

    from alert_shaped

),

final as (

    select

        md5(alert_key) as alert_id,
        *,
        is_archived or is_passed as is_closed_by_source

    from keyed

)

select * from final

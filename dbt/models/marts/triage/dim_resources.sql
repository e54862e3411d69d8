{{
    config(
        post_hook=[
            "create unique index on {{ this }} (resource_key)",
            "create index on {{ this }} (resource_id)",
        ]
    )
}}

with

resources as (

    select * from {{ ref('stg_securityhub__finding_resources') }}

),

alert_resources as (

    select * from {{ ref('fct_alert_resources') }}

),

snapshots as (

    select * from {{ ref('stg_resources__snapshots') }}

),

-- The newest metadata snapshot of each resource (tags, owner, exposure).
latest_snapshots as (

    select distinct on (resource_arn) *

    from snapshots
    order by resource_arn asc, taken_at desc, snapshot_id desc

),

-- Every resource ever named by a stored version, described as its newest
-- mention describes it; resources dropped from a finding stay here as
-- history with count_alerts = 0 (case B08).
latest_mentions as (

    select distinct on (resource_key)

        resource_key,
        resource_id,
        resource_type,
        aws_account_id,
        coalesce(resource_region, finding_region) as region,
        resource_partition as partition,
        resource_tags as tags

    from resources
    order by
        resource_key asc,
        updated_at desc,
        loaded_at desc,
        finding_version_id desc,
        resource_ordinal asc

),

-- Capped at loaded_at like the finding bounds in int_findings_latest.
mention_summaries as (

    select

        resource_key,

        min({{ capped_first_seen() }}) as first_seen_at,
        max({{ capped_last_seen() }}) as last_seen_at

    from resources
    group by 1

),

alert_counts as (

    select

        resource_key,

        count(distinct alert_id) as count_alerts

    from alert_resources
    group by 1

),

final as (

    select

        ----------  ids
        latest_mentions.resource_key,
        latest_mentions.resource_id,

        ----------  attributes
        latest_mentions.resource_type,
        latest_mentions.aws_account_id,
        latest_mentions.region,
        latest_mentions.partition,
        {{ resource_ref('latest_mentions.resource_id') }} as resource_ref,
        -- Tags from the finding, overlaid by the tagging and service APIs.
        coalesce(latest_mentions.tags, '{}'::jsonb)
        || coalesce(latest_snapshots.tags, '{}'::jsonb) as tags,

        ----------  context (snapshot first, else the finding's tags)
        coalesce(
            latest_snapshots.owner,
            {{ tag_value('latest_mentions.tags', var('owner_tag_keys')) }}
        ) as owner,
        latest_snapshots.team,
        lower(coalesce(
            latest_snapshots.environment,
            {{ tag_value('latest_mentions.tags', var('environment_tag_keys')) }}
        )) as environment,
        lower(coalesce(
            latest_snapshots.classification,
            {{ tag_value(
                'latest_mentions.tags', var('classification_tag_keys')
            ) }}
        )) as classification,
        coalesce(latest_snapshots.compliance_tags, '{}'::jsonb)
            as compliance_tags,
        coalesce(latest_snapshots.exposure_level, 'unknown') as exposure_level,
        coalesce(latest_snapshots.exposure, '{}'::jsonb) as exposure,
        coalesce(latest_snapshots.unknown_facts, array[]::text[])
            as unknown_facts,
        latest_snapshots.resource_created_at as created_at,
        latest_snapshots.taken_at as snapshot_taken_at,

        ----------  timestamps (first_seen_at never after last_seen_at)
        least(mention_summaries.first_seen_at, mention_summaries.last_seen_at)
            as first_seen_at,
        mention_summaries.last_seen_at,

        ----------  measures
        coalesce(alert_counts.count_alerts, 0) as count_alerts

    from latest_mentions
    inner join mention_summaries
        on latest_mentions.resource_key = mention_summaries.resource_key
    left join alert_counts
        on latest_mentions.resource_key = alert_counts.resource_key
    left join latest_snapshots
        on latest_mentions.resource_id = latest_snapshots.resource_arn

)

select * from final

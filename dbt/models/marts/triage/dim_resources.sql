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

        min(
            least(
                coalesce(first_observed_at, created_at, updated_at),
                loaded_at
            )
        ) as first_seen_at,
        max(
            least(coalesce(last_observed_at, updated_at), loaded_at)
        ) as last_seen_at

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
        latest_mentions.tags,

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

)

select * from final

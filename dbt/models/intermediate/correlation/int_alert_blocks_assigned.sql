{{
    config(
        materialized='table',
        post_hook=[
            "create index on {{ this }} (block_id, block_rank)",
        ],
    )
}}

-- One row per alert and blocking key. Each block is ranked by time, so the
-- pair model can link neighbours and a representative instead of all n^2
-- pairs, and cut into time-ordered chunks of at most `max_block_size`.
-- The `entity` block links alerts of one account that share an actor: one
-- named in the text (IP, access key, principal ARN), or the CloudTrail actor
-- of the last change to the resource before the alert (`actor:<name>`).

with

features as (

    select * from {{ ref('int_alert_features_extracted') }}

),

resource_blocks as (

    select

        alert_id,
        'resource' as block_kind,
        resource_key as block_key,
        first_seen_at

    from features
    where resource_key is not null

),

-- Same control (or, for other findings, the same first finding type) on
-- any resource of one account. CVE findings block on the CVE instead.
pattern_blocks as (

    select

        alert_id,
        'pattern' as block_kind,
        aws_account_id
        || '|'
        || coalesce(security_control_id, types[1]) as block_key,
        first_seen_at

    from features
    where
        coalesce(security_control_id, types[1]) is not null
        and cardinality(cve_ids) = 0

),

-- Same CVE on any resource, across accounts too: the score and the rules
-- decide whether such a pair may group.
cve_blocks as (

    select

        features.alert_id,
        'cve' as block_kind,
        listed.cve_id as block_key,
        features.first_seen_at

    from features
    cross join lateral unnest(features.cve_ids) as listed (cve_id)

),

entity_blocks as (

    select

        features.alert_id,
        'entity' as block_kind,
        features.aws_account_id || '|' || listed.entity as block_key,
        features.first_seen_at

    from features
    cross join lateral unnest(features.entities) as listed (entity)

),

-- Detections in one account within the same time window.
window_blocks as (

    select

        alert_id,
        'account_window' as block_kind,
        aws_account_id
        || '|'
        || floor(
            extract(epoch from first_seen_at)
            / ({{ var('correlation_window_hours', 24) }} * 3600)
        )::bigint::text as block_key,
        first_seen_at

    from features
    where is_event and first_seen_at is not null

),

unioned as (

    select * from resource_blocks
    union all
    select * from pattern_blocks
    union all
    select * from cve_blocks
    union all
    select * from entity_blocks
    union all
    select * from window_blocks

),

ranked as (

    select

        alert_id,
        block_kind,
        block_key,
        md5(block_kind || '|' || block_key) as block_id,
        row_number() over (
            partition by block_kind, block_key
            order by first_seen_at asc nulls last, alert_id asc
        ) as block_rank,
        count(*) over (partition by block_kind, block_key) as block_size

    from unioned

),

final as (

    select

        alert_id,
        block_id,
        block_kind,
        block_key,
        block_rank,
        block_size,
        -- Oversized blocks are cut by time into chunks; each chunk has its
        -- own representative (its earliest alert).
        (block_rank - 1) / {{ var('correlation_max_block_size', 200) }}
            as block_chunk

    from ranked
    where block_size > 1

)

select * from final

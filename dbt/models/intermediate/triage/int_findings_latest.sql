with

findings as (

    select * from {{ ref('stg_securityhub__findings') }}

),

keyed as (

    select

        {{ surrogate_key(['product_key', 'finding_id']) }} as finding_key,
        *

    from findings

),

-- The key is (product_key, finding_id): product_key has the region emptied,
-- so the copy served by the aggregation region and the regional copy are one
-- finding (case B06). Ties on updated_at (a console edit keeps UpdatedAt)
-- go to the version loaded last.
latest_versions as (

    select distinct on (finding_key) *

    from keyed
    order by
        finding_key asc,
        updated_at desc,
        loaded_at desc,
        finding_version_id desc

),

-- Seen-at bounds span every stored version, not only the latest one. No
-- version is seen after we stored it: some producers send LastObservedAt in
-- the future (year 2200 in public samples), so the bounds stop at loaded_at.
version_summaries as (

    select

        finding_key,

        count(*) as count_versions,
        min({{ capped_first_seen() }}) as first_seen_at,
        max({{ capped_last_seen() }}) as last_seen_at

    from keyed
    group by 1

),

final as (

    select

        latest_versions.*,
        version_summaries.count_versions,
        version_summaries.first_seen_at,
        version_summaries.last_seen_at

    from latest_versions
    inner join version_summaries
        on latest_versions.finding_key = version_summaries.finding_key

)

select * from final

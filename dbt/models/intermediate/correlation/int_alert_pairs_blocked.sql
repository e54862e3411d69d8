{{
    config(
        materialized='table',
    )
}}

-- Candidate pairs, one row per unordered pair (alert_id_a < alert_id_b)
-- with every block that proposed it. Within a block each alert is paired
-- with its next `correlation_neighbours` alerts in time and with its chunk's
-- representative: about (neighbours + 1) pairs per alert, not n^2, and the
-- chains keep every block connected for the connected components.

with

blocks as (

    select * from {{ ref('int_alert_blocks_assigned') }}

),

offsets as (

    select generate_series(
        1, {{ var('correlation_neighbours', 2) }}
    ) as rank_offset

),

neighbour_pairs as (

    select

        blocks.alert_id as alert_id_from,
        neighbours.alert_id as alert_id_to,
        blocks.block_kind

    from blocks
    cross join offsets
    inner join blocks as neighbours
        on
            blocks.block_id = neighbours.block_id
            and blocks.block_rank + offsets.rank_offset = neighbours.block_rank

),

chunk_firsts as (

    select

        block_id,
        block_chunk,
        alert_id

    from blocks
    where
        block_rank
        = block_chunk * {{ var('correlation_max_block_size', 200) }} + 1

),

representative_pairs as (

    select

        blocks.alert_id as alert_id_from,
        chunk_firsts.alert_id as alert_id_to,
        blocks.block_kind

    from blocks
    inner join chunk_firsts
        on
            blocks.block_id = chunk_firsts.block_id
            and blocks.block_chunk = chunk_firsts.block_chunk
    where blocks.alert_id != chunk_firsts.alert_id

),

unioned as (

    select * from neighbour_pairs
    union all
    select * from representative_pairs

),

final as (

    select

        least(alert_id_from, alert_id_to) as alert_id_a,
        greatest(alert_id_from, alert_id_to) as alert_id_b,
        array_agg(distinct block_kind order by block_kind) as blocks

    from unioned
    where alert_id_from != alert_id_to
    group by 1, 2

)

select * from final

-- Every candidate pair appears once, ordered (alert_id_a < alert_id_b).
with

pairs as (

    select * from {{ ref('int_alert_pairs_blocked') }}

),

final as (

    select

        alert_id_a,
        alert_id_b,
        count(*) as count_rows

    from pairs
    group by 1, 2
    having count(*) > 1 or alert_id_a >= alert_id_b

)

select * from final

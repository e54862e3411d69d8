with

source as (

    select * from {{ source('correlation', 'alert_group_members') }}

),

renamed as (

    select

        alert_id,
        alert_group_id,
        is_parent,
        linked_alert_id,
        score,
        score_parts,
        blocks,
        reasons,
        correlation_run_id

    from source

)

select * from renamed

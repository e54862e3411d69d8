with

source as (

    select * from {{ source('correlation', 'alert_groups') }}

),

renamed as (

    select

        alert_group_id,
        parent_alert_id,
        title,
        count_members,
        correlation_run_id,
        first_grouped_at,
        updated_at

    from source

)

select * from renamed

with

source as (

    select * from {{ source('app', 'alert_events') }}
    where kind in ('status_changed', 'reopened')

),

final as (

    select

        ----------  ids
        event_id as triage_decision_id,
        alert_id,

        ----------  attributes
        kind as decision_kind,
        details ->> 'from' as from_status,
        details ->> 'to' as to_status,
        details ->> 'reason' as reason,
        actor as decided_by,
        (kind = 'reopened') as is_reopening,

        ----------  timestamps
        at as decided_at

    from source

)

select * from final

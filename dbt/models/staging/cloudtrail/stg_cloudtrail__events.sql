with

source as (

    select * from {{ source('cloudtrail', 'events') }}

),

renamed as (

    select

        ----------  ids
        cloudtrail_event_row_id,
        {{ surrogate_key(['event_key', 'content_hash']) }}
            as cloudtrail_event_key,
        event_id,
        aws_account_id,
        region,

        ----------  who
        record -> 'userIdentity' ->> 'type' as actor_type,
        coalesce(
            record -> 'userIdentity' ->> 'userName',
            record -> 'userIdentity' ->> 'arn',
            record
            -> 'userIdentity'
            -> 'sessionContext'
            -> 'sessionIssuer'
            ->> 'userName',
            record -> 'userIdentity' ->> 'invokedBy',
            record -> 'userIdentity' ->> 'principalId'
        ) as actor,
        record -> 'userIdentity' ->> 'arn' as actor_arn,
        record ->> 'sourceIPAddress' as source_ip,
        record ->> 'userAgent' as user_agent,

        ----------  what
        event_name as action,
        event_source,
        record ->> 'eventType' as event_type,
        record ->> 'errorCode' as error_code,
        record ->> 'errorMessage' as error_message,
        coalesce(lower(record ->> 'readOnly') = 'true', false) as is_read_only,
        {{ jsonb_object("record -> 'requestParameters'") }}
            as request_parameters,
        {{ jsonb_array("record -> 'resources'") }} as resources,

        ----------  timestamps
        event_time as event_at,

        ----------  metadata
        source,
        loaded_at

    from source

)

select * from renamed

{#-
    resource_ref: the short name of a resource from its ARN or id: the part
    after the last ':' or '/', lower-cased (bucket name, security-group id,
    IAM user name, instance id). Config items, CloudTrail request parameters
    and finding ARNs all reduce to it, so they can be joined.
    jsonb_object: the expression when it is a JSON object, else '{}'.
    tag_value: the value of the first tag whose key (any case) is in `keys`,
    preferring earlier keys.
-#}
{% macro resource_ref(expression) -%}
    lower(regexp_replace({{ expression }}, '^.*[:/]', ''))
{%- endmacro %}

{% macro jsonb_object(expression) -%}
    (
        case
            when jsonb_typeof({{ expression }}) = 'object'
                then {{ expression }}
            else '{}'::jsonb
        end
    )
{%- endmacro %}

{% macro tag_value(tags, keys) -%}
    (
        select tag.value
        from jsonb_each_text({{ jsonb_object(tags) }}) as tag (key, value)
        where
            lower(tag.key) in (
                {%- for key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            )
            and tag.value <> ''
        order by array_position(
            array[
                {%- for key in keys %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            ],
            lower(tag.key)
        )
        limit 1
    )
{%- endmacro %}

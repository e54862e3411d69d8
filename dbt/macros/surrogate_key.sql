{#-
    key_text: the given expressions cast to text, NULL replaced by a sentinel,
    joined with '|', so a key built from nullable parts is never NULL and two
    NULL parts compare equal (case B12).
    surrogate_key: md5 of key_text, for fixed-width ids that survive rebuilds.
-#}
{% macro key_text(expressions) -%}
    (
        {%- for expression in expressions %}
        coalesce(cast({{ expression }} as text), '{{ var("key_null_sentinel") }}')
        {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{% macro surrogate_key(expressions) -%}
    md5({{ key_text(expressions) }})
{%- endmacro %}

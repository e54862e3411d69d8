{#-
    jsonb_array: the expression when it is a JSON array, else an empty array,
    so a missing key or a JSON null never makes the jsonb array functions
    raise (case B10: optional blocks are absent on some products).
    jsonb_text_array: the same array as text[].
-#}
{% macro jsonb_array(expression) -%}
    (
        case
            when jsonb_typeof({{ expression }}) = 'array'
                then {{ expression }}
            else '[]'::jsonb
        end
    )
{%- endmacro %}

{% macro jsonb_text_array(expression) -%}
    array(select jsonb_array_elements_text({{ jsonb_array(expression) }}))
{%- endmacro %}

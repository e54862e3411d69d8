{#-
    dbt-postgres reports array columns as the bare type name ARRAY, so unit
    test fixtures render `cast(null as ARRAY)`, which PostgreSQL rejects.
    Same lookup as the adapter's own macro, but an array column is reported
    by its element type (udt_name '_text' becomes 'text[]').
    NOTE: remove once https://github.com/dbt-labs/dbt-adapters/issues/939
    is fixed upstream.
-#}
{% macro postgres__get_columns_in_relation(relation) -%}
    {% call statement('get_columns_in_relation', fetch_result=True) %}
        select
            column_name,
            case
                when data_type = 'ARRAY'
                    then substring(udt_name from 2) || '[]'
                else data_type
            end as data_type,
            character_maximum_length,
            numeric_precision,
            numeric_scale
        from {{ relation.information_schema('columns') }}
        where
            table_name = '{{ relation.identifier }}'
            {% if relation.schema %}
                and table_schema = '{{ relation.schema }}'
            {% endif %}
        order by ordinal_position
    {% endcall %}
    {% set table = load_result('get_columns_in_relation').table %}
    {{ return(sql_convert_columns_in_relation(table)) }}
{%- endmacro %}

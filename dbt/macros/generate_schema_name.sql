{#-
    Build into the schema named in the folder config (staging, intermediate,
    marts) exactly, instead of dbt's default "<target schema>_<custom>", so
    the API and dashboards can rely on fixed names such as marts.fct_alerts.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

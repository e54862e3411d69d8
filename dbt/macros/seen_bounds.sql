{#
    When a finding version says it was first and last observed, capped at the
    time we stored it: some producers send LastObservedAt in the future (year
    2200 in public samples). Aggregate with min() and max() over versions.
#}
{% macro capped_first_seen() -%}
    least(coalesce(first_observed_at, created_at, updated_at), loaded_at)
{%- endmacro %}

{% macro capped_last_seen() -%}
    least(coalesce(last_observed_at, updated_at), loaded_at)
{%- endmacro %}

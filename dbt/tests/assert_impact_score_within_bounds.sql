-- The impact score is the sum of its four parts and stays within 0-100.
select
    alert_id,
    impact_score
from {{ ref('fct_alerts') }}
where
    impact_score < 0
    or impact_score > 100
    or impact_score
    <> coalesce(impact_severity_points, 0)
    + coalesce(impact_sensitivity_points, 0)
    + coalesce(impact_exposure_points, 0)
    + coalesce(impact_environment_points, 0)

"""Asset checks on what triage relies on in the raw layer."""

import dagster as dg
import sqlalchemy as sa

from pipelines.resources.warehouse import WarehouseResource

SEVERITY_LABELS = ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")


@dg.asset_check(asset=dg.AssetKey(["securityhub", "findings"]), blocking=True)
def findings_severity_in_expected_set(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored finding version has one of the five normalised severity labels."""
    with warehouse.get_engine().connect() as conn:
        rows = conn.execute(
            sa.text(
                "select normalized->>'severity_label' as label, count(*) "
                "from raw.securityhub_findings "
                "where coalesce(normalized->>'severity_label', '') "
                "not in ('INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL') group by 1"
            )
        ).all()
    unexpected = {str(label): int(count) for label, count in rows}
    return dg.AssetCheckResult(
        passed=not unexpected, metadata={"unexpected_labels": dg.MetadataValue.json(unexpected)}
    )


@dg.asset_check(asset=dg.AssetKey(["securityhub", "findings"]))
def findings_keys_present(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No stored version lacks its key: product ARN, finding id and a UTC UpdatedAt."""
    with warehouse.get_engine().connect() as conn:
        missing = conn.execute(
            sa.text(
                "select count(*) from raw.securityhub_findings "
                "where product_arn = '' or finding_id = '' or updated_at is null"
            )
        ).scalar_one()
        quarantined = conn.execute(sa.text("select count(*) from raw.quarantine")).scalar_one()
    return dg.AssetCheckResult(
        passed=missing == 0,
        metadata={"versions_without_key": int(missing), "quarantined_records": int(quarantined)},
    )

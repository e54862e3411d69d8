# %% [markdown]
# # The alert queue from the Parquet exports
#
# Explores the marts offline with DuckDB and polars. Make the export first:
#
# ```bash
# .venv/bin/triage export exports/
# TRIAGE_EXPORT_DIR=exports .venv/bin/python notebooks/alert_queue_overview.py
# ```
#
# The file is in the "percent" notebook format: each `# %%` starts a cell, so Jupyter (with
# jupytext), VS Code and plain Python all run it.

# %%
import os
from pathlib import Path

import duckdb
import polars as pl

EXPORTS = Path(os.environ.get("TRIAGE_EXPORT_DIR", "exports"))
alerts_file = str(EXPORTS / "fct_alerts.parquet")
findings_file = str(EXPORTS / "fct_alert_findings.parquet")

# %% [markdown]
# ## Open alerts by severity, with how many raw findings each collapses

# %%
by_severity = duckdb.sql(
    f"""
    select severity_label, count(*) as alerts, sum(count_findings) as findings
    from read_parquet('{alerts_file}')
    where not is_closed_by_source
    group by 1
    order by min(severity_score) desc
    """
).pl()
print(by_severity)

# %% [markdown]
# ## Which products and accounts produce the queue

# %%
alerts = pl.read_parquet(alerts_file)
by_product = (
    alerts.group_by("product_name", "aws_account_id")
    .agg(pl.len().alias("alerts"), pl.col("count_findings").sum().alias("findings"))
    .sort("alerts", descending=True)
)
print(by_product.head(15))

# %% [markdown]
# ## Deduplication: findings per alert

# %%
findings = pl.read_parquet(findings_file)
print(f"{findings.height} findings in {alerts.height} alerts")
print(
    findings.group_by("alert_id")
    .len()
    .filter(pl.col("len") > 1)
    .join(alerts.select("alert_id", "title"), on="alert_id")
    .sort("len", descending=True)
    .head(10)
)

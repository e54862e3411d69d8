"""Correlation: score candidate alert pairs, group them, honour rules and manual edits.

Pure domain code: it knows nothing of Dagster, FastAPI or Panel. `alerts` holds the alert
table the scorer needs, `scoring` the explainable similarity score, `grouping` the
constrained connected components, `rules` and `edits` the analysts' inputs, `stable_ids`
the id carry-over between runs, and `store`/`run` the database side.
"""

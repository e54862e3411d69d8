"""The two correlation steps against the database, used by Dagster, the CLI and tests."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.engine import Engine

from triage.correlation import store
from triage.correlation.edits import replay
from triage.correlation.run import correlate, score_pairs
from triage.correlation.scoring import ScoreParams
from triage.correlation.stable_ids import assign_ids
from triage.errors import SettingsError
from triage.settings import Settings

logger = logging.getLogger(__name__)


def score_params(settings: Settings) -> ScoreParams:
    """The score's weights and time scale from the settings."""
    return ScoreParams(
        text=settings.correlation_weight_text,
        resource=settings.correlation_weight_resource,
        time=settings.correlation_weight_time,
        account=settings.correlation_weight_account,
        pattern=settings.correlation_weight_pattern,
        entity=settings.correlation_weight_entity,
        time_scale_hours=settings.correlation_time_scale_hours,
    )


def _check(settings: Settings) -> None:
    if settings.correlation_store_min_score > settings.correlation_threshold:
        raise SettingsError(
            "TRIAGE_CORRELATION_STORE_MIN_SCORE must not exceed TRIAGE_CORRELATION_THRESHOLD "
            f"(got {settings.correlation_store_min_score} > {settings.correlation_threshold}): "
            "pairs above the threshold would not be stored"
        )


def build_pairs(engine: Engine, settings: Settings) -> dict[str, Any]:
    """Score the dbt candidate pairs and replace `correlation.alert_pairs`; return counts."""
    _check(settings)
    params = score_params(settings)
    started = time.perf_counter()
    with store.driver(engine) as conn:
        run_id = store.start_run(conn, "alert_pairs", params.__dict__)
        alerts = store.load_alerts(conn)
        a, b, blocks = store.load_candidates(conn, alerts)
        pairs = score_pairs(alerts, a, b, blocks, params)
        stored = store.write_pairs(
            conn, run_id, alerts, pairs, settings.correlation_store_min_score
        )
        stats = {
            "alerts": len(alerts),
            "candidate_pairs": len(a),
            "stored_pairs": stored,
            "pairs_at_or_above_threshold": int(
                (pairs.score >= settings.correlation_threshold).sum()
            ),
            "seconds": round(time.perf_counter() - started, 3),
        }
        store.finish_run(conn, run_id, stats)
    logger.info("correlation pairs scored: %s", stats)
    return stats


def build_groups(engine: Engine, settings: Settings) -> dict[str, Any]:
    """Group the stored pairs under the rules and manual edits; replace the stored groups."""
    _check(settings)
    started = time.perf_counter()
    with store.driver(engine) as conn:
        run_id = store.start_run(
            conn, "alert_groups", {"threshold": settings.correlation_threshold}
        )
        alerts = store.load_alerts(conn)
        pairs = store.load_scored_pairs(conn, alerts, settings.correlation_threshold)
        rules = store.load_rules(conn)
        constraints = replay(store.load_edits(conn))
        result = correlate(
            alerts,
            pairs,
            threshold=settings.correlation_threshold,
            rules=rules,
            constraints=constraints,
            allow_cross_account=settings.correlation_allow_cross_account,
            max_loose_size=settings.correlation_max_loose_group_size,
        )
        previous, first_grouped = store.load_previous(conn)
        ids = assign_ids(
            [[alerts.alert_ids[i] for i in g.members] for g in result.groups], previous
        )
        store.write_groups(conn, run_id, alerts, result, ids, first_grouped)
        grouped = sum(len(g.members) for g in result.groups)
        stats = {
            "alerts": len(alerts),
            "groups": len(result.groups),
            "grouped_alerts": grouped,
            "ungrouped_alerts": len(alerts) - grouped,
            "ids_kept": sum(1 for _id, kept in ids if kept),
            "rules": len(rules),
            "seconds": round(time.perf_counter() - started, 3),
        }
        store.finish_run(conn, run_id, stats)
    logger.info("correlation groups built: %s", stats)
    return stats

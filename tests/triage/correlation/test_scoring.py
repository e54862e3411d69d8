"""The similarity score: each feature, and parts that add up to the score."""

from __future__ import annotations

import numpy as np
import pytest

from tests.triage.correlation.conftest import make_alerts
from triage.correlation.scoring import FEATURES, ScoreParams, combine, pair_features


def _features(rows, pairs, hours=24.0):
    alerts = make_alerts(rows)
    a = np.array([alerts.position[x] for x, _ in pairs])
    b = np.array([alerts.position[y] for _, y in pairs])
    out = pair_features(alerts, a, b, time_scale_hours=hours)
    return [dict(zip(FEATURES, row.tolist(), strict=True)) for row in out]


def test_each_feature_reads_its_own_signal():
    rows = [
        {
            "id": "a",
            "title": "CVE-2024-3094 - xz-utils",
            "resource": "i-1",
            "cves": ["CVE-2024-3094"],
            "entities": ["203.0.113.9"],
            "type": "T1",
        },
        {
            "id": "b",
            "title": "CVE-2024-3094 - xz-utils",
            "resource": "i-2",
            "cves": ["CVE-2024-3094"],
            "entities": ["203.0.113.9", "198.51.100.7"],
            "hours": 24.0,
            "type": "T1",
        },
        {
            "id": "c",
            "title": "Root credentials were used",
            "resource": "i-1",
            "account": "444455556666",
            "control": "IAM.6",
            "hours": 1.0,
            "type": "T1",
        },
        {
            "id": "d",
            "title": "Something else entirely",
            "resource": "i-9",
            "control": "IAM.6",
            "hours": 1.0,
            "account": "444455556666",
            "type": "T2",
        },
    ]
    ab, ac, cd = _features(rows, [("a", "b"), ("a", "c"), ("c", "d")])
    assert ab["text"] == pytest.approx(1.0, abs=1e-5)
    assert ab["resource"] == 0.0 and ac["resource"] == 1.0
    assert ab["time"] == pytest.approx(np.exp(-1.0), rel=1e-5)
    assert ab["account"] == 1.0 and ac["account"] == 0.0
    assert ab["pattern"] == 1.0  # the same CVE
    assert cd["pattern"] == 1.0  # the same control
    assert ac["pattern"] == 0.5  # only the same first finding type
    assert ab["entity"] == pytest.approx(1.0)  # a's only actor is one of b's two
    assert ac["text"] < 0.2 and ac["entity"] == 0.0


def test_parts_sum_to_the_score_which_stays_in_unit_interval():
    rng = np.random.default_rng(3)
    features = rng.random((200, len(FEATURES))).astype(np.float32)
    params = ScoreParams(text=2, resource=0, time=1, account=0.5, pattern=3, entity=1)
    score, parts = combine(features, params)
    assert np.allclose(parts.sum(axis=1), score, atol=1e-6)
    assert score.min() >= 0 and score.max() <= 1
    ones, _ = combine(np.ones((1, len(FEATURES)), dtype=np.float32), params)
    assert ones[0] == pytest.approx(1.0)
    assert parts[:, FEATURES.index("resource")].max() == 0


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError, match="weight"):
        ScoreParams(text=0, resource=0, time=0, account=0, pattern=0, entity=0).weights()


def test_unknown_times_give_no_time_similarity():
    alerts = make_alerts([{"id": "a"}, {"id": "b"}])
    alerts.first_seen_epoch[1] = np.nan
    out = pair_features(alerts, np.array([0]), np.array([1]), time_scale_hours=24)
    assert out[0, FEATURES.index("time")] == 0.0

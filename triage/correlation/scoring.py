"""The explainable similarity score of a candidate pair: weighted parts that sum to it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.correlation.alerts import AlertTable

FEATURES = ("text", "resource", "time", "account", "pattern", "entity")
_CHUNK = 250_000


@dataclass(frozen=True)
class ScoreParams:
    """Weights of the score's parts and the time scale of the time feature."""

    text: float = 1.0
    resource: float = 1.0
    time: float = 1.0
    account: float = 1.0
    pattern: float = 1.0
    entity: float = 2.0
    time_scale_hours: float = 24.0

    def weights(self) -> np.ndarray:
        """The weights in FEATURES order.

        Raises:
            ValueError: every weight is zero, so no score can be formed.
        """
        weights = np.array([getattr(self, name) for name in FEATURES], dtype=float)
        if weights.sum() <= 0:
            raise ValueError("at least one correlation weight must be above zero")
        return weights


def text_vectors(alerts: AlertTable) -> sp.csr_matrix:
    """L2-normalised TF-IDF vectors of each alert's title and description."""
    if len(alerts) == 0:
        return sp.csr_matrix((0, 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(
        lowercase=True,
        token_pattern=r"(?u)\b[\w][\w.:/-]*[\w]\b",
        sublinear_tf=True,
        dtype=np.float32,
        max_features=500_000,
    )
    try:
        return vectorizer.fit_transform(alerts.texts()).tocsr()
    except ValueError:  # every text empty: no vocabulary
        return sp.csr_matrix((len(alerts), 1), dtype=np.float32)


def _row_dots(matrix: sp.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(len(a), dtype=np.float32)
    for start in range(0, len(a), _CHUNK):
        stop = start + _CHUNK
        left = matrix[a[start:stop]]
        right = matrix[b[start:stop]]
        out[start:stop] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return out


def _equal(codes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ((codes[a] == codes[b]) & (codes[a] >= 0)).astype(np.float32)


def pair_features(
    alerts: AlertTable,
    a: np.ndarray,
    b: np.ndarray,
    *,
    time_scale_hours: float,
    vectors: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Each feature of each pair in [0, 1], shape (pairs, len(FEATURES)).

    text: cosine of the TF-IDF vectors; resource: same primary resource; time:
    exp(-|gap| / scale) of the first-seen times; account: same account; pattern: same
    control or CVE (1) or the same first finding type (0.5); entity: the share of the
    actors (IPs, access keys, principals) of the alert naming fewer that the other names too.
    """
    vectors = text_vectors(alerts) if vectors is None else vectors
    out = np.zeros((len(a), len(FEATURES)), dtype=np.float32)
    if len(a) == 0:
        return out
    out[:, 0] = np.clip(_row_dots(vectors, a, b), 0.0, 1.0)
    out[:, 1] = _equal(alerts.resource_codes, a, b)
    gap = np.abs(alerts.first_seen_epoch[a] - alerts.first_seen_epoch[b])
    out[:, 2] = np.nan_to_num(np.exp(-gap / (time_scale_hours * 3600.0)), nan=0.0)
    out[:, 3] = _equal(alerts.account_codes, a, b)
    same_cve = _row_dots(alerts.cves, a, b) > 0
    out[:, 4] = np.maximum(
        np.maximum(_equal(alerts.control_codes, a, b), same_cve.astype(np.float32)),
        0.5 * _equal(alerts.type_codes, a, b),
    )
    # Overlap coefficient: one shared actor (an IP, a key, a principal) is strong evidence
    # even when one alert names more actors than the other.
    shared = _row_dots(alerts.entities, a, b)
    sizes = np.asarray(alerts.entities.sum(axis=1)).ravel()
    smaller = np.minimum(sizes[a], sizes[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 5] = np.where(smaller > 0, shared / smaller, 0.0)
    return out


# TODO: account and time are context, not evidence, yet together they carry 2/7 of the
# default score, so a burst of scan results in one account can chain through a little
# shared wording. Groups above TRIAGE_CORRELATION_MAX_LOOSE_GROUP are cut along their
# same-resource and same-CVE links (grouping.py), which undid the 451-alert Prowler group of
# the shared corpus; smaller bursts still chain. Requiring a specific part (resource,
# pattern or entity) on every link needs a new sweep over the labelled estate.
def combine(features: np.ndarray, params: ScoreParams) -> tuple[np.ndarray, np.ndarray]:
    """Return (score, parts): parts are each feature's weighted share; they sum to score."""
    weights = params.weights()
    parts = features * (weights / weights.sum()).astype(np.float32)
    return parts.sum(axis=1), parts


def explain(parts_row: np.ndarray) -> dict[str, float]:
    """The parts of one pair's score as a name -> contribution mapping, rounded."""
    return {name: round(float(value), 4) for name, value in zip(FEATURES, parts_row, strict=True)}

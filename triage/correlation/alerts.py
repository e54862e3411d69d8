"""The alert attributes correlation works on, held column-wise in numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp

# Fields a grouping rule may name, and the alert attribute each reads.
RULE_FIELDS = (
    "security_control_id",
    "finding_type",
    "cve_id",
    "resource_id",
    "product_name",
    "region",
    "title",
)


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """Integer codes per distinct value; None becomes -1 (never equal to anything)."""
    index: dict[str, int] = {}
    out = np.full(len(values), -1, dtype=np.int64)
    for i, value in enumerate(values):
        if value is not None and value != "":
            out[i] = index.setdefault(value, len(index))
    return out


def _incidence(sets: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """A binary alerts x values matrix from each alert's list of values."""
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, values in enumerate(sets):
        for value in set(values or ()):
            rows.append(i)
            cols.append(index.setdefault(value, len(index)))
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(index), 1)))


@dataclass
class AlertTable:
    """Column-wise alerts: ids, codes for equality features, sets as sparse incidence."""

    alert_ids: list[str]
    aws_account_ids: list[str | None]
    regions: list[str | None]
    resource_ids: list[str | None]
    resource_keys: list[str | None]
    security_control_ids: list[str | None]
    product_names: list[str | None]
    first_types: list[str | None]
    cve_lists: list[list[str]]
    entity_lists: list[list[str]]
    titles: list[str]
    descriptions: list[str]
    severity_scores: np.ndarray
    first_seen_epoch: np.ndarray
    position: dict[str, int] = field(init=False)
    account_codes: np.ndarray = field(init=False)
    resource_codes: np.ndarray = field(init=False)
    control_codes: np.ndarray = field(init=False)
    type_codes: np.ndarray = field(init=False)
    cves: sp.csr_matrix = field(init=False)
    entities: sp.csr_matrix = field(init=False)

    def __post_init__(self) -> None:
        """Derive the codes and incidence matrices once."""
        self.position = {alert_id: i for i, alert_id in enumerate(self.alert_ids)}
        self.account_codes = _codes(self.aws_account_ids)
        self.resource_codes = _codes(self.resource_keys)
        self.control_codes = _codes(self.security_control_ids)
        self.type_codes = _codes(self.first_types)
        self.cves = _incidence(self.cve_lists)
        self.entities = _incidence(self.entity_lists)

    def __len__(self) -> int:
        """The number of alerts."""
        return len(self.alert_ids)

    def texts(self) -> list[str]:
        """Title and description of each alert, the input of the text similarity."""
        return [f"{t} {d}" for t, d in zip(self.titles, self.descriptions, strict=True)]

    def field_values(self, name: str) -> list[list[str]]:
        """The values of a rule field for each alert (a list: an alert may name several CVEs).

        Raises:
            ValueError: `name` is not one of RULE_FIELDS.
        """
        single = {
            "security_control_id": self.security_control_ids,
            "finding_type": self.first_types,
            "resource_id": self.resource_ids,
            "product_name": self.product_names,
            "region": self.regions,
            "title": self.titles,
        }
        if name == "cve_id":
            return [list(values) for values in self.cve_lists]
        if name not in single:
            raise ValueError(f"unknown rule field {name!r}; expected one of {RULE_FIELDS}")
        return [[value] if value else [] for value in single[name]]


def epoch_seconds(values: Sequence[datetime | None]) -> np.ndarray:
    """Seconds since the epoch, NaN where the time is unknown."""
    return np.array([v.timestamp() if v is not None else np.nan for v in values], dtype=float)

"""Groups: connected components of the linking edges, under accounts and cannot-link limits.

Edges come from scored pairs above the threshold, from `group_by_field` rules and from
manual merges. The fast path is `scipy.sparse.csgraph.connected_components`; only a
component that breaks a limit (spans accounts, or joins the two sides of a split or of a
`never_together` rule) is rebuilt greedily, strongest edge first, skipping any edge whose
union would break a limit.

A component larger than `max_loose_size` is then cut along its anchored edges only: pairs
on the same resource or the same CVE, rules and manual merges. Without this, a scan that
reports many checks on many resources joins into one component through alternating "same
resource" and "same check" links (a grid), though each resource is its own problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


class EdgeKind(IntEnum):
    """Where an edge comes from; a higher kind wins over a lower one."""

    SCORED = 0
    RULE = 1
    MANUAL = 2


@dataclass
class Edges:
    """Linking edges between alert positions, with what made each one."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    kind: np.ndarray
    ref: np.ndarray
    allow_cross_account: np.ndarray
    anchored: np.ndarray

    @classmethod
    def concat(cls, parts: list[Edges]) -> Edges:
        """Join several edge sets into one."""
        return cls(
            *(
                np.concatenate([getattr(part, name) for part in parts])
                for name in ("a", "b", "score", "kind", "ref", "allow_cross_account", "anchored")
            )
        )

    @classmethod
    def build(
        cls,
        a: np.ndarray,
        b: np.ndarray,
        score: np.ndarray,
        kind: EdgeKind,
        ref: np.ndarray,
        allow_cross_account: np.ndarray | bool = False,
        anchored: np.ndarray | bool = True,
    ) -> Edges:
        """Edges of one kind; `allow_cross_account` and `anchored` may be one flag for all."""
        n = len(a)
        allow = np.broadcast_to(np.asarray(allow_cross_account, dtype=bool), (n,)).copy()
        anchor = np.broadcast_to(np.asarray(anchored, dtype=bool), (n,)).copy()
        return cls(
            a=np.asarray(a, dtype=np.int64),
            b=np.asarray(b, dtype=np.int64),
            score=np.asarray(score, dtype=np.float32),
            kind=np.full(n, int(kind), dtype=np.int8),
            ref=np.asarray(ref, dtype=np.int64),
            allow_cross_account=allow,
            anchored=anchor,
        )


@dataclass
class Separation:
    """Alerts on side one may never share a group with alerts on side two."""

    label: str
    side: np.ndarray  # per alert: 0 neither, 1 first side, 2 second side


@dataclass
class GroupingResult:
    """Component label per alert, and per alert the edge that best explains its place."""

    labels: np.ndarray
    link_edge: np.ndarray  # index into the edges, -1 when the alert is alone
    edges: Edges


def _violates(edges: Edges, accounts: np.ndarray, seps: list[Separation], apart: bool):
    bad = np.zeros(len(edges.a), dtype=bool)
    if apart:
        bad |= (accounts[edges.a] != accounts[edges.b]) & ~edges.allow_cross_account
    for sep in seps:
        bad |= (sep.side[edges.a] | sep.side[edges.b]) == 3
    return bad


def _broken_components(
    labels: np.ndarray, accounts: np.ndarray, seps: list[Separation], apart: bool
) -> set[int]:
    broken: set[int] = set()
    if apart:
        pairs = np.unique(np.stack([labels, accounts]), axis=1)
        comps, counts = np.unique(pairs[0], return_counts=True)
        broken |= set(comps[counts > 1].tolist())
    for sep in seps:
        first = set(np.unique(labels[sep.side == 1]).tolist())
        second = set(np.unique(labels[sep.side == 2]).tolist())
        broken |= first & second
    return broken


def _greedy(
    nodes: np.ndarray,
    edge_index: np.ndarray,
    edges: Edges,
    accounts: np.ndarray,
    seps: list[Separation],
    apart: bool,
) -> dict[int, int]:
    """Union strongest edges first, skipping unions that break a limit; node -> root."""
    parent = {int(n): int(n) for n in nodes}
    accts = {int(n): {int(accounts[n])} for n in nodes}
    sides = {int(n): {i: int(s.side[n]) for i, s in enumerate(seps) if s.side[n]} for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = edge_index[np.lexsort((-edges.score[edge_index], -edges.kind[edge_index]))]
    for e in order:
        ra, rb = find(int(edges.a[e])), find(int(edges.b[e]))
        if ra == rb:
            continue
        union = accts[ra] | accts[rb]
        if apart and len(union) > max(len(accts[ra]), len(accts[rb])):
            if not edges.allow_cross_account[e]:
                continue
        if any(sides[ra].get(k, 0) | v == 3 for k, v in sides[rb].items()):
            continue
        if len(accts[ra]) < len(accts[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        accts[ra] = union
        for k, v in sides.pop(rb).items():
            sides[ra][k] = sides[ra].get(k, 0) | v
    return {int(n): find(int(n)) for n in nodes}


def group(
    n: int,
    edges: Edges,
    *,
    accounts: np.ndarray,
    separations: list[Separation],
    keep_accounts_apart: bool,
    max_loose_size: int | None = None,
) -> GroupingResult:
    """Group `n` alerts along `edges` without breaking the account and cannot-link limits.

    Components above `max_loose_size` alerts keep only their anchored edges (None: no cut).
    """
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return GroupingResult(labels=empty, link_edge=empty, edges=edges)
    keep = ~_violates(edges, accounts, separations, keep_accounts_apart)
    kept = np.flatnonzero(keep)
    graph = sp.coo_matrix(
        (np.ones(len(kept), dtype=np.int8), (edges.a[kept], edges.b[kept])), shape=(n, n)
    )
    _count, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    broken = _broken_components(labels, accounts, separations, keep_accounts_apart)
    if broken:
        next_label = int(labels.max()) + 1 if n else 0
        for comp in sorted(broken):
            nodes = np.flatnonzero(labels == comp)
            inside = kept[np.isin(edges.a[kept], nodes)]
            roots = _greedy(nodes, inside, edges, accounts, separations, keep_accounts_apart)
            relabel: dict[int, int] = {}
            for node, root in roots.items():
                if root not in relabel:
                    relabel[root] = next_label
                    next_label += 1
                labels[node] = relabel[root]
    if max_loose_size is not None:
        kept = _cut_loose(labels, edges, kept, max_loose_size)
    return GroupingResult(labels=labels, link_edge=_links(n, labels, edges, kept), edges=edges)


def _cut_loose(labels: np.ndarray, edges: Edges, kept: np.ndarray, limit: int) -> np.ndarray:
    """Split components above `limit` along their anchored edges; relabels in place.

    Returns the kept edges without the loose ones inside the cut components.
    """
    sizes = np.bincount(labels)
    oversized = np.flatnonzero(sizes > limit)
    if len(oversized) == 0:
        return kept
    ends_a, ends_b = labels[edges.a[kept]], labels[edges.b[kept]]
    inside_cut = np.isin(ends_a, oversized) & (ends_a == ends_b)
    loose = inside_cut & ~edges.anchored[kept]
    nodes = np.flatnonzero(np.isin(labels, oversized))
    anchored = kept[inside_cut & ~loose]
    graph = sp.coo_matrix(
        (np.ones(len(anchored), dtype=np.int8), (edges.a[anchored], edges.b[anchored])),
        shape=(len(labels), len(labels)),
    )
    _count, parts = connected_components(graph, directed=False)
    # Fresh labels for the pieces, after every label in use.
    _unique, piece = np.unique(parts[nodes], return_inverse=True)
    labels[nodes] = int(labels.max()) + 1 + piece
    return kept[~loose]


def _links(n: int, labels: np.ndarray, edges: Edges, kept: np.ndarray) -> np.ndarray:
    """Per alert, the strongest kept edge to another alert of its group (or -1)."""
    inside = kept[labels[edges.a[kept]] == labels[edges.b[kept]]]
    link = np.full(n, -1, dtype=np.int64)
    if len(inside) == 0:
        return link
    nodes = np.concatenate([edges.a[inside], edges.b[inside]])
    edge_ids = np.concatenate([inside, inside])
    priority = edges.kind[edge_ids].astype(np.float64) * 2.0 + edges.score[edge_ids]
    order = np.lexsort((-priority, nodes))
    first = np.unique(nodes[order], return_index=True)[1]
    link[nodes[order][first]] = edge_ids[order][first]
    return link

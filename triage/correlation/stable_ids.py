"""Group ids that survive reruns: a new group inherits the id of the old group it matches."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

MIN_JACCARD = 0.5


def new_group_id(members: Sequence[str]) -> str:
    """A deterministic id for a group seen for the first time."""
    digest = hashlib.sha256("|".join(sorted(members)).encode()).hexdigest()
    return f"ag_{digest[:20]}"


def assign_ids(
    groups: Sequence[Sequence[str]], previous: Mapping[str, str]
) -> list[tuple[str, bool]]:
    """Return (id, inherited) per group.

    Each new group takes the id of the previous group it overlaps most when their Jaccard
    similarity is at least 0.5; each previous id goes to one group at most (the best
    match first). `previous` maps alert id to its previous group id.
    """
    old_sizes = Counter(previous.values())
    candidates: list[tuple[float, int, int, str]] = []
    for index, members in enumerate(groups):
        overlaps = Counter(previous[m] for m in members if m in previous)
        for old_id, shared in overlaps.items():
            jaccard = shared / (len(members) + old_sizes[old_id] - shared)
            if jaccard >= MIN_JACCARD:
                candidates.append((jaccard, shared, index, old_id))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for _jaccard, _shared, index, old_id in candidates:
        if index in chosen or old_id in taken:
            continue
        chosen[index] = old_id
        taken.add(old_id)
    out = []
    for index, members in enumerate(groups):
        if index in chosen:
            out.append((chosen[index], True))
        else:
            out.append((new_group_id(members), False))
    return out

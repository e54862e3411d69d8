"""Analysts' manual merges and splits, replayed in order into must-link and cannot-link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EditKind(StrEnum):
    """A manual edit of the grouping."""

    MERGE = "merge"
    SPLIT = "split"


@dataclass(frozen=True)
class GroupEdit:
    """One edit: a merge keeps `alert_ids` together; a split keeps them apart from `others`.

    A split also keeps the split-off alerts together, as their own group when they are two
    or more.
    """

    edit_id: int
    kind: EditKind
    alert_ids: tuple[str, ...]
    other_alert_ids: tuple[str, ...] = ()


@dataclass
class EditConstraints:
    """What the edits require of the next grouping, over alert ids."""

    must_link: list[tuple[str, str, int]]
    separations: list[tuple[str, set[str], set[str]]]


def replay(edits: list[GroupEdit]) -> EditConstraints:
    """Replay edits oldest first; a later edit wins over an earlier one it contradicts."""
    must_link: list[tuple[str, str, int]] = []
    separations: list[tuple[str, set[str], set[str]]] = []
    for edit in sorted(edits, key=lambda e: e.edit_id):
        members = list(dict.fromkeys(edit.alert_ids))
        if edit.kind is EditKind.MERGE:
            merged = set(members)
            separations = [sep for sep in separations if not (merged & sep[1] and merged & sep[2])]
        else:
            split_off, rest = set(members), set(edit.other_alert_ids) - set(members)
            must_link = [
                link
                for link in must_link
                if not (
                    (link[0] in split_off and link[1] in rest)
                    or (link[1] in split_off and link[0] in rest)
                )
            ]
            separations.append((f"split:{edit.edit_id}", split_off, rest))
        must_link.extend((members[0], other, edit.edit_id) for other in members[1:])
    return EditConstraints(must_link=must_link, separations=separations)

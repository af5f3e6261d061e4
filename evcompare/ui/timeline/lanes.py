"""The timeline's lanes: one per entity, nested as the entity tree, with collapsible groups.

Xiaomi and HIMA always show every member (so a user can add an event to a brand that has
none yet); other entities (the partner makers) get a lane once they have a milestone.
Market-wide events have the 'industry' lane at the bottom, shown once there is one (the
dialog offers 'industry' as an entity). A collapsed lane also draws the
milestones of everything under it, so collapsing hides lanes, never events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evcompare.model.entities import EntityTree
from evcompare.model.milestones import INDUSTRY


@dataclass(frozen=True)
class Lane:
    key: str  # an entity id, or INDUSTRY
    depth: int  # 0 for top-level entities and the industry lane
    expandable: bool  # it has lanes under it
    collapsed: bool


class LaneModel:
    """Which lanes are shown, in order, and which lane draws each entity's milestones."""

    def __init__(self, entities: EntityTree) -> None:
        self._tree = entities
        self._collapsed: set[str] = set()
        self._known: set[str] = set()  # entities whose default collapse state has been decided
        self._members: list[str] = []
        self.lanes: list[Lane] = []
        self._row: dict[str, int] = {}
        self._industry = False

    def update(self, used: Iterable[str]) -> bool:
        """Recompute the lanes for the entities that have milestones; True if they changed.

        Milestones of 'industry', or of an entity the tree does not know, need the industry lane.

        A group first seen with no milestone below it starts collapsed (Aito's models have no
        events of their own, so their empty lanes would only push the others apart).
        """
        used = set(used)
        self._industry = bool(used - {e.id for e in self._tree})
        used &= {e.id for e in self._tree}
        wanted = set()
        for entity in self._tree:
            top = self._tree.group_of(entity.id)
            if entity.id in used or self._tree[top].kind == "group":
                wanted.update(self._ancestry(entity.id))
        members = [e.id for e in self._tree if e.id in wanted]
        for ident in members:
            if ident not in self._known:
                self._known.add(ident)
                below = self._descendants(ident, wanted)
                if below and not below & used:
                    self._collapsed.add(ident)
        self._members = members
        return self._rebuild()

    def _ancestry(self, ident: str) -> list[str]:
        chain = [ident]
        while self._tree[chain[-1]].parent:
            chain.append(self._tree[chain[-1]].parent)
        return chain

    def _descendants(self, ident: str, among: set[str]) -> set[str]:
        found: set[str] = set()
        stack = [c.id for c in self._tree.children(ident)]
        while stack:
            child = stack.pop()
            if child in among:
                found.add(child)
                stack.extend(c.id for c in self._tree.children(child))
        return found

    def _rebuild(self) -> bool:
        members = set(self._members)
        lanes = []
        for ident in self._members:
            chain = self._ancestry(ident)
            if any(a in self._collapsed for a in chain[1:]):
                continue
            expandable = bool(self._descendants(ident, members))
            lanes.append(Lane(ident, len(chain) - 1, expandable, expandable and ident in self._collapsed))
        if self._industry:
            lanes.append(Lane(INDUSTRY, 0, False, False))
        changed = lanes != self.lanes
        self.lanes = lanes
        self._row = {lane.key: row for row, lane in enumerate(lanes)}
        return changed

    def row(self, entity: str) -> int:
        """The lane drawing `entity`'s milestones: its own, its nearest shown ancestor's, or
        the industry lane for 'industry' and for entities the tree does not know (the last
        lane until `update` has been told about them)."""
        if entity in self._tree:
            for ident in self._ancestry(entity):
                if ident in self._row:
                    return self._row[ident]
        return self._row.get(INDUSTRY, len(self.lanes) - 1)

    def set_collapsed(self, key: str, collapsed: bool) -> bool:
        """Collapse or expand one lane; True if the shown lanes changed."""
        if collapsed:
            self._collapsed.add(key)
        else:
            self._collapsed.discard(key)
        return self._rebuild()

    def toggle(self, key: str) -> bool:
        return self.set_collapsed(key, key not in self._collapsed)

    def set_all_collapsed(self, collapsed: bool) -> bool:
        """Collapse every group to its top lane, or expand every lane."""
        members = set(self._members)
        groups = {ident for ident in self._members if self._descendants(ident, members)}
        self._collapsed = groups if collapsed else set()
        return self._rebuild()

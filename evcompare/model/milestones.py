"""Milestones: dated events with their source, and the store that every view edits.

The store keeps bundled milestones apart from the user's additions, edits and deletions so
that an updated dataset can still be merged under them. Mutators return what they replaced,
which is what an undo command needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd

CATEGORIES = ("launch", "production", "financial", "corporate", "alliance", "target")


@dataclass(frozen=True)
class Milestone:
    id: str
    date: str  # YYYY-MM-DD or YYYY-MM (see date_precision)
    entity: str
    category: str
    title: str
    date_precision: str = "day"
    end_date: str = ""
    title_zh: str = ""
    description: str = ""
    units: int | None = None
    basis: str = ""
    status: str = "done"
    source_title: str = ""
    source_url: str = ""
    source_published: str = ""
    doubt: bool = False
    seed: bool = False
    curation: str = ""
    origin: str = "bundled"  # bundled / user

    @property
    def timestamp(self) -> pd.Timestamp:
        """The day the event is drawn at; a month-precision date is drawn at the month start."""
        return pd.Timestamp(self.date if len(self.date) == 10 else self.date + "-01")

    def replace(self, **changes: object) -> Milestone:
        return dataclasses.replace(self, **changes)


Listener = Callable[[str, str], None]  # (change kind, milestone id)


class MilestoneStore:
    """All milestones, bundled and user, with change notification."""

    def __init__(self, bundled: list[Milestone]) -> None:
        self._bundled = {m.id: m for m in bundled}
        self._items: dict[str, Milestone] = dict(self._bundled)
        self._listeners: list[Listener] = []

    def __iter__(self) -> Iterator[Milestone]:
        return iter(sorted(self._items.values(), key=lambda m: (m.timestamp, m.id)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, ident: object) -> bool:
        return ident in self._items

    def __getitem__(self, ident: str) -> Milestone:
        return self._items[ident]

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self, kind: str, ident: str) -> None:
        for listener in self._listeners:
            listener(kind, ident)

    def put(self, milestone: Milestone) -> Milestone | None:
        """Add or replace; returns the previous version (None when it is new)."""
        previous = self._items.get(milestone.id)
        self._items[milestone.id] = milestone
        self._notify("changed" if previous else "added", milestone.id)
        return previous

    def remove(self, ident: str) -> Milestone:
        removed = self._items.pop(ident)
        self._notify("removed", ident)
        return removed

    def for_entity(self, ident: str) -> list[Milestone]:
        return [m for m in self if m.entity == ident]

    def user_changes(self) -> dict[str, list]:
        """What differs from the bundled set: added/edited milestones and deleted ids."""
        changed = [m for m in self._items.values() if self._bundled.get(m.id) != m]
        deleted = sorted(set(self._bundled) - set(self._items))
        return {"changed": changed, "deleted": deleted}

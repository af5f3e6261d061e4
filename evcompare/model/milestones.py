"""Milestones: dated events with their source, and the store that every view edits.

The store keeps bundled milestones apart from the user's additions, edits and deletions so
that an updated dataset can still be merged under them. Mutators return what they replaced,
which is what an undo command needs.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import pandas as pd

CATEGORIES = ("launch", "production", "financial", "corporate", "alliance", "target")
STATUSES = ("done", "planned")
PRECISIONS = ("day", "month")
BASES = ("production", "deliveries", "sales")
# Market-wide events (policy, price wars) belong to no entity; they get their own lane.
INDUSTRY = "industry"
# Dates outside this range are typos, and pandas cannot hold them all anyway.
FIRST_YEAR, LAST_YEAR = 1900, 2199


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
    def day(self) -> str:
        """The day the event is drawn at, 'YYYY-MM-DD' (ISO days sort as text, as in time); a
        month-precision date is drawn at the month start."""
        return self.date if len(self.date) == 10 else self.date + "-01"

    @property
    def timestamp(self) -> pd.Timestamp:
        return pd.Timestamp(self.day)

    @property
    def end_timestamp(self) -> pd.Timestamp | None:
        """The last day of a span (a month-precision end means the whole month); None if no span."""
        if not self.end_date:
            return None
        if len(self.end_date) == 10:
            return pd.Timestamp(self.end_date)
        return pd.Timestamp(self.end_date + "-01") + pd.offsets.MonthEnd(0)

    def replace(self, **changes: object) -> Milestone:
        return dataclasses.replace(self, **changes)


def new_id() -> str:
    """A fresh id for a user milestone; 'u-' keeps them apart from the bundled 'm-' ids."""
    return "u-" + uuid.uuid4().hex[:10]


def shifted(milestone: Milestone, days: int) -> Milestone:
    """The milestone moved by whole days, start and end together.

    A moved date is a day the user chose, so a month-precision date becomes day precision
    (drawn at the month start, it lands on the month start plus `days`).
    """
    start = (milestone.timestamp + pd.Timedelta(days=days)).strftime("%Y-%m-%d")
    end = milestone.end_timestamp
    end_date = (end + pd.Timedelta(days=days)).strftime("%Y-%m-%d") if end is not None else ""
    return milestone.replace(date=start, date_precision="day", end_date=end_date)


def _date_problem(value: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return f"expected YYYY-MM-DD or YYYY-MM, got {value!r}"
    try:
        stamp = pd.Timestamp(value if len(value) == 10 else value + "-01")
    except ValueError:
        return f"{value!r} is not a calendar date"
    if not FIRST_YEAR <= stamp.year <= LAST_YEAR:
        return f"{value!r} is outside {FIRST_YEAR}-{LAST_YEAR}"
    return None


def milestone_problems(milestone: Milestone,
                       entities: Collection[str] | None = None) -> list[tuple[str, str]]:
    """Every reason the milestone cannot be stored, as (field, message) pairs.

    `entities`, when given, are the known entity ids ('industry' is always allowed). The
    field names match the CSV columns, so a file reader can say which cell is wrong.
    """
    m = milestone
    problems: list[tuple[str, str]] = []
    if not m.id.strip():
        problems.append(("id", "an id is required"))
    if not m.title.strip():
        problems.append(("title", "a title is required"))
    if not m.entity.strip():
        problems.append(("entity", "an entity is required"))
    elif entities is not None and m.entity != INDUSTRY and m.entity not in entities:
        problems.append(("entity", f"unknown entity {m.entity!r}"))
    if m.category not in CATEGORIES:
        problems.append(("category", f"expected one of {', '.join(CATEGORIES)}, got {m.category!r}"))
    if m.status not in STATUSES:
        problems.append(("status", f"expected one of {', '.join(STATUSES)}, got {m.status!r}"))
    if m.basis and m.basis not in BASES:
        problems.append(("basis", f"expected one of {', '.join(BASES)} or nothing, got {m.basis!r}"))
    if m.units is not None and not 0 <= m.units <= 1_000_000_000:
        problems.append(("units", "expected a whole number of vehicles from 0 to 1,000,000,000"))
    date_problem = _date_problem(m.date)
    if date_problem:
        problems.append(("date", date_problem))
    elif m.date_precision not in PRECISIONS:
        problems.append(("date_precision", f"expected day or month, got {m.date_precision!r}"))
    elif len(m.date) != (10 if m.date_precision == "day" else 7):
        problems.append(("date", f"{m.date!r} does not have {m.date_precision} precision"))
    end_problem = _date_problem(m.end_date) if m.end_date else None
    if end_problem:
        problems.append(("end_date", end_problem))
    elif m.end_date and not date_problem and m.end_timestamp < m.timestamp:
        problems.append(("end_date", f"the end {m.end_date} is before the start {m.date}"))
    if m.source_url and not re.fullmatch(r"https?://\S+", m.source_url):
        problems.append(("source_url", "a source URL must start with http:// or https://"))
    return problems


def validate_milestone(milestone: Milestone, entities: Collection[str] | None = None) -> list[str]:
    """Every reason the milestone cannot be stored, as messages (empty when it can be)."""
    return [f"{field}: {message}" for field, message in milestone_problems(milestone, entities)]


Listener = Callable[[str, str], None]  # (change kind, milestone id)


class MilestoneStore:
    """All milestones, bundled and user, with change notification."""

    def __init__(self, bundled: list[Milestone]) -> None:
        self._bundled = {m.id: m for m in bundled}
        self._items: dict[str, Milestone] = dict(self._bundled)
        self._listeners: list[Listener] = []

    def __iter__(self) -> Iterator[Milestone]:
        return iter(sorted(self._items.values(), key=lambda m: (m.day, m.id)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, ident: object) -> bool:
        return ident in self._items

    def __getitem__(self, ident: str) -> Milestone:
        return self._items[ident]

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop telling `listener` about changes (a closed view must not hear them)."""
        self._listeners.remove(listener)

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

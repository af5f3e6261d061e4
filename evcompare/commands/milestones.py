"""Undoable edits of the milestone store: add, edit, move, delete, and a bulk import.

Each command goes through the store's mutators and keeps the versions it replaced, so undo
puts back exactly what was there (bundled milestones come back equal to the bundled ones and
drop out of `user_changes()`). Commands refuse invalid milestones with ValueError when they
are built: the views validate first and show why, so nothing invalid reaches the store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from evcompare.model.milestones import Milestone, MilestoneStore, shifted, validate_milestone


def _tr(text: str) -> str:
    return QCoreApplication.translate("MilestoneCommands", text)


def _describe(verb_one: str, verb_many: str, milestones: Sequence[Milestone]) -> str:
    """The undo text: the title when there is one milestone (Move 'YU7 launch'), else a count."""
    if len(milestones) == 1:
        return verb_one.format(title=milestones[0].title)
    return verb_many.format(count=len(milestones))


def _checked(milestones: Iterable[Milestone], entities: Collection[str] | None) -> list[Milestone]:
    checked = list(milestones)
    for milestone in checked:
        problems = validate_milestone(milestone, entities)
        if problems:
            raise ValueError(f"milestone {milestone.id!r}: " + "; ".join(problems))
    return checked


def _existing(store: MilestoneStore, ids: Iterable[str]) -> list[Milestone]:
    wanted = list(dict.fromkeys(ids))
    missing = [ident for ident in wanted if ident not in store]
    if missing:
        raise ValueError(f"no milestone with id {', '.join(map(repr, missing))}")
    if not wanted:
        raise ValueError("no milestones given")
    return [store[ident] for ident in wanted]


class AddMilestones(QUndoCommand):
    """Add new milestones (their ids must be free); undo removes them again."""

    def __init__(self, store: MilestoneStore, milestones: Iterable[Milestone], text: str = "",
                 entities: Collection[str] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._added = _checked(milestones, entities)
        taken = [m.id for m in self._added if m.id in store]
        if taken or len({m.id for m in self._added}) != len(self._added):
            raise ValueError(f"milestone ids already in use: {', '.join(taken) or 'repeated id'}")
        if not self._added:
            raise ValueError("no milestones given")
        self.setText(text or _describe(_tr("Add '{title}'"), _tr("Add {count} milestones"), self._added))

    def redo(self) -> None:
        for milestone in self._added:
            self._store.put(milestone)

    def undo(self) -> None:
        for milestone in reversed(self._added):
            self._store.remove(milestone.id)


class AddMilestone(AddMilestones):
    """Add one new milestone."""

    def __init__(self, store: MilestoneStore, milestone: Milestone,
                 entities: Collection[str] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(store, [milestone], entities=entities, parent=parent)


class _Replace(QUndoCommand):
    """Put new versions of existing milestones; undo puts the old versions back."""

    def __init__(self, store: MilestoneStore, new: Sequence[Milestone], text: str,
                 entities: Collection[str] | None, parent: QUndoCommand | None) -> None:
        super().__init__(parent)
        self._store = store
        self._old = _existing(store, (m.id for m in new))
        self._new = _checked(new, entities)
        self.setText(text)

    def redo(self) -> None:
        for milestone in self._new:
            self._store.put(milestone)

    def undo(self) -> None:
        for milestone in reversed(self._old):
            self._store.put(milestone)


class EditMilestone(_Replace):
    """Replace a milestone with an edited version of it (same id)."""

    def __init__(self, store: MilestoneStore, milestone: Milestone, text: str = "",
                 entities: Collection[str] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(store, [milestone],
                         text or _tr("Edit '{title}'").format(title=milestone.title), entities, parent)


class MoveMilestones(_Replace):
    """Move one or several milestones by whole days (spans keep their length)."""

    def __init__(self, store: MilestoneStore, ids: Iterable[str], days: int,
                 parent: QUndoCommand | None = None) -> None:
        if days == 0:
            raise ValueError("a move needs a non-zero number of days")
        old = _existing(store, ids)
        super().__init__(store, [shifted(m, days) for m in old],
                         _describe(_tr("Move '{title}'"), _tr("Move {count} milestones"), old), None, parent)
        self.days = days


class RemoveMilestones(QUndoCommand):
    """Delete milestones; undo puts each back as it was."""

    def __init__(self, store: MilestoneStore, ids: Iterable[str], parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._removed = _existing(store, ids)
        self.setText(_describe(_tr("Delete '{title}'"), _tr("Delete {count} milestones"), self._removed))

    def redo(self) -> None:
        for milestone in self._removed:
            self._store.remove(milestone.id)

    def undo(self) -> None:
        for milestone in self._removed:
            self._store.put(milestone)


def import_milestones(stack: QUndoStack, store: MilestoneStore, milestones: Sequence[Milestone],
                      entities: Collection[str] | None = None) -> int:
    """Push an import as one undo step ('Import N milestones'); returns how many changed.

    A row whose id is already in the store replaces that milestone (re-importing an export
    updates rather than duplicates); a row equal to what is stored, origin aside, is skipped.
    Every row is validated before anything is pushed.
    """
    rows = _checked(milestones, entities)
    if len({m.id for m in rows}) != len(rows):
        raise ValueError("the imported milestones repeat an id")
    changes = [m for m in rows if m.id not in store or store[m.id] != m.replace(origin=store[m.id].origin)]
    if not changes:
        return 0
    stack.beginMacro(_tr("Import {count} milestones").format(count=len(changes)))
    try:
        for milestone in changes:
            if milestone.id in store:
                stack.push(EditMilestone(store, milestone))
            else:
                stack.push(AddMilestone(store, milestone))
    finally:
        stack.endMacro()
    return len(changes)

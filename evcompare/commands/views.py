"""Undoable edits of the saved views (the storyboard): add, rename, edit, reorder, duplicate,
delete.

The views live in the project (`Project.views`, as the project file stores them); `ViewStore`
reads them as `SavedView`s and says when they change. Every command keeps the whole list
before and after (a few small dicts), so undo is a plain swap, exactly like `SetComparison`.
Entries that cannot be read are kept, after the readable ones, so editing never loses them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand

from evcompare.model.project import Project
from evcompare.model.views import SavedView, default_views, known_entities, new_view_id, now_text, read_views


def _tr(text: str) -> str:
    return QCoreApplication.translate("ViewCommands", text)


class ViewStore(QObject):
    """The saved views of the window's current project as `SavedView`s (the default story while
    it has none). `project_of` names the current project: a window may switch documents."""

    changed = Signal()

    def __init__(self, project_of: Callable[[], Project], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project_of = project_of
        self._read_from: tuple[Project, list] | None = None  # the project and list last read
        self._views: list[SavedView] = []
        self._unreadable: list[object] = []
        self._defaults = False
        self.problems: list[tuple[int, str]] = []  # (index in Project.views, why it is unreadable)

    @property
    def project(self) -> Project:
        return self.project_of()

    def _read(self) -> None:
        project = self.project
        last = self._read_from
        if last is not None and last[0] is project and last[1] is project.views:
            return
        self._read_from = (project, project.views)
        views, self.problems = read_views(project.views, known_entities(project))
        bad = {index for index, _why in self.problems}
        self._unreadable = [item for index, item in enumerate(project.views) if index in bad]
        self._defaults = not views
        self._views = views or list(default_views(project.dataset))

    def views(self) -> list[SavedView]:
        """The views in story order (a new list each time: callers may change it)."""
        self._read()
        return list(self._views)

    def uses_defaults(self) -> bool:
        """Whether the views shown are the app's default story (the project has none)."""
        self._read()
        return self._defaults

    def index(self, view_id: str) -> int:
        return next(i for i, view in enumerate(self.views()) if view.id == view_id)

    def view(self, view_id: str) -> SavedView:
        return self.views()[self.index(view_id)]

    def stored(self) -> list[object]:
        """A copy of what the project holds now."""
        return copy.deepcopy(self.project.views)

    def stored_for(self, views: list[SavedView]) -> list[object]:
        """What the project would hold with `views` (its unreadable entries kept after them)."""
        self._read()
        return [view.to_dict() for view in views] + copy.deepcopy(self._unreadable)

    def set_stored(self, stored: list[object]) -> None:
        self.project.views = copy.deepcopy(stored)
        self.changed.emit()

    def follow(self) -> None:
        """Say so if the window now shows another project (File ▸ Open, New)."""
        if self._read_from is None or self._read_from[0] is not self.project:
            self.changed.emit()


class ChangeViews(QUndoCommand):
    """Replace the saved views with `views`; undo puts the previous list back."""

    def __init__(self, store: ViewStore, views: list[SavedView], text: str,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.store = store
        self.old = store.stored()
        self.new = store.stored_for(views)

    def redo(self) -> None:
        self.store.set_stored(self.new)

    def undo(self) -> None:
        self.store.set_stored(self.old)


class AddView(ChangeViews):
    """Add a view (at the end unless `index` says where)."""

    def __init__(self, store: ViewStore, view: SavedView, index: int | None = None) -> None:
        views = store.views()
        views.insert(len(views) if index is None else index, view)
        super().__init__(store, views, _tr("Save view “{title}”").format(title=view.title))


class EditView(ChangeViews):
    """Change a view's title, subtitle, notes or comparison."""

    def __init__(self, store: ViewStore, view_id: str, text: str = "", **changes: object) -> None:
        views = store.views()
        at = store.index(view_id)
        old = views[at]
        views[at] = old.replace(**changes)
        super().__init__(store, views, text or _tr("Edit view “{title}”").format(title=old.title))


class RenameView(EditView):
    def __init__(self, store: ViewStore, view_id: str, title: str) -> None:
        old = store.view(view_id).title
        super().__init__(store, view_id, _tr("Rename view “{old}” to “{new}”").format(old=old, new=title),
                         title=title)


class ReorderView(ChangeViews):
    """Move a view to position `to` of the list (after the move)."""

    def __init__(self, store: ViewStore, view_id: str, to: int) -> None:
        views = store.views()
        view = views.pop(store.index(view_id))
        views.insert(max(0, min(to, len(views))), view)
        super().__init__(store, views, _tr("Move view “{title}”").format(title=view.title))


class DuplicateView(ChangeViews):
    """A copy of a view, with a new id, just after it."""

    def __init__(self, store: ViewStore, view_id: str) -> None:
        views = store.views()
        at = store.index(view_id)
        original = views[at]
        self.copy = original.replace(id=new_view_id(), created=now_text(),
                                     title=_tr("{title} (copy)").format(title=original.title))
        views.insert(at + 1, self.copy)
        super().__init__(store, views, _tr("Duplicate view “{title}”").format(title=original.title))


class DeleteView(ChangeViews):
    def __init__(self, store: ViewStore, view_id: str) -> None:
        views = store.views()
        view = views.pop(store.index(view_id))
        super().__init__(store, views, _tr("Delete view “{title}”").format(title=view.title))

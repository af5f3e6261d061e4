"""The storyboard: the project's saved views as a list of thumbnails.

'Save view' (Ctrl+Shift+V) keeps the current comparison with a title, subtitle and speaker
notes; the list renames (F2), reorders (drag, or Ctrl+Up / Ctrl+Down), duplicates and deletes
views, each one undoable on the window's stack. Double-click asks to apply a view:
the window turns that into a `SetComparison`, so applying is undoable too. Thumbnails are
drawn offscreen one at a time while the panel is visible, so they never hold up the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPaintEvent, QPixmap, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.slide_spec import default_title
from evcompare.commands.views import (
    AddView,
    DeleteView,
    DuplicateView,
    EditView,
    RenameView,
    ReorderView,
    ViewStore,
)
from evcompare.model.comparison import Comparison
from evcompare.model.views import SavedView, new_view_id, now_text

if TYPE_CHECKING:  # imported when the first thumbnail is drawn, after the window's first paint
    from evcompare.charts.export import SlideRenderer

MIME_TYPE = "application/x-evcompare-view-id"
THUMBNAIL = QSize(192, 108)
THUMBNAIL_RENDER = (576, 324)  # drawn larger, then scaled: type and lines stay in proportion
ID_ROLE = Qt.ItemDataRole.UserRole
ROOT = QModelIndex()
OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
Index = QModelIndex | QPersistentModelIndex


class Thumbnails(QObject):
    """Small pictures of views, drawn offscreen one per event-loop turn and cached by what they
    show (the comparison and the data it is drawn from)."""

    ready = Signal()

    def __init__(self, store: ViewStore, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.owner = parent
        self.active = False
        self._icons: dict[tuple, QIcon] = {}
        self._queue: list[SavedView] = []
        self._renderer: SlideRenderer | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._draw_next)
        blank = QPixmap(THUMBNAIL)
        blank.fill(QColor("#eef0f3"))
        self.placeholder = QIcon(blank)

    def _key(self, view: SavedView) -> tuple:
        project = self.store.project
        return view.comparison.replace(theme="light"), id(project.dataset), id(project.milestones)

    def icon(self, view: SavedView) -> QIcon:
        """The view's thumbnail, or a placeholder while it is being drawn."""
        icon = self._icons.get(self._key(view))
        if icon is not None:
            return icon
        if view not in self._queue:
            self._queue.append(view)
        if self.active:
            self._timer.start()
        return self.placeholder

    def pending(self) -> bool:
        """Whether thumbnails are still to be drawn (while active, one per event-loop turn)."""
        return self.active and bool(self._queue)

    def set_active(self, active: bool) -> None:
        """Draw only while the panel is shown."""
        self.active = active
        if active and self._queue:
            self._timer.start()

    def _draw_next(self) -> None:
        while self._queue and self._key(self._queue[0]) in self._icons:
            self._queue.pop(0)
        if not self._queue or not self.active:
            return
        view = self._queue.pop(0)
        project = self.store.project
        if self._renderer is None or self._renderer.project is not project:
            from evcompare.charts.export import SlideRenderer

            self._close()
            self._renderer = SlideRenderer(project, THUMBNAIL_RENDER, header=False, footer=False,
                                           parent=self.owner, theme_height=THUMBNAIL_RENDER[1] * 2)
        image = self._renderer.image(view)
        scaled = image.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        self._icons[self._key(view)] = QIcon(QPixmap.fromImage(scaled))
        self.ready.emit()
        if self._queue:
            self._timer.start()

    def _close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


class ThumbnailAbove(QStyledItemDelegate):
    """Each view as its thumbnail with the title under it: a narrow panel has room for both."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.decorationPosition = QStyleOptionViewItem.Position.Top
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


class ViewListModel(QAbstractListModel):
    """The views as rows: title (editable: renames), thumbnail, subtitle and notes as the tip.
    Rows move by drag and drop; every edit is a command on the undo stack."""

    def __init__(self, store: ViewStore, stack: QUndoStack, thumbnails: Thumbnails,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = stack
        self.thumbnails = thumbnails
        # No rows until the panel is first shown: the default story looks figures up, which the
        # window's first paint need not wait for.
        self.loaded = False
        self._read: list[SavedView] | None = None
        store.changed.connect(self.reload)
        thumbnails.ready.connect(self._thumbnails_ready)

    @property
    def _views(self) -> list[SavedView]:
        if not self.loaded:
            return []
        if self._read is None:
            self._read = self.store.views()
        return self._read

    def load(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._read = None
        self.endResetModel()

    def _thumbnails_ready(self) -> None:
        if self._views:
            self.dataChanged.emit(self.index(0), self.index(len(self._views) - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def view(self, row: int) -> SavedView:
        return self._views[row]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._views)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        view = self._views[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}. {view.title}"
        if role == Qt.ItemDataRole.EditRole:
            return view.title
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.icon(view)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n\n".join(part for part in (view.title, view.subtitle, view.notes) if part)
        if role == ID_ROLE:
            return view.id
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Renaming in place: an undoable RenameView (an empty or unchanged title is ignored)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        title = str(value).strip()
        view = self._views[index.row()]
        if not title or title == view.title:
            return False
        self.stack.push(RenameView(self.store, view.id, title))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        if indexes:
            data.setData(MIME_TYPE, QByteArray(self._views[indexes[0].row()].id.encode("utf-8")))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """A dragged view dropped before `row` (-1: at the end): an undoable ReorderView."""
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME_TYPE):
            return False
        view_id = bytes(data.data(MIME_TYPE).data()).decode("utf-8")
        ids = [v.id for v in self._views]
        if view_id not in ids:
            return False
        source = ids.index(view_id)
        before = len(ids) if row < 0 else row
        target = before - 1 if before > source else before
        if target != source:
            self.stack.push(ReorderView(self.store, view_id, target))
        return True

    def moveRows(self, source_parent: Index, source_row: int, count: int, destination_parent: Index,
                 destination_child: int) -> bool:
        """What QListView calls for an internal drag: the same ReorderView."""
        if count != 1 or not 0 <= source_row < len(self._views):
            return False
        target = destination_child - 1 if destination_child > source_row else destination_child
        if target != source_row:
            self.stack.push(ReorderView(self.store, self._views[source_row].id, target))
        return True


class ViewDialog(QDialog):
    """Title (required), subtitle and speaker notes of a view."""

    def __init__(self, caption: str, title: str, subtitle: str = "", notes: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption)
        self.title = QLineEdit(title)
        self.subtitle = QLineEdit(subtitle)
        self.notes = QPlainTextEdit(notes)
        self.notes.setPlaceholderText(self.tr("What to say while this view is shown"))
        self.problem = QLabel()
        self.problem.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Subtitle:"), self.subtitle)
        form.addRow(self.tr("Speaker &notes:"), self.notes)
        buttons = QDialogButtonBox(OK_CANCEL)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.title.selectAll()
        self.resize(520, 320)

    def values(self) -> dict[str, str]:
        return {"title": self.title.text().strip(), "subtitle": self.subtitle.text().strip(),
                "notes": self.notes.toPlainText().strip()}

    def accept(self) -> None:
        if not self.values()["title"]:
            self.problem.setText(self.tr("A view needs a title."))
            self.problem.show()
            self.title.setFocus()
            return
        super().accept()


class Storyboard(QWidget):
    """The saved views, their thumbnails and the actions on them."""

    applyRequested = Signal(object)  # the SavedView to show in the window

    def __init__(self, store: ViewStore, stack: QUndoStack, comparison_of: Callable[[], Comparison],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = stack
        self.comparison_of = comparison_of
        self.dialog: ViewDialog | None = None
        self._load_queued = False
        self.thumbnails = Thumbnails(store, self)
        self.model = ViewListModel(store, stack, self.thumbnails, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(ThumbnailAbove(self.list))
        self.list.setIconSize(THUMBNAIL)
        self.list.setSpacing(3)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setDropIndicatorShown(True)
        self.list.setToolTip(self.tr("Saved views: double-click to show one, drag to reorder, F2 to rename"))
        self.list.doubleClicked.connect(lambda index: self.apply_row(index.row()))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self._build_actions()
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.save_action, self.duplicate_action, self.delete_action])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        store.changed.connect(self._after_change)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self._update_actions()
        self.hint.hide()  # until shown: whether the views are the default story is looked up then

    def _action(self, text: str, tip: str, slot: Callable[[], object], shortcut: str | None = None,
                local: bool = True) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if local:  # keys that mean something else elsewhere (Delete, F2) act only in the list
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.list.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.save_action = self._action(self.tr("Save view…"),
                                        self.tr("Keep the current chart as a view, with a title and notes"),
                                        self.save_view, "Ctrl+Shift+V", local=False)
        self.apply_action = self._action(self.tr("Show view"),
                                         self.tr("Show the selected view in the window"),
                                         lambda: self.apply_row(self.current_row()))
        self.rename_action = self._action(self.tr("Rename"), self.tr("Rename the selected view"),
                                          self.rename_current, "F2")
        self.edit_action = self._action(
            self.tr("Edit title and notes…"),
            self.tr("Change the selected view's title, subtitle and speaker notes"), self.edit_current)
        self.update_action = self._action(self.tr("Replace with current chart"),
                                          self.tr("Make the selected view show the window's current chart"),
                                          self.update_current)
        self.duplicate_action = self._action(self.tr("Duplicate"), self.tr("Copy the selected view"),
                                             lambda: self._push_for_current(DuplicateView), "Ctrl+D")
        self.delete_action = self._action(self.tr("Delete"), self.tr("Delete the selected view"),
                                          lambda: self._push_for_current(DeleteView), "Delete")
        self.up_action = self._action(self.tr("Move up"), self.tr("Show the selected view earlier"),
                                      lambda: self.move_current(-1), "Ctrl+Up")
        self.down_action = self._action(self.tr("Move down"), self.tr("Show the selected view later"),
                                        lambda: self.move_current(1), "Ctrl+Down")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    # --- state ---------------------------------------------------------------------------------

    def views(self) -> list[SavedView]:
        return self.store.views()

    def current_row(self) -> int:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else -1

    def current_view(self) -> SavedView | None:
        row = self.current_row()
        return self.model.view(row) if row >= 0 else None

    def select_row(self, row: int) -> None:
        self.model.load()
        if 0 <= row < self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(row))

    def _after_change(self) -> None:
        """The hint says when the views are the default story, and which stored views could not
        be read (they are kept in the project file as they are)."""
        lines = [self.tr("The views that ship with evcompare; save a view to start your own.")] \
            if self.store.uses_defaults() else []
        skipped = self.tr("View {number} of the project file was skipped: {why}")
        lines += [skipped.format(number=index + 1, why=why) for index, why in self.store.problems]
        self.hint.setText("\n".join(lines))
        self.hint.setVisible(bool(lines))
        self._update_actions()

    def _update_actions(self) -> None:
        chosen = self.current_row() >= 0
        for action in (self.apply_action, self.rename_action, self.edit_action, self.update_action,
                       self.duplicate_action):
            action.setEnabled(chosen)
        self.delete_action.setEnabled(chosen and self.model.rowCount() > 1)  # a story keeps one view
        self.up_action.setEnabled(chosen and self.current_row() > 0)
        self.down_action.setEnabled(chosen and self.current_row() < self.model.rowCount() - 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.model.loaded:
            self.thumbnails.set_active(True)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.model.loaded and not self._load_queued:  # placeholders painted: fill them in
            self._load_queued = True  # once the window's first paint is done (a timer set when
            QTimer.singleShot(0, self, self._first_shown)  # shown fired before that paint)

    def _first_shown(self) -> None:
        self.model.load()
        self._after_change()
        self.thumbnails.set_active(self.isVisible())

    def hideEvent(self, event: object) -> None:
        super().hideEvent(event)
        self.thumbnails.set_active(False)

    # --- edits ---------------------------------------------------------------------------------

    def save_view(self) -> ViewDialog:
        """Ask for a title, subtitle and notes; on OK the current comparison becomes a new view
        after the selected one (or at the end)."""
        comparison = self.comparison_of()
        title = default_title(comparison, self.store.project.dataset.entities)
        dialog = ViewDialog(self.tr("Save view"), title, parent=self)

        def add() -> None:
            view = SavedView(new_view_id(), comparison=comparison, created=now_text(), **dialog.values())
            row = self.current_row()
            self.stack.push(AddView(self.store, view, row + 1 if row >= 0 else None))
            self.select_row(self.store.index(view.id))

        return self._open(dialog, add)

    def edit_current(self) -> ViewDialog | None:
        view = self.current_view()
        if view is None:
            return None
        dialog = ViewDialog(self.tr("Edit view"), view.title, view.subtitle, view.notes, self)
        return self._open(dialog, lambda: self._push_edit(view, **dialog.values()))

    def _open(self, dialog: ViewDialog, on_ok: Callable[[], None]) -> ViewDialog:
        """Open a dialog without blocking (window-modal); `on_ok` runs when it is accepted."""
        self.dialog = dialog
        dialog.accepted.connect(on_ok)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _push_edit(self, view: SavedView, **changes: object) -> None:
        changed = {k: v for k, v in changes.items() if getattr(view, k) != v}
        if changed:
            self.stack.push(EditView(self.store, view.id, **changed))

    def update_current(self) -> None:
        view = self.current_view()
        if view is not None:
            self._push_edit(view, comparison=self.comparison_of())

    def rename_current(self) -> None:
        if self.current_row() >= 0:
            self.list.edit(self.list.currentIndex())

    def _push_for_current(self, command: type) -> None:
        view = self.current_view()
        if view is None:
            return
        row = self.current_row()
        made = command(self.store, view.id)
        self.stack.push(made)
        copy = getattr(made, "copy", None)
        last = self.model.rowCount() - 1
        self.select_row(self.store.index(copy.id) if copy is not None else min(row, last))

    def move_current(self, step: int) -> None:
        view, row = self.current_view(), self.current_row()
        if view is None or not 0 <= row + step < self.model.rowCount():
            return
        self.stack.push(ReorderView(self.store, view.id, row + step))
        self.select_row(row + step)

    def apply_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.applyRequested.emit(self.model.view(row))

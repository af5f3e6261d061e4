"""The milestones as a sortable, editable table, over the store itself (not a copy).

A cell edit is validated like the dialog's input and becomes one EditMilestone command; an
invalid one is refused with the reason (`editRejected`) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.labels import category_labels
from evcompare.commands.milestones import EditMilestone, RemoveMilestones
from evcompare.model.milestones import BASES, INDUSTRY, STATUSES, Milestone, validate_milestone
from evcompare.model.project import Project
from evcompare.ui.timeline.listen import subscribe_weakly

SORT_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


class MilestoneTableModel(QAbstractTableModel):
    """One row per milestone, in the order they arrived; sort with a proxy."""

    editRejected = Signal(str)  # why a cell edit was refused

    COLUMNS = ("date", "end_date", "entity", "category", "title", "title_zh", "status", "units",
               "basis", "description", "source_title", "source_url", "origin")
    READ_ONLY = frozenset({"origin"})

    def __init__(self, project: Project, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self._store = project.milestones
        self._ids = [m.id for m in self._store]
        self._rows = {ident: row for row, ident in enumerate(self._ids)}
        subscribe_weakly(self, self._store, "_on_store")

    def headers(self) -> dict[str, str]:
        return {"date": self.tr("Date"), "end_date": self.tr("End"), "entity": self.tr("Entity"),
                "category": self.tr("Category"), "title": self.tr("Title"),
                "title_zh": self.tr("Title (Chinese)"),
                "status": self.tr("Status"), "units": self.tr("Units"), "basis": self.tr("Basis"),
                "description": self.tr("Description"), "source_title": self.tr("Source"),
                "source_url": self.tr("Source URL"), "origin": self.tr("Origin")}

    def choices(self, field: str) -> list[tuple[str, str]]:
        """(shown text, stored value) for a column edited with a list, empty for free text."""
        if field == "entity":
            tree = self.project.dataset.entities
            return [(e.label(self.project.comparison.language), e.id) for e in tree] + \
                [(self.tr("Industry"), INDUSTRY)]
        if field == "category":
            return [(name, key) for key, name in category_labels().items()]
        if field == "status":
            return [(self._status_text(s), s) for s in STATUSES]
        if field == "basis":
            return [(self.tr("not stated"), "")] + [(b, b) for b in BASES]
        return []

    def _status_text(self, status: str) -> str:
        return self.tr("Planned") if status == "planned" else self.tr("Done")

    def milestone_at(self, row: int) -> Milestone:
        return self._store[self._ids[row]]

    def row_of(self, ident: str) -> int | None:
        return self._rows.get(ident)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[self.COLUMNS[section]]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.COLUMNS[index.column()] not in self.READ_ONLY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _text(self, milestone: Milestone, field: str) -> str:
        value = getattr(milestone, field)
        if field == "units":
            return "" if value is None else f"{value:,}"
        if field == "entity":
            entity = self.project.dataset.entities.get(value)
            return entity.label(self.project.comparison.language) if entity else self.tr("Industry")
        if field == "category":
            return category_labels().get(value, value)
        if field == "status":
            return self._status_text(value)
        if field == "origin":
            return self.tr("yours") if value == "user" else self.tr("bundled")
        return str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        milestone = self.milestone_at(index.row())
        field = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(milestone, field)
        if role == Qt.ItemDataRole.EditRole:
            value = getattr(milestone, field)
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            if field == "date":
                return milestone.timestamp.value
            if field == "units":
                return -1 if milestone.units is None else milestone.units
            return self._text(milestone, field).casefold()
        if role == Qt.ItemDataRole.ToolTipRole and field == "title":
            return milestone.description or None
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Validate the edit and push it as an EditMilestone; refuse it with a reason if invalid."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        milestone = self.milestone_at(index.row())
        field = self.COLUMNS[index.column()]
        text = str(value if value is not None else "").strip()
        try:
            edited = self._edited(milestone, field, text)
        except ValueError as exc:
            self.editRejected.emit(str(exc))
            return False
        problems = validate_milestone(edited, [e.id for e in self.project.dataset.entities])
        if problems:
            self.editRejected.emit("\n".join(problems))
            return False
        if edited != milestone:
            self.undo_stack.push(EditMilestone(self._store, edited))
        return True

    def _edited(self, milestone: Milestone, field: str, text: str) -> Milestone:
        if field == "date":
            return milestone.replace(date=text, date_precision="month" if len(text) == 7 else "day")
        if field == "units":
            if not text:
                return milestone.replace(units=None)
            try:
                return milestone.replace(units=int(text.replace(",", "")))
            except ValueError:
                raise ValueError(self.tr("units: expected a whole number of vehicles, got {text!r}").format(
                    text=text)) from None
        return milestone.replace(**{field: text})

    def _on_store(self, kind: str, ident: str) -> None:
        if kind == "added" and ident not in self._rows:
            row = len(self._ids)
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.append(ident)
            self._rows[ident] = row
            self.endInsertRows()
        elif kind == "removed":
            row = self._rows[ident]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._rows = {i: r for r, i in enumerate(self._ids)}
            self.endRemoveRows()
        else:
            row = self._rows[ident]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))


class _ChoiceDelegate(QStyledItemDelegate):
    """A combo box for the columns that take one of a few values."""

    def __init__(self, model: MilestoneTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def _choices(self, index: Index) -> list[tuple[str, str]]:
        return self._model.choices(self._model.COLUMNS[index.column()])

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        choices = self._choices(index)
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for text, value in choices:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 (Qt's name)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: object, index: Index) -> None:  # noqa: N802 (Qt's name)
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class MilestoneTableView(QWidget):
    """The table with sorting, list editors, Delete to remove rows, and id-based selection."""

    selectionChangedIds = Signal(list)

    def __init__(self, project: Project, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MilestoneTableModel(project, undo_stack, self)
        self.model.editRejected.connect(self._refuse)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setItemDelegate(_ChoiceDelegate(self.model, self.table))
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(self.model.COLUMNS.index("title"), 260)
        self.table.verticalHeader().hide()
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self._undo_stack = undo_stack
        self._syncing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def _refuse(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Edit refused"), message)

    def selected_ids(self) -> list[str]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.milestone_at(r).id for r in rows]

    def select(self, ids: Iterable[str]) -> None:
        """Select the rows of these milestones without echoing `selectionChangedIds`."""
        selection = QItemSelection()
        for ident in ids:
            row = self.model.row_of(ident)
            if row is not None:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                selection.select(index, index)
        self._syncing = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().select(selection, flags)
        finally:
            self._syncing = False

    def _on_selection(self) -> None:
        if not self._syncing:
            self.selectionChangedIds.emit(self.selected_ids())

    def eventFilter(self, watched: QObject, event: object) -> bool:  # noqa: N802 (Qt's name)
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if (watched is self.table and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete and not editing):
            ids = self.selected_ids()
            if ids:
                self._undo_stack.push(RemoveMilestones(self.model.project.milestones, ids))
            return True
        return super().eventFilter(watched, event)

"""The entity tree: Xiaomi and its models, HIMA and its brands, the partner makers, and under
"Imported data" the entities only the project's data layers name.

Checking an entity asks for it to be shown (the window turns that into an undoable command);
the picker itself never changes the project, and `sync` puts it back in step after any change,
undo included.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from evcompare.model.entities import Entity, EntityTree

ID_ROLE = Qt.ItemDataRole.UserRole


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class EntityPicker(QWidget):
    """A filterable, checkable tree of every entity, with colour swatches."""

    entitiesRequested = Signal(tuple)  # the ids that should be shown, in tree order

    def __init__(self, tree: EntityTree, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity_tree = tree
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter entities (English or 中文)…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Type part of a name in English or Chinese (Ctrl+F)"))
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setToolTip(self.tr("Check an entity to add it to the chart"))
        self._items: dict[str, QTreeWidgetItem] = {}
        self._entities: dict[str, Entity] = {e.id: e for e in tree}  # and the layers' own
        self._imported: QTreeWidgetItem | None = None  # the group of the layers' own entities
        self._imported_shown: tuple = ()
        self._language = ""
        for entity in tree.roots():
            self._add(entity, self.tree.invisibleRootItem())
        self.tree.expandAll()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.search.textChanged.connect(self.apply_filter)

    def _add(self, entity: Entity, parent: QTreeWidgetItem) -> None:
        item = QTreeWidgetItem(parent)
        item.setData(0, ID_ROLE, entity.id)
        item.setIcon(0, swatch(entity.colour))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        details = [entity.name_en, entity.name_zh]
        if entity.partner_oem:
            details.append(self.tr("Maker: {maker}").format(maker=entity.partner_oem))
        if entity.joined_hima:
            details.append(self.tr("Joined HIMA: {date}").format(date=entity.joined_hima))
        item.setToolTip(0, "\n".join(d for d in details if d))
        self._items[entity.id] = item
        for child in self.entity_tree.children(entity.id):
            self._add(child, item)

    def item(self, entity: str) -> QTreeWidgetItem:
        return self._items[entity]

    def checked(self) -> tuple[str, ...]:
        """The checked entities: the bundled ones in the tree's order, then the imported ones."""
        ids = [e.id for e in self.entity_tree] + [ident for ident, _colour in self._imported_shown]
        return tuple(i for i in ids if self._items[i].checkState(0) == Qt.CheckState.Checked)

    def set_imported(self, entities: list[Entity]) -> None:
        """List the entities only data layers name, under "Imported data" (none: no group)."""
        shown = tuple((e.id, e.colour) for e in entities)
        if shown == self._imported_shown:
            return
        self._imported_shown = shown
        self.tree.blockSignals(True)
        try:
            if self._imported is not None:
                for index in range(self._imported.childCount()):
                    ident = self._imported.child(index).data(0, ID_ROLE)
                    del self._items[ident], self._entities[ident]
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(self._imported))
                self._imported = None
            if entities:
                self._imported = QTreeWidgetItem(self.tree, [self.tr("Imported data")])
                self._imported.setToolTip(0, self.tr("Entities only your data layers have (see Layers)"))
                self._imported.setFlags(self._imported.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                for entity in entities:
                    self._entities[entity.id] = entity
                    self._add(entity, self._imported)
                    self._items[entity.id].setText(0, entity.label(self._language or "en"))
                    self._items[entity.id].setToolTip(0, self.tr("{name}: from a data layer").format(
                        name=entity.name_en))
                self._imported.setExpanded(True)
        finally:
            self.tree.blockSignals(False)

    def set_checked(self, entity: str, checked: bool) -> None:
        """Check or uncheck as a user would (emits `entitiesRequested`)."""
        self._items[entity].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def sync(self, entities: tuple[str, ...], language: str) -> None:
        """Show the project's state without asking for anything. Only the boxes and names that
        differ are touched: each change makes the tree lay out and repaint its rows."""
        renamed = language != self._language
        self.tree.blockSignals(True)
        try:
            for ident, item in self._items.items():
                state = Qt.CheckState.Checked if ident in entities else Qt.CheckState.Unchecked
                if item.checkState(0) != state:
                    item.setCheckState(0, state)
                if renamed:
                    item.setText(0, self._entities[ident].label(language))
        finally:
            self.tree.blockSignals(False)
        self._language = language
        if renamed:
            self.apply_filter(self.search.text())  # names in the other language may match now

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.entitiesRequested.emit(self.checked())

    def apply_filter(self, text: str) -> None:
        """Hide entities whose names do not contain `text`; keep the parents of matches."""
        wanted = text.strip().casefold()
        iterator = QTreeWidgetItemIterator(self.tree, QTreeWidgetItemIterator.IteratorFlag.All)
        while (item := iterator.value()) is not None:
            hidden = bool(wanted) and not self._matches_below(item, wanted)
            if item.isHidden() != hidden:
                item.setHidden(hidden)
            iterator += 1
        if wanted:
            self.tree.expandAll()

    def _matches_below(self, item: QTreeWidgetItem, wanted: str) -> bool:
        entity = self._entities.get(item.data(0, ID_ROLE))  # None for the "Imported data" group
        if entity and any(wanted in name.casefold() for name in (entity.id, entity.name_en, entity.name_zh)):
            return True
        return any(self._matches_below(item.child(i), wanted) for i in range(item.childCount()))

    def visible_entities(self) -> list[str]:
        return [ident for ident, item in self._items.items() if not item.isHidden()]

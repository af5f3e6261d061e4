"""The user's data layers: each imported file with its rows, its link and its entities.

The entity tree is built from the bundled entities once, so layers get their own list. A name
the entity list does not have is the layer's own entity (with a colour of its own) and can be
shown like any other. Checking a layer's entity asks for it to be shown (the window makes that
one undoable `SetComparison`); Remove asks for one undoable `RemoveLayer`. Like every panel it
only asks: `sync` shows the project's state after any change, undo included.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from evcompare.commands.data import layer_link
from evcompare.model.project import DataLayer, Project
from evcompare.ui.entity_picker import swatch

LAYER_ROLE = Qt.ItemDataRole.UserRole  # the layer name (on layer rows)
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 1  # the entity id (on entity rows)


class _LayerRow(NamedTuple):
    """What the tree shows of one layer."""

    name: str
    text: str
    tooltip: str
    entities: tuple[tuple[str, str, str, bool], ...]  # (id, label, colour, in the entity list)


class LayersPanel(QWidget):
    entitiesRequested = Signal(tuple)  # the entity ids that should be shown
    removeRequested = Signal(str)  # layer name
    importRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setToolTip(self.tr("Your imported figures; check an entity to show it"))
        self._shown: tuple[str, ...] = ()
        self._rows: list[_LayerRow] = []
        add = QPushButton(self.tr("Import…"))
        add.setToolTip(self.tr("Import figures from a CSV or Excel file"))
        add.clicked.connect(self.importRequested)
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setToolTip(self.tr("Remove the selected layer (undoable)"))
        self.remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._update_remove())
        self._update_remove()

    def sync(self, project: Project) -> None:
        """Show the project's layers and which of their entities are shown. The tree is rebuilt
        only when the layers change: checking an entity must not delete the item checked."""
        self._shown = project.comparison.entities
        rows = [self._layer_row(project, layer) for layer in project.layers]
        self.tree.blockSignals(True)
        try:
            if rows != self._rows:
                self._rows = rows
                self._rebuild()
            for item in self._entity_items():
                shown = item.data(0, ENTITY_ROLE) in self._shown
                item.setCheckState(0, Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
        finally:
            self.tree.blockSignals(False)
        self._update_remove()

    def _layer_row(self, project: Project, layer: DataLayer) -> _LayerRow:
        file = Path(layer.source_file).name if layer.source_file else ""
        if not file:
            detail = self.tr("typed in")
        elif layer_link(project, layer.name) is not None:
            detail = self.tr("linked to {file}").format(file=file)
        else:
            detail = self.tr("from {file}").format(file=file)
        text = self.tr("{name} — {rows} rows, {detail}").format(name=layer.name, rows=len(layer.observations),
                                                              detail=detail)
        tree, language = project.dataset.entities, project.comparison.language
        listed = project.base_dataset.entities
        entities = tuple((e, tree[e].label(language), tree[e].colour, e in listed)
                         for e in dict.fromkeys(o.entity for o in layer.observations))
        return _LayerRow(layer.name, text, layer.source_file or layer.name, entities)

    def _rebuild(self) -> None:
        selected = self.selected_layer()
        self.tree.clear()
        for row in self._rows:
            item = QTreeWidgetItem(self.tree, [row.text])
            item.setData(0, LAYER_ROLE, row.name)
            item.setToolTip(0, row.tooltip)
            for entity, label, colour, listed in row.entities:
                child = QTreeWidgetItem(item, [label])
                child.setData(0, ENTITY_ROLE, entity)
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setIcon(0, swatch(colour))
                if listed:
                    child.setToolTip(0, self.tr("Merged into the entity list's {name}: its figures compete "
                                                "with the bundled ones by the usual rule").format(name=label))
                else:
                    child.setToolTip(0, self.tr("{name} is this layer's own entity (not in the entity list): "
                                                "drawn in its own colour, and removed with the layer").format(
                                                    name=label))
            if row.name == selected:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()

    def _entity_items(self) -> list[QTreeWidgetItem]:
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        return [top.child(i) for top in tops for i in range(top.childCount())]

    def selected_layer(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, LAYER_ROLE) if item is not None else None

    def layer_names(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, LAYER_ROLE) for i in range(self.tree.topLevelItemCount())]

    def entity_item(self, layer: str, entity: str) -> QTreeWidgetItem:
        top = self.tree.topLevelItem(self.layer_names().index(layer))
        return next(child for child in self._entity_items()
                    if child.parent() is top and child.data(0, ENTITY_ROLE) == entity)

    def _update_remove(self) -> None:
        self.remove.setEnabled(self.selected_layer() is not None)

    def _remove_selected(self) -> None:
        name = self.selected_layer()
        if name is not None:
            self.removeRequested.emit(name)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        entity = item.data(0, ENTITY_ROLE)
        if column != 0 or entity is None:
            return
        wanted = item.checkState(0) == Qt.CheckState.Checked
        shown = [e for e in self._shown if e != entity] + ([entity] if wanted else [])
        self.entitiesRequested.emit(tuple(shown))

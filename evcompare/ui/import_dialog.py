"""Importing the user's own table: which column is which, what every bad cell is, then one layer.

The dialog reads nothing but the table it is given and changes nothing: every choice re-runs
the import as a dry run, the preview marks the bad cells and the list names each (row, column,
reason). 'Import N valid rows' hands back a `DataLayer` (and the settings a live link reads
the file with), which the caller pushes as one undoable `AddLayer`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.labels import measure_label
from evcompare.commands.data import LinkSettings
from evcompare.io.tabular_import import (
    COUNT_MEASURES,
    FIELDS,
    REQUIRED,
    ImportResult,
    RawTable,
    guess_mapping,
    guess_measure,
    import_rows,
    tree_resolver,
)
from evcompare.model.dataset import Dataset
from evcompare.model.project import DataLayer

PREVIEW_ROWS = 20
BAD_CELL = QColor(255, 120, 80, 90)  # a translucent red that reads on light and dark rows
UNITS = ("vehicles", "percent", "billion CNY", "CNY per vehicle")


def layer_name(path: str, taken: Iterable[str]) -> str:
    """The file's name without suffix, numbered when a layer already has it."""
    names, stem = set(taken), Path(path).stem or "layer"
    candidate, count = stem, 1
    while candidate in names:
        count += 1
        candidate = f"{stem} ({count})"
    return candidate


class ImportDialog(QDialog):
    """Map the columns of `table`, see the dry run's result, import the valid rows."""

    def __init__(self, table: RawTable, dataset: Dataset, layer_names: Iterable[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.dataset = dataset
        self.layer_names = set(layer_names)
        self.result = ImportResult([], [])
        self.setWindowTitle(self.tr("Import data — {file}").format(file=Path(table.file).name))
        self.resize(980, 720)
        guessed = guess_mapping(table.header, table.rows)

        sheet = self.tr(", sheet {sheet}").format(sheet=table.sheet) if table.sheet else ""
        about = QLabel(self.tr("{file}{sheet}: {rows} rows below the header; the first {shown} are "
                               "shown.").format(file=table.file, sheet=sheet, rows=len(table.rows),
                                                shown=min(PREVIEW_ROWS, len(table.rows))))
        about.setWordWrap(True)
        self.preview = self._preview_table()

        self.fields: dict[str, QComboBox] = {}
        columns = QGridLayout()
        names = self._field_names()
        for index, name in enumerate(FIELDS):
            combo = QComboBox()
            combo.addItem(self.tr("(not in the file)"), "")
            for column in table.header:
                combo.addItem(column, column)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(name, ""))))
            combo.currentIndexChanged.connect(self.dry_run)
            label = QLabel(names[name] + (" *" if name in REQUIRED else ""))
            label.setBuddy(combo)
            row, pair = divmod(index, 2)
            columns.addWidget(label, row, pair * 2)
            columns.addWidget(combo, row, pair * 2 + 1)
            self.fields[name] = combo
        mapping_box = QGroupBox(self.tr("Columns (* required)"))
        mapping_box.setLayout(columns)

        self.measure = QComboBox()
        self.measure.setEditable(True)
        for measure in dict.fromkeys([*COUNT_MEASURES, *sorted(dataset.measures())]):
            self.measure.addItem(measure_label(measure), measure)
        value_column = guessed.get("value", "")
        default = (guess_measure(value_column) if value_column else None) or "deliveries"
        self.measure.setCurrentIndex(self.measure.findData(default))
        self.measure.setToolTip(self.tr("Used for rows without a measure of their own"))
        self.unit = QComboBox()
        self.unit.addItem(self.tr("(from the measure)"), "")
        for unit in UNITS:
            self.unit.addItem(unit, unit)
        self.name = QLineEdit(layer_name(table.file, self.layer_names))
        self.name_note = QLabel()
        self.linked = QCheckBox(self.tr("Keep linked to the file (charts follow when it is saved again)"))
        self.linked.setChecked(True)
        options = QFormLayout()
        options.addRow(self.tr("&Measure:"), self.measure)
        options.addRow(self.tr("&Unit:"), self.unit)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.name_note)
        name_label = QLabel(self.tr("&Layer name:"))
        name_label.setBuddy(self.name)
        options.addRow(name_label, name_row)
        options.addRow("", self.linked)
        self.measure.currentIndexChanged.connect(self.dry_run)
        self.measure.editTextChanged.connect(self.dry_run)
        self.unit.currentIndexChanged.connect(self.dry_run)
        self.name.textChanged.connect(self.dry_run)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Column"), self.tr("Problem")])
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.verticalHeader().hide()
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton()
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.preview, 3)
        layout.addWidget(mapping_box)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.buttons)
        self.dry_run()

    def _field_names(self) -> dict[str, str]:
        return {"entity": self.tr("Entity"), "period": self.tr("Period"), "value": self.tr("Value"),
                "measure": self.tr("Measure"), "qualifier": self.tr("Qualifier"), "unit": self.tr("Unit"),
                "source_title": self.tr("Source title"), "source_url": self.tr("Source URL"),
                "source_published": self.tr("Published"), "notes": self.tr("Notes")}

    def _preview_table(self) -> QTableWidget:
        rows = self.table.rows[:PREVIEW_ROWS]
        preview = QTableWidget(len(rows), len(self.table.header))
        preview.setHorizontalHeaderLabels(self.table.header)
        preview.setVerticalHeaderLabels([str(n) for n in self.table.row_numbers[:PREVIEW_ROWS]])
        preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                preview.setItem(r, c, QTableWidgetItem(text))
        preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        preview.setToolTip(self.tr("Row numbers are the spreadsheet's (the header is row 1)"))
        return preview

    # --- the dry run -----------------------------------------------------------------------

    def mapping(self) -> dict[str, str]:
        return {name: combo.currentData() for name, combo in self.fields.items() if combo.currentData()}

    def chosen_measure(self) -> str:
        """The measure picked, or the one typed ('Sales' -> sales, 'my index' -> my_index)."""
        text = self.measure.currentText().strip()
        index = self.measure.findText(text)
        if index >= 0:
            return self.measure.itemData(index)
        return guess_measure(text) or text.casefold().replace(" ", "_")

    def dry_run(self) -> ImportResult:
        """Import without keeping anything: what 'Import' would add and every bad cell."""
        self.result = import_rows(self.table, self.mapping(), tree_resolver(self.dataset.entities),
                                  measure=self.chosen_measure() or None, unit=self.unit.currentData() or None,
                                  allow_new_entities=True)
        self._show_problems()
        count = len(self.result.rows)
        self.import_button.setText(self.tr("Import 1 valid row") if count == 1
                                   else self.tr("Import {count} valid rows").format(count=count))
        name = self.name.text().strip()
        self.import_button.setEnabled(count > 0 and bool(name))
        self.name_note.setText(self.tr("replaces the layer of that name") if name in self.layer_names else "")
        return self.result

    def _show_problems(self) -> None:
        problems = self.result.problems
        self.problems.setRowCount(len(problems))
        for r, problem in enumerate(problems):
            for c, text in enumerate((str(problem.row), problem.column, problem.message)):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        bad: dict[tuple[int, str], list[str]] = {}
        for problem in problems:
            bad.setdefault((problem.row, problem.column), []).append(problem.message)
        for r in range(self.preview.rowCount()):
            number = self.table.row_numbers[r]
            for c, column in enumerate(self.table.header):
                item = self.preview.item(r, c)
                reasons = bad.get((number, column), [])
                item.setBackground(QBrush(BAD_CELL) if reasons else QBrush())
                item.setToolTip("; ".join(reasons))
        parts = [self.tr("Valid rows: {count}").format(count=len(self.result.rows)),
                 self.tr("bad cells: {count}").format(count=len(problems))]
        if self.result.new_entities:
            parts.append(self.tr("new entities: {names}").format(names=", ".join(self.result.new_entities)))
        self.summary.setText(" · ".join(parts))

    # --- the answer -------------------------------------------------------------------------

    def layer(self) -> DataLayer:
        """The valid rows as a layer (its file kept as where they came from)."""
        return DataLayer(self.name.text().strip(), tuple(self.result.rows), os.path.abspath(self.table.file))

    def link(self) -> LinkSettings | None:
        """How to read the file again; None when the layer is not kept linked."""
        if not self.linked.isChecked():
            return None
        return LinkSettings(self.mapping(), self.chosen_measure(), self.unit.currentData() or "")

    def problem_rows(self) -> list[tuple[str, str, str]]:
        """(row, column, reason) as the list shows them."""
        items = self.problems.item
        return [tuple(items(r, c).text() for c in range(3)) for r in range(self.problems.rowCount())]

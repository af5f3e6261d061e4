"""Dialogs of the milestone editor: edit one milestone, and review a CSV import.

The edit dialog refuses to close on invalid input (title required, real dates, end not
before start, http/https source) and says why; the caller pushes a command only after it
was accepted, so invalid input never reaches the store. The import review lists every bad
cell and offers to import the valid rows as one undo step.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.labels import category_labels
from evcompare.commands.milestones import import_milestones
from evcompare.io.milestone_io import read_milestones_csv, write_milestones
from evcompare.io.schema import Problem
from evcompare.model.entities import EntityTree
from evcompare.model.milestones import BASES, INDUSTRY, Milestone, validate_milestone
from evcompare.model.project import Project

MAX_PROBLEMS_SHOWN = 200


def _tr(text: str) -> str:
    return QCoreApplication.translate("MilestoneDialogs", text)


class MilestoneDialog(QDialog):
    """Edit every field of one milestone; OK is refused with a message while input is invalid."""

    def __init__(self, milestone: Milestone, entities: EntityTree, language: str = "en", new: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add milestone") if new else self.tr("Edit milestone"))
        self.original = milestone
        self._entities = entities
        m = milestone
        self.title_edit = QLineEdit(m.title)
        self.title_zh_edit = QLineEdit(m.title_zh)
        self.entity_combo = QComboBox()
        for entity in entities:
            self.entity_combo.addItem("  " * self._depth(entity.id) + entity.label(language), entity.id)
        self.entity_combo.addItem(self.tr("Industry (market-wide)"), INDUSTRY)
        self.entity_combo.setCurrentIndex(max(0, self.entity_combo.findData(m.entity)))
        self.category_combo = QComboBox()
        for category, name in category_labels().items():
            self.category_combo.addItem(name, category)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(m.category)))
        self.date_edit = QLineEdit(m.date)
        self.date_edit.setPlaceholderText(self.tr("YYYY-MM-DD, or YYYY-MM if only the month is known"))
        self.end_edit = QLineEdit(m.end_date)
        self.end_edit.setPlaceholderText(self.tr("empty unless the event spans several days"))
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("Done"), "done")
        self.status_combo.addItem(self.tr("Planned"), "planned")
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(m.status)))
        self.units_edit = QLineEdit("" if m.units is None else str(m.units))
        self.units_edit.setPlaceholderText(self.tr("for an 'N-th vehicle' milestone"))
        self.basis_combo = QComboBox()
        self.basis_combo.addItem(self.tr("not stated"), "")
        for basis in BASES:
            self.basis_combo.addItem(basis, basis)
        self.basis_combo.setCurrentIndex(max(0, self.basis_combo.findData(m.basis)))
        self.description_edit = QPlainTextEdit(m.description)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMaximumHeight(90)
        self.source_title_edit = QLineEdit(m.source_title)
        self.source_url_edit = QLineEdit(m.source_url)
        self.source_url_edit.setPlaceholderText("https://")
        for edit in (self.title_edit, self.source_title_edit, self.source_url_edit):
            edit.setCursorPosition(0)  # show where a long title or URL starts
        form = QFormLayout()
        rows = ((self.tr("&Title"), self.title_edit), (self.tr("Title (Chinese)"), self.title_zh_edit),
                (self.tr("&Entity"), self.entity_combo), (self.tr("&Category"), self.category_combo),
                (self.tr("&Date"), self.date_edit), (self.tr("E&nd date"), self.end_edit),
                (self.tr("&Status"), self.status_combo), (self.tr("&Units"), self.units_edit),
                (self.tr("&Basis"), self.basis_combo), (self.tr("Desc&ription"), self.description_edit),
                (self.tr("Source t&itle"), self.source_title_edit),
                (self.tr("Source &URL"), self.source_url_edit))
        for label, field in rows:
            form.addRow(label, field)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _depth(self, ident: str) -> int:
        depth, entity = 0, self._entities[ident]
        while entity.parent:
            depth, entity = depth + 1, self._entities[entity.parent]
        return depth

    def _units(self) -> tuple[int | None, str]:
        text = self.units_edit.text().strip().replace(",", "")
        if not text:
            return None, ""
        try:
            return int(text), ""
        except ValueError:
            return None, self.tr("units: expected a whole number of vehicles, got {text!r}").format(
                text=self.units_edit.text())

    def milestone(self) -> Milestone:
        """The milestone as the fields describe it (check `problems()` before storing it)."""
        date = self.date_edit.text().strip()
        return self.original.replace(
            title=self.title_edit.text().strip(), title_zh=self.title_zh_edit.text().strip(),
            entity=self.entity_combo.currentData(), category=self.category_combo.currentData(),
            date=date, date_precision="month" if len(date) == 7 else "day",
            end_date=self.end_edit.text().strip(), status=self.status_combo.currentData(),
            units=self._units()[0], basis=self.basis_combo.currentData(),
            description=self.description_edit.toPlainText().strip(),
            source_title=self.source_title_edit.text().strip(),
            source_url=self.source_url_edit.text().strip())

    def problems(self) -> list[str]:
        """Why the input cannot be stored (empty when it can)."""
        units_problem = self._units()[1]
        known = [e.id for e in self._entities]
        return ([units_problem] if units_problem else []) + validate_milestone(self.milestone(), known)

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            QMessageBox.warning(self, self.tr("Milestone not saved"),
                                self.tr("Please correct:") + "\n• " + "\n• ".join(problems))
            return
        super().accept()


class ImportReviewDialog(QDialog):
    """Show what a file holds before anything is imported: 'Import N valid rows' or Cancel."""

    def __init__(self, path: str, valid: int, problems: list[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import milestones"))
        layout = QVBoxLayout(self)
        summary = self.tr("{file}: {valid} valid rows, {bad} problems.").format(
            file=os.path.basename(path), valid=valid, bad=len(problems))
        layout.addWidget(QLabel(summary))
        if problems:
            layout.addWidget(QLabel(self.tr("Rows with a problem are left out:")))
            listing = QPlainTextEdit()
            listing.setReadOnly(True)
            line = self.tr("row {row}, {column}: {message}")
            shown = [line.format(row=p.row, column=p.column, message=p.message)
                     for p in problems[:MAX_PROBLEMS_SHOWN]]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                shown.append(self.tr("… and {count} more").format(count=len(problems) - MAX_PROBLEMS_SHOWN))
            listing.setPlainText("\n".join(shown))
            layout.addWidget(listing)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("Import {count} valid rows").format(count=valid),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(valid > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 360 if problems else 120)


def import_milestones_file(parent: QWidget, project: Project, stack: QUndoStack, path: str) -> int:
    """Read a milestone CSV, let the user review it, and import the valid rows as one undo
    step ('Import N milestones'); returns how many milestones changed (0 on Cancel)."""
    known = [e.id for e in project.dataset.entities]
    valid, problems = read_milestones_csv(path, known)
    review = ImportReviewDialog(path, len(valid), problems, parent)
    if review.exec() != QDialog.DialogCode.Accepted or not valid:
        return 0
    return import_milestones(stack, project.milestones, valid, known)


def export_milestones_file(parent: QWidget, project: Project, path: str) -> bool:
    """Write every milestone to CSV or, for a .ics name, iCalendar; says so if it fails."""
    try:
        write_milestones(path, project.milestones)
    except OSError as exc:
        QMessageBox.warning(parent, _tr("Export failed"),
                            _tr("Could not write {path}: {reason}").format(path=path, reason=exc.strerror))
        return False
    return True

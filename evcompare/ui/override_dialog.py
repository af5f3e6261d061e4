"""The user's own figure for one period: a correction, or a figure the dataset lacks.

The value is read the way reports write it ('≥40,000', '约4万', '41k'), the qualifier follows
what was typed and can be changed, and a note says why. Nothing changes until OK: the caller
turns the answer into one undoable `SetOverride` (or `RemoveOverride`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import math

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.labels import measure_label
from evcompare.io.tabular_import import parse_value
from evcompare.model.figures import QUALIFIERS
from evcompare.model.periods import parse_period
from evcompare.model.project import Override, Project


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers and services)
        return ""


class OverrideDialog(QDialog):
    """Value, qualifier and note for (entity, measure of the comparison, period)."""

    REMOVE = 2  # exec() result: take the user's figure away again

    def __init__(self, project: Project, entity: str, period: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Override value"))
        self.setMinimumWidth(440)
        ds = project.dataset
        self.entity, self.period = entity, period
        self.measure = project.comparison.measure
        self.unit = ds.unit(entity, self.measure) or "vehicles"
        self.existing = next((o for o in project.overrides if o.key == (entity, self.measure, period)), None)
        current = ds.span(entity, self.measure, parse_period(period))
        name = ds.entities[entity].label(project.comparison.language) if entity in ds.entities else entity
        about = QLabel(self.tr("{entity} · {period} · {measure} ({unit})\nNow: {value}").format(
            entity=name, period=period, measure=measure_label(self.measure), unit=self.unit,
            value=current.display() + (f" — {current.sources[0].title}" if current.sources else "")))
        about.setWordWrap(True)
        self.value = QLineEdit()
        self.value.setPlaceholderText(self.tr("e.g. 40,023 or ≥40,000 or 约4万"))
        self.reading = QLabel()
        self.qualifier = QComboBox()
        meanings = {"exact": self.tr("exact"), "over": self.tr("over (at least this much)"),
                    "approx": self.tr("approximate")}
        for qualifier in QUALIFIERS:
            self.qualifier.addItem(meanings[qualifier], qualifier)
        self.why = QLineEdit()
        self.why.setPlaceholderText(self.tr("Why: the source or reason, shown with the figure"))
        form = QFormLayout()
        form.addRow(self.tr("&Value:"), self.value)
        form.addRow("", self.reading)
        form.addRow(self.tr("&Qualifier:"), self.qualifier)
        form.addRow(self.tr("&Note:"), self.why)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if self.existing is not None:
            remove = QPushButton(self.tr("Remove my figure"))
            remove.setToolTip(self.tr("Show the dataset's figure for this period again"))
            self.buttons.addButton(remove, QDialogButtonBox.ButtonRole.DestructiveRole)
            remove.clicked.connect(lambda: self.done(self.REMOVE))
            self.value.setText(f"{self.existing.value:g}")
            self.why.setText(self.existing.why)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.value.textChanged.connect(self._read)
        self._read(self.value.text())
        if self.existing is not None:
            self.qualifier.setCurrentIndex(self.qualifier.findData(self.existing.qualifier))

    def parsed(self) -> float | None:
        """The value typed, or None (with the reason shown under it) when it cannot be used."""
        try:
            value, _ = parse_value(self.value.text())
        except ValueError as error:
            self.reading.setText(str(error) if self.value.text().strip() else "")
            return None
        if self.unit == "vehicles" and (value < 0 or not value.is_integer()):
            self.reading.setText(self.tr("expected a whole number of vehicles"))
            return None
        return value if math.isfinite(value) else None

    def _read(self, _text: str) -> None:
        value = self.parsed()
        ok = value is not None
        if ok:
            _, qualifier = parse_value(self.value.text())
            if qualifier != "exact":  # '≥40,000' says 'over'; a plain number leaves the choice
                self.qualifier.setCurrentIndex(self.qualifier.findData(qualifier))
            self.reading.setText(self.tr("Reads as {value}").format(value=f"{value:,.12g}"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def override(self) -> Override:
        """The figure as entered, signed with the user's login name and the time."""
        value = self.parsed()
        if value is None:
            raise ValueError(self.reading.text())
        return Override(self.entity, self.measure, self.period, value, self.qualifier.currentData(),
                        self.unit, _user(), dt.datetime.now().isoformat(timespec="seconds"),
                        self.why.text().strip())

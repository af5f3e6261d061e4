"""The comparison's controls: toolbars and menu actions that ask for a change.

Every control emits `changeRequested({field: value})`; the window turns that into one undoable
`SetComparison`. `sync` shows the project's state without emitting, so undo and redo move the
controls too; `set_dataset` fits the measure list and the period limits to the data after an
import or another project.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QToolBar, QWidget

from evcompare.charts import labels
from evcompare.model.comparison import LAYOUTS, Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.milestones import CATEGORIES

MONTH_FORMAT = "yyyy-MM"


def to_qdate(month: str) -> QDate:
    return QDate(int(month[:4]), int(month[5:7]), 1)


def from_qdate(date: QDate) -> str:
    return date.toString(MONTH_FORMAT)


def data_months(dataset: Dataset) -> tuple[str, str]:
    """The first and last month any entity has any figure for: the period editors' limits."""
    bounds = [b for e in dataset.entities for m in dataset.measures()
              if (b := dataset.months_with_data(e.id, m))]
    return min(b[0] for b in bounds).strftime("%Y-%m"), max(b[1] for b in bounds).strftime("%Y-%m")


class Controls(QObject):
    """The data toolbar (measure, metric, frequency, period), the view toolbar and their actions."""

    changeRequested = Signal(dict)

    def __init__(self, dataset: Dataset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self._data_range = data_months(dataset)
        self._range = ("", "")  # the months the editors offer
        self._latest = ""
        self.data_bar = QToolBar(self.tr("Data"), parent)
        self.data_bar.setObjectName("dataToolBar")
        self.view_bar = QToolBar(self.tr("View"), parent)
        self.view_bar.setObjectName("viewToolBar")
        for bar in (self.data_bar, self.view_bar):  # room between a label and its control
            bar.layout().setSpacing(4)
            bar.setContentsMargins(4, 2, 4, 2)
        self._build_data_bar()
        self._build_view_actions(parent)
        self._build_view_bar()

    # --- widgets -----------------------------------------------------------------------------

    def _combo(self, items: dict[str, str], field: str, tip: str,
               tips: dict[str, str] | None = None) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min(14, max(len(text) for text in items.values())))
        for value, text in items.items():
            combo.addItem(text, value)
            if tips:
                combo.setItemData(combo.count() - 1, tips[value], Qt.ItemDataRole.ToolTipRole)
        combo.setToolTip(tip)
        combo.currentIndexChanged.connect(
            lambda _i, combo=combo, field=field: self._request(field, combo.currentData()))
        return combo

    def _month_edit(self, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat(MONTH_FORMAT)
        edit.setCurrentSection(QDateEdit.Section.MonthSection)  # arrows and the wheel step months
        edit.setToolTip(tip)
        return edit

    def _build_data_bar(self) -> None:
        self.measure = self._combo(self._measures(), "measure", self.tr("What is counted"))
        self.metric = self._combo(labels.metric_labels(), "metric",
                                  self.tr("How the figures are compared"), labels.metric_tooltips())
        self.freq = self._combo(labels.frequency_labels(), "freq",
                                self.tr("Months, calendar quarters or calendar years"))
        self.start = self._month_edit(self.tr("First month shown"))
        self.end = self._month_edit(self.tr("Last month shown (the latest month with data when at "
                                            "the latest)"))
        self._set_ranges()
        self.start.dateChanged.connect(lambda d: self._request("start", from_qdate(d)))
        self.end.dateChanged.connect(self._end_changed)
        for text, widget in ((self.tr("Measure"), self.measure), (self.tr("Metric"), self.metric),
                             (self.tr("By"), self.freq), (self.tr("From"), self.start),
                             (self.tr("to"), self.end)):
            label = QLabel(text)
            label.setBuddy(widget)
            label.setToolTip(widget.toolTip())
            self.data_bar.addWidget(label)
            self.data_bar.addWidget(widget)

    def _action(self, text: str, tip: str, parent: QWidget | None, shortcut: str = "",
                checkable: bool = False) -> QAction:
        action = QAction(text, parent)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setCheckable(checkable)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        return action

    def _build_view_actions(self, parent: QWidget | None) -> None:
        chart_tips = {"line": self.tr("Lines over time"), "bars": self.tr("Grouped bars per period"),
                      "area": self.tr("Stacked areas of each panel's brands or models"),
                      "race": self.tr("Cumulative units against days since launch")}
        self.chart_group = QActionGroup(self)
        self.chart_actions: dict[str, QAction] = {}
        for number, (kind, text) in enumerate(labels.chart_labels().items(), start=1):
            action = self._action(text, chart_tips[kind], parent, f"Ctrl+{number}", checkable=True)
            action.triggered.connect(lambda _c=False, kind=kind: self._request("chart", kind))
            self.chart_group.addAction(action)
            self.chart_actions[kind] = action
        self.area_share = self._action(self.tr("100 %"), self.tr("Show stacked areas as shares of their "
                                                                 "total"), parent, checkable=True)
        self.area_share.toggled.connect(lambda on: self._request("area_share", on))
        self.layout_group = QActionGroup(self)
        self.layout_actions: dict[str, QAction] = {}
        for layout, text in labels.layout_labels().items():
            action = self._action(text, self.tr("Arrange the chart panels: {name}").format(name=text),
                                  parent, checkable=True)
            action.triggered.connect(lambda _c=False, layout=layout: self._request("layout", layout))
            self.layout_group.addAction(action)
            self.layout_actions[layout] = action
        self.cycle_layout = self._action(self.tr("Next layout"), self.tr("Cycle overlay, side by side "
                                                                         "and small multiples"),
                                         parent, "Ctrl+L")
        self.cycle_layout.triggered.connect(self._next_layout)
        self.shared_y = self._action(self.tr("Shared value axis"), self.tr("Give every panel the same "
                                                                           "value range"),
                                     parent, checkable=True)
        self.shared_y.toggled.connect(lambda on: self._request("shared_y", on))
        self.dark = self._action(self.tr("Dark theme"), self.tr("Switch between the light and dark "
                                                                "themes"), parent, "Ctrl+T",
                                 checkable=True)
        self.dark.toggled.connect(lambda on: self._request("theme", "dark" if on else "light"))
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for language, text in labels.language_labels().items():
            action = self._action(text, self.tr("Show names in {language}").format(language=text), parent,
                                  checkable=True)
            action.triggered.connect(lambda _c=False, language=language: self._request("language", language))
            self.language_group.addAction(action)
            self.language_actions[language] = action
        self.category_actions: dict[str, QAction] = {}
        for category, text in labels.category_labels().items():
            action = self._action(text, self.tr("Show {category} milestones on time charts").format(
                category=text.lower()), parent, checkable=True)
            action.toggled.connect(self._categories_changed)
            self.category_actions[category] = action

    def _build_view_bar(self) -> None:
        for action in self.chart_actions.values():
            self.view_bar.addAction(action)
        self.view_bar.addAction(self.area_share)
        self.view_bar.addSeparator()
        self.layout_combo = self._combo(labels.layout_labels(), "layout",
                                  self.tr("Arrange the chart panels (Ctrl+L cycles)"))
        self.view_bar.addWidget(self.layout_combo)
        self.view_bar.addAction(self.shared_y)
        self.view_bar.addSeparator()
        self.language_combo = self._combo(labels.language_labels(), "language", self.tr("Language of names"))
        self.view_bar.addWidget(self.language_combo)
        self.view_bar.addAction(self.dark)

    def _measures(self) -> dict[str, str]:
        """The dataset's measures by display name, deliveries first."""
        measures = sorted(self.dataset.measures(), key=lambda m: (m != "deliveries", m))
        return {m: labels.measure_label(m) for m in measures}

    def _set_ranges(self, *shown: str) -> None:
        """Offer the months with data, and any month the comparison shows outside them (a layer
        that brought them may have gone): an editor never shows a month it was not given."""
        first, last = self._data_range
        first, last = min((first, *shown)), max((last, *shown))
        if (first, last) != self._range:
            self._range = (first, last)
            for edit in (self.start, self.end):
                edit.setDateRange(to_qdate(first), to_qdate(last))

    def set_dataset(self, dataset: Dataset) -> None:
        """Offer the measures and months of `dataset` (a layer may bring earlier months or a new
        measure), without asking for a change; the next `sync` shows the comparison in them.
        Cheap when the dataset is the one shown: the project makes a new one for every change."""
        if dataset is self.dataset:
            return
        self.dataset = dataset
        self._data_range = data_months(dataset)
        blocked = [(w, w.blockSignals(True)) for w in (self.measure, self.start, self.end)]
        try:
            measures = self._measures()
            if [self.measure.itemData(i) for i in range(self.measure.count())] != list(measures):
                current = self.measure.currentData()
                self.measure.clear()
                for value, text in measures.items():
                    self.measure.addItem(text, value)
                self.measure.setCurrentIndex(self.measure.findData(current))
            self._set_ranges()
        finally:
            for widget, was in blocked:
                widget.blockSignals(was)

    # --- requests ----------------------------------------------------------------------------

    def _request(self, field: str, value: object) -> None:
        self.changeRequested.emit({field: value})

    def _end_changed(self, date: QDate) -> None:
        month = from_qdate(date)
        self._request("end", "" if month == self._latest else month)

    def _next_layout(self) -> None:
        current = self.layout_combo.currentData()
        self._request("layout", LAYOUTS[(LAYOUTS.index(current) + 1) % len(LAYOUTS)])

    def _categories_changed(self) -> None:
        self._request("milestone_categories",
                      tuple(c for c in CATEGORIES if self.category_actions[c].isChecked()))

    # --- state -------------------------------------------------------------------------------

    def widgets(self) -> list[QObject]:
        return [self.measure, self.metric, self.freq, self.start, self.end, self.layout_combo,
                self.language_combo, self.area_share, self.shared_y, self.dark, *self.chart_actions.values(),
                *self.layout_actions.values(), *self.language_actions.values(),
                *self.category_actions.values()]

    def sync(self, comparison: Comparison, latest: str) -> None:
        """Show `comparison` in every control without emitting a request."""
        self._latest = latest
        blocked = [(w, w.blockSignals(True)) for w in self.widgets()]
        try:
            for combo, value in ((self.measure, comparison.measure), (self.metric, comparison.metric),
                                 (self.freq, comparison.freq), (self.layout_combo, comparison.layout),
                                 (self.language_combo, comparison.language)):
                combo.setCurrentIndex(combo.findData(value))
            self._set_ranges(comparison.start, comparison.end or latest)
            for edit, month in ((self.start, comparison.start), (self.end, comparison.end or latest)):
                if edit.date() != to_qdate(month):  # setting the same date still repaints the toolbar
                    edit.setDate(to_qdate(month))
            self.chart_actions[comparison.chart].setChecked(True)
            self.layout_actions[comparison.layout].setChecked(True)
            self.language_actions[comparison.language].setChecked(True)
            for widget in (self.metric, self.freq, self.start, self.end):  # the race has its own
                widget.setEnabled(comparison.chart != "race")
            self.area_share.setChecked(comparison.area_share)
            self.area_share.setEnabled(comparison.chart == "area")
            self.shared_y.setChecked(comparison.shared_y)
            self.shared_y.setEnabled(comparison.layout != "overlay")
            self.dark.setChecked(comparison.theme == "dark")
            for category, action in self.category_actions.items():
                action.setChecked(category in comparison.milestone_categories)
        finally:
            for widget, was in blocked:
                widget.blockSignals(was)


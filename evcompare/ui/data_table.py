"""The numbers behind the chart, with each figure's qualifier, coverage, conflicts and sources.

`FigureTableModel` shows the frame `evcompare.model.metrics.table` builds; `DataTable` wraps it
in a sortable view that keeps its selection in step with the chart and copies rows for Excel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evcompare.model import metrics
from evcompare.model.figures import QUALIFIER_SIGN, Figure
from evcompare.model.project import Project
from evcompare.ui.theming import Theme, current_theme, theme_changes

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # (entity id, period label)
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # raw value to sort by; None for a missing figure

ENTITY, PERIOD, VALUE, QUALIFIER, COVERAGE, CONFLICTS, SOURCE, NOTE = range(8)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_WIDE_COLUMN_PX = 320  # longer texts (sources, notes) are elided; the tooltip has them in full
def header_style(theme: Theme) -> str:
    """The header's stylesheet: room around each title and lines between them. Only the header
    has one: on the whole app, a sheet styles every widget through Qt's stylesheet engine,
    which slowed the window's first paint."""
    return (f"QHeaderView::section {{ background: {theme.window}; color: {theme.text}; padding: 3px 6px;"
            f" border: none; border-right: 1px solid {theme.grid}; border-bottom: 1px solid {theme.grid};"
            " font-weight: 600; }")

_CELL_PADDING_PX = 16
_HEADER_PADDING_PX = 28  # room for the sort arrow
_WIDTHS_KEPT = 20_000  # measured texts remembered, a few hundred per comparison
_HINTS_KEPT = 64  # header size hints: per titles, font and look
_NUMERIC = frozenset({VALUE, COVERAGE, CONFLICTS})
_ALIGNMENT = tuple(_RIGHT if column in _NUMERIC else _LEFT for column in range(NOTE + 1))  # numbers right
_ALIGNMENT_INT = tuple(flag.value for flag in _ALIGNMENT)  # for data(): enum conversion is slow
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                    Qt.ItemDataRole.ToolTipRole, SORT_ROLE, KEY_ROLE})
# The frame columns a row is made from, in `FigureTableModel._make_row`'s order.
_FRAME_COLUMNS = ("entity", "period", "qualifier", "derived", "measure_unclear", "coverage", "conflicts",
                  "source_titles", "note", "figure")
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class _Row:
    key: tuple[str, str]
    figure: Figure
    texts: tuple[str, ...]  # one per visible column
    sort: tuple[object, ...]


def describe(figure: Figure, value_text: str) -> list[str]:
    """Tooltip lines saying what a figure is: its qualifier, how it was made, its coverage."""
    if figure.missing:
        lines = [QCoreApplication.translate("Figure", "No figure for this period.")]
        if figure.expected > 1:
            lines.append(QCoreApplication.translate("Figure", "Coverage: {covered} of {expected} months "
                                                    "reported").format(covered=0, expected=figure.expected))
        return lines + [figure.note] if figure.note else lines
    meaning = {
        "exact": QCoreApplication.translate("Figure", "as reported"),
        "over": QCoreApplication.translate("Figure", "at least this much: a lower bound"),
        "approx": QCoreApplication.translate("Figure", "approximate"),
    }[figure.qualifier]
    lines = [QCoreApplication.translate("Figure", "Value: {value} ({meaning})").format(
        value=value_text, meaning=meaning)]
    if figure.derived:
        lines.append(QCoreApplication.translate("Figure", "Computed from reported figures."))
    if figure.measure_unclear:
        lines.append(QCoreApplication.translate(
            "Figure", "The source does not say whether this counts deliveries or sales."))
    lines.append(QCoreApplication.translate("Figure", "Coverage: {covered} of {expected} months "
                                            "reported").format(covered=figure.covered,
                                                               expected=figure.expected))
    return lines + [figure.note] if figure.note else lines


class FigureTableModel(QAbstractTableModel):
    """Read-only rows of figures; every cell's tooltip says what the number is and where from."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._where: dict[tuple[str, str], int] = {}
        self._percent = False
        self._decimals = 0

    def set_frame(self, frame: pd.DataFrame | metrics.Columns, labels: dict[str, str], percent: bool,
                  decimals: int = 0) -> bool:
        """Show a `metrics.table` frame or its columns; `labels` maps entity ids to display names.

        `percent`: the metric is a percentage (one decimal and '%'); `decimals` applies otherwise
        (billions of CNY need one, vehicle counts none). When the rows are the same points as
        before (another metric of the same entities and periods) only the cells change, which
        keeps the view's scroll position and costs a fraction of a reset; returns whether so.
        """
        percent_changed = percent != self._percent
        self._percent, self._decimals = percent, 1 if percent else decimals
        words = self._qualifier_words()
        columns = [frame[name].tolist() for name in _FRAME_COLUMNS]
        rows = [self._make_row(labels, words, *values) for values in zip(*columns, strict=True)]
        if rows and [row.key for row in rows] == [row.key for row in self._rows]:
            changed = _changed_columns(rows, self._rows)
            self._rows = rows
            for column in changed:  # one signal a column: a view repaints a range of several whole
                self.dataChanged.emit(self.index(0, column), self.index(len(rows) - 1, column))
            if percent_changed:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, VALUE, VALUE)
            return True
        self.beginResetModel()
        self._rows = rows
        self._where = {row.key: i for i, row in enumerate(rows)}
        self.endResetModel()
        return False

    def _qualifier_words(self) -> dict[str, str]:
        return {"exact": self.tr("exact"), "over": self.tr("over"), "approx": self.tr("approx"),
                "derived": self.tr("derived"), "unclear": self.tr("measure unclear")}

    def _make_row(self, labels: dict[str, str], words: dict[str, str], entity: str, period: str,
                  qualifier: str, derived: bool, measure_unclear: bool, coverage: str, conflicts: int,
                  source_titles: str, note: str, figure: Figure) -> _Row:
        shown = ""
        if qualifier:
            parts = [words[qualifier]]
            parts += [words["derived"]] if derived else []
            parts += [words["unclear"]] if measure_unclear else []
            shown = ", ".join(parts)
        label = labels.get(entity, entity)
        texts = (label, period, self.value_text(figure), shown, coverage,
                 str(conflicts) if conflicts else "", source_titles, note)
        value = None if figure.missing else figure.value
        covered = figure.covered / figure.expected if figure.expected else 0.0
        sort = (label.casefold(), period, value, shown, covered, conflicts, source_titles.casefold(),
                note.casefold())
        return _Row((entity, period), figure, texts, sort)

    def value_text(self, figure: Figure) -> str:
        if self._percent:
            return metrics.percent_text(figure)
        return figure.display(self._decimals)

    # Qt model interface

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else NOTE + 1

    def headers(self) -> list[str]:
        value = self.tr("Value (%)") if self._percent else self.tr("Value")
        return [self.tr("Entity"), self.tr("Period"), value, self.tr("Qualifier"),
                self.tr("Coverage"), self.tr("Conflicts"), self.tr("Source"), self.tr("Note")]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Views ask for seven roles of every painted cell: the ones we do not answer return
        before touching the index, and alignment is a plain int (enum conversion is slow)."""
        if role not in _ROLES or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()].texts[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENT_INT[index.column()]
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == SORT_ROLE:
            return row.sort[column]
        return row.key

    # What the rows say, for the view, tooltips and the clipboard

    def key(self, source_row: int) -> tuple[str, str]:
        return self._rows[source_row].key

    def row_of(self, entity: str, period: str) -> int | None:
        return self._where.get((entity, period))

    def texts(self, source_row: int) -> tuple[str, ...]:
        return self._rows[source_row].texts

    def tooltip(self, row: _Row, column: int) -> str:
        """What the figure is and where it is from; the Conflicts and Source cells add the
        alternatives and each source's URL and date."""
        figure = row.figure
        lines = [f"{row.texts[ENTITY]} · {row.texts[PERIOD]}", *describe(figure, row.texts[VALUE])]
        if column == CONFLICTS and figure.conflicts:
            words = self._qualifier_words()
            lines.append(self.tr("Other reported values:"))
            lines += [f"  • {self._observed(o.value, o.qualifier)} ({words[o.qualifier]}): {o.source.title}"
                      for o in figure.conflicts]
        if column == SOURCE:
            lines.append(self.tr("Sources:"))
            for source in figure.sources:
                published = f" ({source.published})" if source.published else ""
                lines += [f"  • {source.title}{published}", f"    {source.url}"]
        elif figure.sources:
            lines.append(self.tr("Sources: {titles}").format(titles=row.texts[SOURCE]))
        return "\n".join(lines)

    def _observed(self, value: float, qualifier: str) -> str:
        if math.isnan(value):
            return "—"
        return f"{QUALIFIER_SIGN[qualifier]}{value:,.{self._decimals}f}"

    def tsv_header(self) -> list[str]:
        headers = self.headers()
        return headers[:SOURCE + 1] + [self.tr("URL")] + headers[NOTE:]

    def tsv_cells(self, source_row: int) -> list[str]:
        """One row for a spreadsheet: the value as a plain number (the qualifier is the next
        column) and the source URLs after the titles."""
        row = self._rows[source_row]
        value = "" if row.figure.missing else f"{row.figure.value:.12g}"
        cells = [*row.texts[:VALUE], value, *row.texts[QUALIFIER:SOURCE + 1],
                 "; ".join(s.url for s in row.figure.sources), *row.texts[NOTE:]]
        return [" ".join(cell.split()) for cell in cells]


def _changed_columns(rows: list[_Row], before: list[_Row]) -> list[int]:
    """The columns whose text or sort value differs in any row (the same rows' new figures)."""
    return [column for column in range(NOTE + 1)
            if any((new.texts[column], new.sort[column]) != (old.texts[column], old.sort[column])
                   for new, old in zip(rows, before, strict=True))]


class _MissingLastProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE with missing figures last in either direction."""

    def lessThan(self, left: _Index, right: _Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            if (a is None) == (b is None):
                return False
            return (a is None) == (self.sortOrder() == Qt.SortOrder.DescendingOrder)
        return a < b


class _CellDelegate(QStyledItemDelegate):
    """Fills a painted cell's text and alignment from its row in one call. Qt's delegate asks
    the model for seven roles per cell, each through the sort proxy, which asks the model for
    its row and column counts: ~900 calls into Python to repaint a few rows (~4 ms)."""

    def __init__(self, proxy: QSortFilterProxyModel, model: FigureTableModel) -> None:
        super().__init__(proxy)
        self._proxy, self._model = proxy, model

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:  # noqa: N802 (Qt's name)
        column = index.column()
        option.index = index
        text = self._model.texts(self._proxy.mapToSource(index).row())[column]
        option.text = text.replace("\n", "\u2028") if "\n" in text else text  # lines, as Qt's displayText
        option.displayAlignment = _ALIGNMENT[column]
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay


class _TableView(QTableView):
    """A table view that paints its plain cells itself: the alternate rows' fill and the text.

    Qt paints each cell through its delegate, a call into Python (~50 µs a cell, most of it in
    handing over the style option) that lays the text out anew (~25 µs, plus ~1 µs a letter).
    Here a plain cell (not in a selected row nor the focused one) is a fill and a QStaticText
    laid out once per text and cell size, placed where Qt's style places it: the same pixels,
    which `test_data_table` compares. Selected and focused rows are Qt's to paint, and so is
    the whole view for any other delegate, style or layout.
    """

    def __init__(self, model: FigureTableModel, proxy: QSortFilterProxyModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._source, self._proxy = model, proxy
        self._laid_out: dict[tuple, tuple[QStaticText, float, float]] = {}

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._paints_plain_cells():
            super().paintEvent(event)
            return
        region = event.region()
        bounds = region.boundingRect()
        first, last = self.rowAt(bounds.top()), self.rowAt(bounds.bottom())
        if first < 0:
            return  # below the last row
        last = self._proxy.rowCount() - 1 if last < 0 else last
        width = self.viewport().width()
        selection, current = self.selectionModel(), self.currentIndex()
        focused = (self.hasFocus() or self.viewport().hasFocus()) and current.isValid()
        focused_row = current.row() if focused else -1
        left_to_qt, plain = QRegion(), []
        for row in range(first, last + 1):
            band = QRect(0, self.rowViewportPosition(row), width, self.rowHeight(row))
            texts = self._source.texts(self._proxy.mapToSource(self._proxy.index(row, 0)).row())
            if (row == focused_row or selection.rowIntersectsSelection(row, QModelIndex())
                    or any("\n" in text for text in texts)):  # Qt lays out each line of its own
                left_to_qt += band
            else:
                plain.append((row, band, texts))
        if not left_to_qt.isEmpty():
            super().paintEvent(QPaintEvent(region.intersected(left_to_qt)))
        if plain:
            self._paint_plain(plain, bounds)

    def _paints_plain_cells(self) -> bool:
        return (isinstance(self.itemDelegate(), _CellDelegate) and self.style().name() == "fusion"
                and not self.isRightToLeft() and not self.horizontalHeader().sectionsMoved()
                and not self.verticalHeader().sectionsMoved() and not self.wordWrap())

    def _paint_plain(self, rows: list[tuple[int, QRect, tuple[str, ...]]], bounds: QRect) -> None:
        first, last = self.columnAt(bounds.left()), self.columnAt(bounds.right())
        if first < 0:
            return  # right of the last column
        last = self.model().columnCount() - 1 if last < 0 else last
        columns = [(column, self.columnViewportPosition(column), self.columnWidth(column))
                   for column in range(first, last + 1) if not self.isColumnHidden(column)]
        if not columns:
            return
        group = QPalette.ColorGroup.Disabled
        if self.isEnabled():
            group = QPalette.ColorGroup.Normal if self.isActiveWindow() else QPalette.ColorGroup.Inactive
        palette = self.palette()
        left = columns[0][1]
        span = columns[-1][1] + columns[-1][2] - left
        font_key = self.font().key()
        painter = QPainter(self.viewport())
        painter.setPen(palette.color(group, QPalette.ColorRole.Text))
        alternate = None
        if self.alternatingRowColors():
            alternate = palette.brush(group, QPalette.ColorRole.AlternateBase)
        for row, band, texts in rows:
            top, height = band.top(), band.height()
            if alternate is not None and row & 1:
                painter.fillRect(QRect(left, top, span, height), alternate)
            for column, x, cell_width in columns:
                text = texts[column]
                if text:
                    laid_out, dx, dy = self._laid_out_text(text, column, cell_width, height, font_key)
                    painter.drawStaticText(QPointF(x + dx, top + dy), laid_out)
        painter.end()

    def _laid_out_text(self, text: str, column: int, width: int, height: int,
                       font_key: str) -> tuple[QStaticText, float, float]:
        """`text` laid out as Qt's style lays out a cell's (elided to the cell less a focus
        margin a side, centred vertically), and where it goes from the cell's top left."""
        key = (text, width, height, column, font_key)
        found = self._laid_out.get(key)
        if found is None:
            if len(self._laid_out) >= _WIDTHS_KEPT:
                self._laid_out.clear()
            margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
            room = width - 2 * margin
            shown = self.fontMetrics().elidedText(text, self.textElideMode(), room)
            laid_out = self._static_text(shown)
            # Qt centres the line of the whole text: a font it falls back to past the elision
            # (Chinese in a source title) makes the line taller.
            line = laid_out if shown == text else self._static_text(text)
            dx = margin + (room - laid_out.size().width() if column in _NUMERIC else 0.0)
            found = self._laid_out[key] = (laid_out, dx, float((height - round(line.size().height())) // 2))
        return found

    def _static_text(self, text: str) -> QStaticText:
        laid_out = QStaticText(text)
        laid_out.setTextFormat(Qt.TextFormat.PlainText)
        laid_out.prepare(QTransform(), self.font())
        return laid_out


class _TitlesHeader(QHeaderView):
    """The table's horizontal header, which new rows leave alone. After every model reset Qt
    worked its size hint out again, measuring each title through the style sheet (~0.8 ms),
    and repainted it, though rows change neither."""

    def __init__(self, model: FigureTableModel, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._model = model
        self._hints: dict[tuple, QSize] = {}
        self.setSectionsClickable(True)  # as QTableView sets up its own header
        self.setHighlightSections(True)

    def setRootIndex(self, index: _Index) -> None:  # noqa: N802 (Qt's name)
        """The view sets the same root again after every model reset, and the header then
        repainted all its titles (~1 ms) though its sections were the same."""
        model = self.model()
        if model is not None and index == self.rootIndex() and self.count() == model.columnCount():
            return
        super().setRootIndex(index)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        key = (tuple(self._model.headers()), self.count(), self.font().key(), self.styleSheet(),
               self.style().name(), self.isSortIndicatorShown(), self.logicalDpiY())
        hint = self._hints.get(key)
        if hint is None:
            if len(self._hints) >= _HINTS_KEPT:
                self._hints.clear()
            hint = self._hints[key] = super().sizeHint()
        return QSize(hint)


class DataTable(QWidget):
    """The data table panel: sortable, selection linked to the chart, copy to Excel."""

    pointSelected = Signal(str, str)  # entity id, period label
    overrideRequested = Signal(str, str)  # entity id, period label: the user wants to set its figure

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FigureTableModel(self)
        self.proxy = _MissingLastProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = _TableView(self.model, self.proxy, self)
        self.view.setHorizontalHeader(_TitlesHeader(self.model, self.view))
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(_CellDelegate(self.proxy, self.model))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        self._style_header()
        theme_changes.applied.connect(self._style_header)
        header.setSortIndicatorClearable(True)  # a third click restores the entity/period order
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        copy = QAction(self.tr("Copy as TSV (for Excel)"), self.view)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_tsv)
        self.view.addAction(copy)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = copy
        self.override_action = QAction(self.tr("Override value…"), self.view)
        self.override_action.setToolTip(self.tr("Set your own figure for the selected period (undoable)"))
        self.override_action.triggered.connect(self.request_override)
        self.view.addAction(self.override_action)
        self.view.doubleClicked.connect(self._double_clicked)
        self._silent = False
        self._widths: dict[str, int] = {}  # text -> advance in the view's font
        self._width_fonts: tuple[str, str] = ("", "")
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def _style_header(self, _theme: Theme | None = None) -> None:
        header = self.view.horizontalHeader()
        sheet = header_style(current_theme())
        if header.styleSheet() != sheet:
            header.setStyleSheet(sheet)

    def set_frame(self, frame: pd.DataFrame | metrics.Columns, labels: dict[str, str], percent: bool,
                  decimals: int = 0) -> None:
        """Show new rows (a `metrics.table` frame or its columns), keeping the selected point
        selected if it is still there."""
        selected = self.selected_key()
        self._silent = True
        try:
            same_rows = self.model.set_frame(frame, labels, percent, decimals)
        finally:
            self._silent = False
        self._fit_columns()
        if not same_rows:
            self.view.executeDelayedItemsLayout()
        if selected is not None:
            self.select_point(*selected)

    def update_table(self, project: Project) -> None:
        """Show the project's comparison: its entities, measure, metric, frequency and period."""
        c, ds = project.comparison, project.dataset
        frame = metrics.table(ds, c.entities, c.measure, c.metric, c.freq, c.start or None,
                              c.end or None)
        labels = {e: ds.entities[e].label(c.language) for e in c.entities if e in ds.entities}
        units = {ds.unit(e, c.measure) for e in c.entities}
        whole = c.metric == "asp" or units <= {"vehicles", "CNY per vehicle"}  # else billions, margins
        decimals = 0 if whole else 1
        self.set_frame(frame, labels, c.metric in metrics.PERCENT_METRICS, decimals)

    def _fit_columns(self) -> None:
        """Widths from the texts' font metrics: the view's resizeColumnsToContents asks the
        model for every role of every cell and costs tens of milliseconds on each redraw.
        Each text is measured once per font: most (names, periods, sources) recur.

        Columns fit the first rows exactly (and the rows then, when the font changes); after
        that they widen for longer texts and do not narrow. Flipping between metrics,
        frequencies or entities they stay put instead of jumping about, and Qt does not lay
        out and repaint the titles again (~1 ms) nor the table a second time.
        """
        cells = self.view.fontMetrics()
        bold = self.view.horizontalHeader().font()
        bold.setBold(True)
        fonts = (self.view.font().key(), bold.key())
        refit = fonts != self._width_fonts
        if refit or len(self._widths) > _WIDTHS_KEPT:
            self._width_fonts = fonts
            self._widths.clear()
        measured = self._widths
        heads = QFontMetrics(bold)
        texts = [self.model.texts(r) for r in range(self.model.rowCount())]
        widths = {}
        headers = self.model.headers()
        if self.view.horizontalHeader().stretchLastSection():
            # It takes the width left: a width set on it would be undone on the next pass, and the
            # view would repaint the whole table a second time for it.
            headers = headers[:-1]
        for column, header in enumerate(headers):
            widest = 0
            for text in {t[column] for t in texts}:
                width = measured.get(text)
                if width is None:
                    width = measured[text] = cells.horizontalAdvance(text)
                widest = max(widest, width)
            width = max(widest + _CELL_PADDING_PX, heads.horizontalAdvance(header) + _HEADER_PADDING_PX)
            width = min(width, _WIDE_COLUMN_PX)
            shown = self.view.columnWidth(column)
            if width > shown or (width < shown and refit):
                widths[column] = width
        if widths:
            # Quietly: the view answers each resize by repainting the column once more on its next
            # pass, while the new rows already repaint all of it.
            sections = self.view.horizontalHeader()
            was_blocked = sections.blockSignals(True)
            try:
                for column, width in widths.items():
                    sections.resizeSection(column, width)
            finally:
                sections.blockSignals(was_blocked)
            self.view.updateGeometries()

    def _on_selection_changed(self) -> None:
        if self._silent:
            return
        key = self.selected_key()
        if key is not None:
            self.pointSelected.emit(*key)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == VALUE:
            self.request_override()

    def request_override(self) -> None:
        """Ask (the window) for the user's own figure for the selected row's period."""
        key = self.selected_key()
        if key is not None:
            self.overrideRequested.emit(*key)

    def selected_key(self) -> tuple[str, str] | None:
        """(entity id, period) of the current selected row, or None."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        current = self.view.currentIndex()
        chosen = current if any(r.row() == current.row() for r in rows) else rows[0]
        return self.model.key(self.proxy.mapToSource(chosen).row())

    def select_point(self, entity: str, period: str) -> bool:
        """Select and reveal a point's row without emitting `pointSelected` (the chart asked).

        Clears the selection and returns False when the point is not in the table.
        """
        source_row = self.model.row_of(entity, period)
        selection = self.view.selectionModel()
        self._silent = True
        try:
            if source_row is None:
                selection.clearSelection()
                return False
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(index)
            return True
        finally:
            self._silent = False

    def _view_rows(self, selected_only: bool) -> list[int]:
        """Source rows in the order the view shows them."""
        if selected_only:
            proxy_rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        else:
            proxy_rows = list(range(self.proxy.rowCount()))
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in proxy_rows]

    def copy_tsv(self) -> str:
        """Copy the selected rows (all rows when none is selected) as tab-separated text with
        a header, ready to paste into Excel; returns the text."""
        rows = self._view_rows(selected_only=self.view.selectionModel().hasSelection())
        lines = ["\t".join(self.model.tsv_header())]
        lines += ["\t".join(self.model.tsv_cells(r)) for r in rows]
        text = "\n".join(lines) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(entity label, period, value text, qualifier) per row, in view order."""
        return [tuple(self.model.texts(r)[c] for c in (ENTITY, PERIOD, VALUE, QUALIFIER))
                for r in self._view_rows(selected_only=False)]

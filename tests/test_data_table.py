"""The data table shows the core's figures with their qualifiers, sources and conflicts."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from gui_windows import PaintCount
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.data_table import KEY_ROLE, QUALIFIER, SOURCE, VALUE, DataTable
from evcompare.ui.fonts import apply_app_font

LABELS = {"Xiaomi": "Xiaomi", "HIMA": "HIMA"}


@pytest.fixture
def quarterly(dataset: Dataset):
    return metrics.table(dataset, ["Xiaomi", "HIMA"], freq="quarter")


@pytest.fixture
def table(qtbot, quarterly) -> DataTable:
    widget = DataTable()
    qtbot.addWidget(widget)
    widget.set_frame(quarterly, LABELS, percent=False)
    return widget


def _expected(frame) -> list[tuple[str, str, str, str]]:
    rows = []
    for rec in frame.itertuples():
        sign = {"exact": "", "over": "≥ ", "approx": "≈ ", "": ""}[rec.qualifier]
        value = "—" if math.isnan(rec.value) else f"{sign}{rec.value:,.0f}"
        qualifier = rec.qualifier
        if qualifier and rec.derived:
            qualifier += ", derived"
        if qualifier and rec.measure_unclear:
            qualifier += ", measure unclear"
        rows.append((LABELS[rec.entity], rec.period, value, qualifier))
    return rows


def _row_index(table: DataTable, entity: str, period: str) -> int:
    for row in range(table.proxy.rowCount()):
        if table.proxy.index(row, 0).data(KEY_ROLE) == (entity, period):
            return row
    raise AssertionError(f"{entity} {period} not shown")


def test_rows_are_the_core_table_with_signs_and_gaps(table: DataTable, quarterly) -> None:
    rows = table.rows()
    assert rows == _expected(quarterly)
    assert ("Xiaomi", "2025Q3", "108,796", "exact") in rows
    assert ("Xiaomi", "2025Q4", "≥ 130,000", "over, derived") in rows
    assert ("Xiaomi", "2024Q1", "—", "") in rows  # before the first delivery: a gap, not zero


def test_display_names_come_from_labels(qtbot, quarterly) -> None:
    widget = DataTable()
    qtbot.addWidget(widget)
    widget.set_frame(quarterly, {"Xiaomi": "小米汽车", "HIMA": "鸿蒙智行"}, percent=False)
    assert {row[0] for row in widget.rows()} == {"小米汽车", "鸿蒙智行"}


def test_percent_metric_shows_one_decimal_and_percent(qtbot, dataset: Dataset) -> None:
    widget = DataTable()
    qtbot.addWidget(widget)
    widget.set_frame(metrics.table(dataset, ["Xiaomi"], metric="yoy", freq="quarter"), LABELS, percent=True)
    values = {period: value for _, period, value, _ in widget.rows()}
    assert values["2025Q3"] == "173.4 %"
    assert values["2024Q3"] == "—"  # no 2023 base
    assert widget.model.headerData(VALUE, Qt.Orientation.Horizontal) == "Value (%)"


def test_tooltips_give_qualifier_coverage_and_sources(table: DataTable, quarterly) -> None:
    row = _row_index(table, "Xiaomi", "2025Q3")
    urls = quarterly.set_index(["entity", "period"]).loc[("Xiaomi", "2025Q3"), "sources"].split("; ")
    source_tip = table.proxy.index(row, SOURCE).data(Qt.ItemDataRole.ToolTipRole)
    assert urls and all(url in source_tip for url in urls)
    lower = _row_index(table, "HIMA", "2024Q4")
    value_tip = table.proxy.index(lower, VALUE).data(Qt.ItemDataRole.ToolTipRole)
    assert "lower bound" in value_tip and "1 of 3 months" in value_tip
    for column in range(table.proxy.columnCount()):
        assert "Coverage" in table.proxy.index(row, column).data(Qt.ItemDataRole.ToolTipRole)


def test_conflicts_tooltip_lists_the_other_values(table: DataTable) -> None:
    row = _row_index(table, "Xiaomi", "2025Q3")
    cell = table.proxy.index(row, 5)
    assert cell.data() == "1"
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "≥ 100,000" in tip and "seed article" in tip


def test_select_point_selects_without_emitting(qtbot, table: DataTable) -> None:
    with qtbot.assertNotEmitted(table.pointSelected):
        assert table.select_point("HIMA", "2025Q2")
    selected = table.view.selectionModel().selectedRows()
    assert [i.data(KEY_ROLE) for i in selected] == [("HIMA", "2025Q2")]
    assert not table.select_point("HIMA", "1999Q1")
    assert not table.view.selectionModel().hasSelection()


def test_user_selecting_a_row_emits_the_point(qtbot, table: DataTable) -> None:
    row = _row_index(table, "Xiaomi", "2025Q1")
    with qtbot.waitSignal(table.pointSelected, timeout=1000) as blocker:
        table.view.selectRow(row)
    assert blocker.args == ["Xiaomi", "2025Q1"]


def test_new_frame_keeps_the_selected_point(qtbot, table: DataTable, quarterly) -> None:
    table.select_point("HIMA", "2025Q3")
    with qtbot.assertNotEmitted(table.pointSelected):
        table.set_frame(quarterly.iloc[::-1], LABELS, percent=False)
    assert table.selected_key() == ("HIMA", "2025Q3")


def test_copy_tsv_copies_selected_rows_with_a_header(table: DataTable) -> None:
    table.select_point("Xiaomi", "2025Q3")
    text = table.copy_tsv()
    assert QGuiApplication.clipboard().text() == text
    header, line = text.splitlines()
    assert header.split("\t")[:4] == ["Entity", "Period", "Value", "Qualifier"]
    cells = line.split("\t")
    assert len(cells) == len(header.split("\t"))
    assert cells[:4] == ["Xiaomi", "2025Q3", "108796", "exact"]  # a number Excel can sum
    assert any(cell.startswith("https://") for cell in cells)


def test_copy_tsv_copies_every_row_when_none_is_selected(table: DataTable, quarterly) -> None:
    lines = table.copy_tsv().splitlines()
    assert len(lines) == 1 + len(quarterly)
    gap = next(line for line in lines if line.startswith("Xiaomi\t2024Q1"))
    assert gap.split("\t")[2] == ""  # missing stays empty, never 0


def test_ctrl_c_copies_the_selected_rows(qtbot, table: DataTable) -> None:
    table.show()
    qtbot.waitExposed(table)
    table.activateWindow()
    table.view.setFocus()
    qtbot.waitUntil(table.view.hasFocus)
    table.select_point("Xiaomi", "2025Q3")
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Entity\tPeriod\tValue")
    assert lines[1].startswith("Xiaomi\t2025Q3\t108796\texact")


def test_copy_is_in_the_context_menu(table: DataTable) -> None:
    assert table.copy_action in table.view.actions()
    assert table.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert table.copy_action.text() == "Copy as TSV (for Excel)"


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorting_by_value_puts_missing_last(table: DataTable, quarterly, order: Qt.SortOrder) -> None:
    table.view.sortByColumn(VALUE, order)
    shown = [table.proxy.index(r, VALUE).data(KEY_ROLE) for r in range(table.proxy.rowCount())]
    values = quarterly.set_index(["entity", "period"])["value"]
    numbers = [values[key] for key in shown]
    missing = int(values.isna().sum())
    assert missing > 0
    assert all(math.isnan(v) for v in numbers[-missing:])
    present = numbers[:-missing]
    assert present == sorted(present, reverse=order == Qt.SortOrder.DescendingOrder)


def test_clicking_a_column_title_sorts_by_it(qtbot, table: DataTable, quarterly) -> None:
    """The header is the table's own (its size hint is kept across new rows): its titles are
    still buttons that sort, and new rows leave it as tall as before."""
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    header = table.view.horizontalHeader()
    height = header.height()
    middle = header.sectionViewportPosition(VALUE) + header.sectionSize(VALUE) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, height // 2))
    assert header.sortIndicatorSection() == VALUE
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    values = [row[2] for row in table.rows() if row[2] != "—"]
    assert values[0] == min(values, key=lambda text: float(text.lstrip("≥≈ ").replace(",", "")))
    table.set_frame(quarterly[quarterly["entity"] == "Xiaomi"], LABELS, percent=False)
    assert {row[0] for row in table.rows()} == {"Xiaomi"}
    assert header.sizeHint().height() == height


def test_new_rows_leave_the_header_unpainted(qtbot, table: DataTable, quarterly) -> None:
    """New rows (a model reset) that keep every column's width do not repaint the titles."""
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    header = table.view.horizontalHeader()
    painted = PaintCount(header.viewport())
    qtbot.waitUntil(lambda: painted.count > 0)
    widths = [header.sectionSize(column) for column in range(header.count())]
    rows = PaintCount(table.view.viewport())
    painted.count = 0
    table.set_frame(quarterly.iloc[1:], LABELS, percent=False)
    qtbot.waitUntil(lambda: rows.count > 0)
    for _ in range(3):
        QApplication.processEvents()
    assert [header.sectionSize(column) for column in range(header.count())] == widths
    assert len(table.rows()) == len(quarterly) - 1
    assert painted.count == 0


def test_columns_widen_for_longer_texts_and_do_not_narrow(qtbot, quarterly, dataset: Dataset) -> None:
    """Columns fit the first rows; new rows widen a column whose texts are longer and leave
    the others: flipping between frequencies, nothing jumps about."""
    table = DataTable()
    qtbot.addWidget(table)
    monthly = metrics.table(dataset, ["Xiaomi", "HIMA"], freq="month")
    table.set_frame(monthly, LABELS, percent=False)
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    header = table.view.horizontalHeader()

    def widths() -> list[int]:
        return [header.sectionSize(column) for column in range(header.count() - 1)]  # the last stretches

    months = widths()
    table.set_frame(quarterly, LABELS, percent=False)
    quarters = widths()
    assert all(now >= before for now, before in zip(quarters, months, strict=True))
    assert quarters != months  # larger numbers, longer qualifiers
    cells = table.view.fontMetrics()
    for column in range(QUALIFIER + 1):
        assert all(cells.horizontalAdvance(row[column]) < quarters[column] for row in table.rows())
    table.set_frame(monthly, LABELS, percent=False)
    assert widths() == quarters


def test_update_table_follows_the_comparison(qtbot, dataset: Dataset) -> None:
    widget = DataTable()
    qtbot.addWidget(widget)
    project = Project(dataset, Comparison(entities=("Xiaomi",), freq="year", start="2024-01",
                                          end="2025-12", language="zh"))
    widget.update_table(project)
    assert [row[:2] for row in widget.rows()] == [("小米汽车", "2024"), ("小米汽车", "2025")]


ZH_LABELS = {"Xiaomi": "小米汽车", "HIMA": "鸿蒙智行"}


@pytest.fixture
def app_font(qapp: QApplication) -> Iterator[None]:
    """The font the app sets: its default family, then the bundled Chinese font for the
    glyphs the default lacks (which makes a line with Chinese in it taller)."""
    before = QApplication.font()
    apply_app_font(qapp)
    yield
    QApplication.setFont(before)


@pytest.mark.parametrize(("sorted_by", "labels", "two_line_source"),
                         [(None, LABELS, False), (VALUE, LABELS, False), (None, ZH_LABELS, False),
                          (None, LABELS, True)])
def test_cells_look_as_qt_draws_them(qtbot, app_font, table: DataTable, quarterly, sorted_by: int | None,
                                     labels: dict[str, str], two_line_source: bool) -> None:
    """The table fills its cells and paints plain cells' texts itself (one call per cell, not
    seven roles through the proxy; texts laid out once): what is painted, sorted or not, with
    a selected row, elided sources (some with Chinese past the elision), Chinese names and a
    text of two lines (an imported note), is what Qt's own delegate paints."""
    frame = quarterly.copy()
    if two_line_source:
        shown = frame.index[(frame["entity"] == "HIMA") & (frame["period"] == "2025Q1")]  # above the selected
        frame.loc[shown, "source_titles"] = "First source\nSecond source"
    table.set_frame(frame, labels, percent=False)
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    if sorted_by is not None:
        table.view.sortByColumn(sorted_by, Qt.SortOrder.DescendingOrder)
    table.select_point("HIMA", "2025Q2")
    ours = table.view.viewport().grab().toImage()
    table.view.setItemDelegate(QStyledItemDelegate(table.view))
    theirs = table.view.viewport().grab().toImage()
    assert ours == theirs
    assert ours.pixelColor(ours.width() // 3, 0) != ours.pixelColor(ours.width() // 3, ours.height() - 1)

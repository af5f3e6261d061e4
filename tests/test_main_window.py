"""The comparison workspace as an analyst uses it: entity tree, controls, charts, table, undo."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from gui_windows import PaintCount, WindowFactory, window_factory
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication, QMessageBox, QTabBar

from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.data_table import VALUE
from evcompare.ui.main_window import DEFAULT_SIZE, MainWindow
from evcompare.ui.theming import get_theme


def epoch_seconds(when: object) -> float:
    """A calendar date as the UTC epoch seconds a DateAxisItem(utcOffset=0) plots."""
    return pd.Timestamp(when).tz_localize("UTC").timestamp()


@pytest.fixture
def make_window(qtbot, dataset: Dataset) -> Iterator[WindowFactory]:
    """Build main windows (closed at teardown), like napari's make_napari_viewer."""
    yield from window_factory(qtbot, dataset)


def expected_table(window: MainWindow, entities: list[str]) -> pd.DataFrame:
    c = window.project.comparison
    return metrics.table(window.project.dataset, entities, c.measure, c.metric, c.freq, c.start,
                         c.end or window.project.latest_month())


def curve_data(window: MainWindow, entity: str) -> tuple[np.ndarray, np.ndarray]:
    return window.chart.series(entity).curve.getData()


def choose(combo, value: str) -> None:
    """Pick an entry of a combo box by its data, as the user would."""
    combo.setCurrentIndex(combo.findData(value))


def point_index(window: MainWindow, entity: str, period: str) -> int:
    """Which spot of the entity's scatter shows `period`."""
    series = window.chart.series(entity)
    row = series.rows.periods.index(period)
    return int(np.flatnonzero(series.points.data["data"] == row)[0])


def test_opens_on_xiaomi_against_hima_side_by_side(make_window):
    window = make_window()
    assert window.windowTitle() == "Untitled[*] — Xiaomi vs HIMA — evcompare"
    assert window.picker.checked() == ("Xiaomi", "HIMA")
    panels = window.chart.panels()
    assert [p.key for p in panels] == ["Xiaomi", "HIMA"]
    assert [p.plot.titleLabel.text for p in panels] == ["Xiaomi", "HIMA"]
    x, _ = curve_data(window, "Xiaomi")
    assert x[0] == epoch_seconds(pd.Timestamp("2024-04-01"))
    assert isinstance(panels[0].plot.getAxis("bottom"), pg.DateAxisItem)


def test_checking_aito_adds_its_curve_with_the_core_values(make_window):
    window = make_window()
    window.picker.set_checked("Aito", True)
    assert window.project.comparison.entities == ("Xiaomi", "HIMA", "Aito")
    expected = expected_table(window, ["Aito"])
    x, y = curve_data(window, "Aito")
    np.testing.assert_array_equal(y, expected["value"].to_numpy(dtype=float))  # NaN == NaN here
    np.testing.assert_array_equal(x, [epoch_seconds(t) for t in expected["start"]])
    assert window.chart.panel_of("Aito").key == "HIMA"
    assert "Aito" in window.chart.legend.names()
    assert window.windowTitle() == "Untitled[*] — Xiaomi vs HIMA vs Aito — evcompare"


def test_panels_keep_their_place_and_share_the_width_as_entities_come_and_go(make_window):
    """Checking an entity changes the legend, not the panels: each redraws only its data."""
    window = make_window()

    def places() -> list[tuple[float, ...]]:
        return [panel.plot.geometry().getRect() for panel in window.chart.panels()]

    window.show()
    before = places()
    assert len(before) == 2 and before[0][2] == before[1][2]  # the same width
    for entities in (("Xiaomi", "HIMA", "Aito"), ("Xiaomi", "HIMA")):
        window.request_change(entities=entities)
        QApplication.processEvents()
        assert places() == before
    window.request_change(entities=("Xiaomi", "HIMA", "Aito", "Luxeed", "Stelato", "Maextro"))
    QApplication.processEvents()  # a third row of legend: lower panels, as wide as they were
    assert [place[2] for place in places()] == [before[0][2]] * 2


def test_unchecking_an_entity_takes_its_series_off_the_chart(make_window):
    window = make_window()
    window.picker.set_checked("HIMA", False)
    assert window.chart.series("HIMA").plot is None
    assert [p.key for p in window.chart.panels()] == ["Xiaomi"]


def test_an_unchecked_entity_leaves_nothing_drawn_and_comes_back_the_same(make_window):
    """Unchecking hides an entity's items where they are; checking it again shows the same ones."""
    window = make_window()
    window.request_change(entities=("Xiaomi", "HIMA", "Aito"))
    aito = window.chart.series("Aito")
    items = aito.items()
    view = window.chart.panel_of("Aito").plot.getViewBox()
    window.request_change(entities=("Xiaomi", "HIMA"))
    assert aito.plot is None and "Aito" not in window.chart.shown_series()
    assert not any(item.isVisible() for item in items)
    assert "Aito" not in window.chart.legend.names()
    window.request_change(entities=("Xiaomi", "HIMA", "Aito"))
    assert aito.items() == items and aito.curve.isVisible() and aito.points.isVisible()
    assert aito.curve.getViewBox() is view
    np.testing.assert_array_equal(curve_data(window, "Aito")[1],
                                  expected_table(window, ["Aito"])["value"].to_numpy(dtype=float))


def test_quarterly_changes_every_curve(make_window):
    window = make_window()
    before = {e: curve_data(window, e) for e in ("Xiaomi", "HIMA")}
    choose(window.controls.freq, "quarter")
    assert window.project.comparison.freq == "quarter"
    for entity in ("Xiaomi", "HIMA"):
        expected = expected_table(window, [entity])
        x, y = curve_data(window, entity)
        assert len(x) == len(expected) < len(before[entity][0])
        assert list(expected["period"])[:2] == ["2024Q2", "2024Q3"]
        np.testing.assert_array_equal(y, expected["value"].to_numpy(dtype=float))


def test_series_items_and_panels_survive_a_refresh(make_window):
    window = make_window()
    series = window.chart.series("Xiaomi")
    items = (series, series.curve, series.points, series.badges, series.highlight)
    plots = [p.plot for p in window.chart.panels()]
    y_total = curve_data(window, "Xiaomi")[1].copy()
    choose(window.controls.metric, "cumulative")
    again = window.chart.series("Xiaomi")
    assert (again, again.curve, again.points, again.badges, again.highlight) == items
    assert all(a is b for a, b in zip(items, (again, again.curve, again.points, again.badges,
                                             again.highlight), strict=True))
    assert [p.plot for p in window.chart.panels()] == plots
    assert not np.array_equal(curve_data(window, "Xiaomi")[1], y_total, equal_nan=True)


def test_layouts_move_the_same_series_between_panels(make_window):
    window = make_window()
    curve = window.chart.series("HIMA").curve
    choose(window.controls.layout_combo, "overlay")
    (panel,) = window.chart.panels()
    assert window.chart.series("Xiaomi").plot is panel.plot is window.chart.series("HIMA").plot
    window.picker.set_checked("Aito", True)
    choose(window.controls.layout_combo, "multiples")
    assert [p.key for p in window.chart.panels()] == ["Xiaomi", "HIMA", "Aito"]
    assert window.chart.series("HIMA").curve is curve
    assert curve.getViewBox() is window.chart.panels()[1].plot.getViewBox()
    assert window.chart.legend.names()[:3] == ["Xiaomi", "HIMA", "Aito"]
    assert window.chart.legend.scene() is window.chart.view.scene()
    window.controls.cycle_layout.trigger()
    assert window.project.comparison.layout == "overlay"


def test_shared_value_axis_links_the_panels(make_window):
    window = make_window()
    xiaomi, hima = (p.plot for p in window.chart.panels())
    assert hima.getViewBox().linkedView(1) is xiaomi.getViewBox()
    assert xiaomi.getViewBox().viewRange()[1] == hima.getViewBox().viewRange()[1]
    window.controls.shared_y.trigger()
    assert window.project.comparison.shared_y is False
    assert hima.getViewBox().linkedView(1) is None
    # Xiaomi's monthly peak is about half HIMA's: each panel now fits its own data.
    assert xiaomi.getViewBox().viewRange()[1][1] < hima.getViewBox().viewRange()[1][1]
    assert hima.getViewBox().linkedView(0) is xiaomi.getViewBox()  # time stays linked


def value_scale(plot: pg.PlotItem) -> tuple[bool, bool]:
    """Whether a panel shows its value numbers, and its value axis title."""
    axis = plot.getAxis("left")
    return axis.style["showValues"], axis.label.isVisible()


def test_a_shared_value_axis_is_labelled_once_per_row(make_window):
    window = make_window()
    xiaomi, hima = (p.plot for p in window.chart.panels())
    assert value_scale(xiaomi) == (True, True) and value_scale(hima) == (False, False)
    assert xiaomi.getAxis("left").labelText == "Deliveries (vehicles)"
    window.controls.shared_y.trigger()  # each panel has its own scale: each shows it
    assert value_scale(xiaomi) == value_scale(hima) == (True, True)
    assert hima.getAxis("left").labelText == "Deliveries (vehicles)"
    window.undo_action.trigger()
    assert value_scale(hima) == (False, False)
    window.request_change(layout="multiples", entities=("Xiaomi", "HIMA", "Aito", "Luxeed", "Stelato"))
    panels = [p.plot for p in window.chart.panels()]  # three columns: the first of each row shows it
    assert [value_scale(plot)[0] for plot in panels] == [True, False, False, True, False]


def test_a_missing_month_is_a_nan_break_not_a_zero(make_window):
    window = make_window()
    series = window.chart.series("HIMA")
    x, y = curve_data(window, "HIMA")
    gap = series.rows.periods.index("2024-10")
    assert math.isnan(y[gap]) and not math.isnan(y[gap - 1])
    assert series.curve.opts["connect"] == "finite"
    assert x[gap] not in set(series.points.data["x"])  # no point drawn for the gap


def test_qualifiers_have_their_own_symbols(make_window):
    window = make_window()
    spots = window.chart.series("Xiaomi").points.points()
    lower = spots[point_index(window, "Xiaomi", "2024-06")]  # '≥ 10,000'
    exact = spots[point_index(window, "Xiaomi", "2024-04")]  # 7,058
    approx = spots[point_index(window, "Xiaomi", "2025-06")]  # '≈ 25,000'
    assert lower.symbol() == "t1" and lower.brush().style() == Qt.BrushStyle.NoBrush
    assert exact.symbol() == "o" and exact.brush().style() != Qt.BrushStyle.NoBrush
    assert approx.symbol() == "o" and approx.brush().style() == Qt.BrushStyle.NoBrush
    assert approx.pen().style() != exact.pen().style()


def test_a_series_of_lower_bounds_draws_each_as_one(make_window):
    """Xiaomi's cumulative deliveries are all lower bounds: every point is a hollow up-triangle
    (one style for all points is given to pyqtgraph once)."""
    window = make_window()
    window.request_change(metric="cumulative")
    series = window.chart.series("Xiaomi")
    finite = np.isfinite(series.rows.y)
    assert set(series.rows.qualifiers[finite]) == {"over"}
    spots = series.points.points()
    assert len(spots) == finite.sum() > 20
    assert {spot.symbol() for spot in spots} == {"t1"}
    assert {spot.brush().style() for spot in spots} == {Qt.BrushStyle.NoBrush}
    assert {spot.pen().color().name() for spot in spots} == {series.shown_colour}


def test_conflicting_sources_get_a_ring(make_window):
    window = make_window()
    series = window.chart.series("Xiaomi")
    rows = expected_table(window, ["Xiaomi"])
    disputed = rows[rows["conflicts"] > 0]
    assert len(series.badges.data) == len(disputed) > 0
    assert set(series.badges.data["x"]) == {epoch_seconds(t) for t in disputed["start"]}


def test_point_tooltip_tells_value_qualifier_coverage_and_source(make_window):
    window = make_window()
    series = window.chart.series("Xiaomi")
    spot = series.points.points()[point_index(window, "Xiaomi", "2024-06")]
    tip = series.points.opts["tip"](x=spot.pos().x(), y=spot.pos().y(), data=spot.data())
    assert "Xiaomi · 2024-06" in tip
    assert "≥ 10,000 vehicles" in tip
    assert "lower bound" in tip
    assert "1 of 1 months" in tip
    figure = series.rows.figures[series.rows.periods.index("2024-06")]
    assert figure.sources[0].title in tip


def test_the_table_rows_are_the_charts_data(make_window):
    window = make_window()
    window.picker.set_checked("Aito", True)
    names = {"Xiaomi": "Xiaomi", "HIMA": "HIMA", "Aito": "Aito"}
    charted = []
    for entity in window.project.comparison.entities:
        rows = window.chart.series(entity).rows
        _, y = curve_data(window, entity)
        charted += [(names[entity], period, value) for period, value in zip(rows.periods, y, strict=True)]
    table = window.table.rows()
    assert [(r[0], r[1]) for r in table] == [(c[0], c[1]) for c in charted]
    for (_, _, text, _), (_, _, value) in zip(table, charted, strict=True):
        shown = text.lstrip("≥≈ ").replace(",", "")
        assert (shown == "—") if math.isnan(value) else float(shown) == value


def test_selecting_a_table_row_moves_the_highlight(make_window):
    window = make_window()
    model, proxy = window.table.model, window.table.proxy
    row = proxy.mapFromSource(model.index(model.row_of("HIMA", "2025-06"), 0)).row()
    window.table.view.selectRow(row)
    x, y = curve_data(window, "HIMA")
    at = window.chart.series("HIMA").rows.periods.index("2025-06")
    assert window.chart.highlighted() == ("HIMA", x[at], y[at])
    row = proxy.mapFromSource(model.index(model.row_of("Xiaomi", "2024-05"), 0)).row()
    window.table.view.selectRow(row)
    assert window.chart.highlighted()[0] == "Xiaomi"
    assert window.chart.series("HIMA").highlighted() is None


def test_clicking_a_point_selects_its_table_row(make_window):
    window = make_window()
    series = window.chart.series("Xiaomi")
    spot = series.points.points()[point_index(window, "Xiaomi", "2025-09")]
    series.points.sigClicked.emit(series.points, [spot], None)
    assert window.table.selected_key() == ("Xiaomi", "2025-09")
    assert window.chart.highlighted() == ("Xiaomi", spot.pos().x(), spot.pos().y())
    assert window.open_source_action.isEnabled()


def test_open_source_hands_the_url_to_the_browser(make_window, monkeypatch):
    window = make_window()
    opened = []
    monkeypatch.setattr("evcompare.ui.main_window.QDesktopServices.openUrl", opened.append)
    series = window.chart.series("Xiaomi")
    series.on_points_clicked(series.points, [series.points.points()[0]])
    window.open_source_action.trigger()
    assert [url.toString() for url in opened] == [series.rows.figures[0].sources[0].url]


def test_selection_survives_a_refresh(make_window):
    window = make_window()
    series = window.chart.series("HIMA")
    series.on_points_clicked(series.points, [series.points.points()[3]])
    period = window.table.selected_key()[1]
    choose(window.controls.metric, "cumulative")
    assert window.table.selected_key() == ("HIMA", period)
    assert window.chart.highlighted()[0] == "HIMA"


def test_race_marks_xiaomis_500000th_car_at_day_602(make_window):
    window = make_window()
    window.controls.chart_actions["race"].trigger()
    assert window.project.comparison.chart == "race"
    series = window.chart.series("Xiaomi")
    marks = dict(zip(series.crossings.data["y"], series.crossings.data["x"], strict=True))
    assert marks[500_000] == 602
    texts = [label.toPlainText() for label in series.crossing_labels if label.isVisible()]
    assert "Xiaomi: 500,000 in 602 days" in texts
    axis = window.chart.panels()[0].plot.getAxis("bottom")
    assert not isinstance(axis, pg.DateAxisItem) and axis.labelText == "Days since launch"
    assert not any(p.overlay.shown() for p in window.chart.panels())


def test_bars_are_grouped_inside_each_period(make_window):
    window = make_window(Comparison(layout="overlay", chart="bars"))
    xiaomi, hima = window.chart.series("Xiaomi").bars, window.chart.series("HIMA").bars
    assert xiaomi.isVisible() and not window.chart.series("Xiaomi").curve.isVisible()
    start = epoch_seconds(pd.Timestamp("2024-04-01"))
    assert start < xiaomi.opts["x"][0] < hima.opts["x"][0] < epoch_seconds(pd.Timestamp("2024-05-01"))
    hima_rows = window.chart.series("HIMA").rows
    assert len(hima.opts["height"]) == np.isfinite(hima_rows.y).sum()  # gaps get no bar


def test_stacked_area_leaves_out_periods_with_a_missing_layer(make_window):
    window = make_window(Comparison(entities=("HIMA", "Aito", "Luxeed"), layout="overlay", chart="area"))
    aito, luxeed = window.chart.series("Aito"), window.chart.series("Luxeed")
    _, aito_top = aito.curve.getData()
    _, luxeed_top = luxeed.curve.getData()
    both = np.isfinite(aito.rows.y) & np.isfinite(luxeed.rows.y)
    assert both.any() and not both.all()
    np.testing.assert_array_equal(np.isfinite(luxeed_top), both)
    np.testing.assert_allclose(luxeed_top[both], (aito.rows.y + luxeed.rows.y)[both])
    assert luxeed.fill.curves[1] is aito.curve  # Luxeed's layer sits on Aito's
    _, hima_y = window.chart.series("HIMA").curve.getData()
    np.testing.assert_array_equal(hima_y, window.chart.series("HIMA").rows.y)  # the total is an outline
    window.controls.area_share.trigger()
    _, share_top = luxeed.curve.getData()
    np.testing.assert_allclose(share_top[both], 100.0)
    assert window.chart.series("HIMA").plot is None


def test_undo_restores_the_metric_and_the_curves(make_window):
    window = make_window()
    _, before = curve_data(window, "Xiaomi")
    before = before.copy()
    choose(window.controls.metric, "yoy")
    assert window.project.comparison.metric == "yoy"
    assert window.undo_action.text() == "&Undo Change metric to YoY"
    assert not np.array_equal(curve_data(window, "Xiaomi")[1], before, equal_nan=True)
    window.undo_action.trigger()
    assert window.project.comparison.metric == "total"
    np.testing.assert_array_equal(curve_data(window, "Xiaomi")[1], before)
    assert window.controls.metric.currentData() == "total"
    assert window.redo_action.text() == "&Redo Change metric to YoY"
    window.redo_action.trigger()
    assert window.project.comparison.metric == "yoy"


def test_undo_and_redo_shortcuts(make_window):
    window = make_window()
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    shortcuts = {a.shortcut().toString() for a in window.controls.chart_actions.values()}
    assert shortcuts == {"Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"}
    assert window.controls.cycle_layout.shortcut().toString() == "Ctrl+L"
    assert window.controls.dark.shortcut().toString() == "Ctrl+T"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.about_action.shortcut().toString() == "F1"


def test_a_burst_of_period_edits_is_one_undo_step(make_window):
    window = make_window()
    for _ in range(3):
        window.controls.start.stepUp()
    assert window.project.comparison.start == "2024-07"
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Change period start to 2024-07"
    window.undo_stack.undo()
    assert window.project.comparison.start == "2024-04"
    assert window.controls.start.date().toString("yyyy-MM") == "2024-04"


def test_a_metric_change_leaves_the_period_editors_unpainted(qtbot, make_window):
    """Only what changed is repainted: setting the dates they already show made both period
    editors (and the toolbar under them) repaint on every change."""
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    painted = {edit: PaintCount(edit) for edit in (window.controls.start, window.controls.end)}
    qtbot.waitUntil(lambda: all(count.count for count in painted.values()))  # their first paint
    QApplication.processEvents()
    for count in painted.values():
        count.count = 0
    metric_painted = PaintCount(window.controls.metric)
    choose(window.controls.metric, "cumulative")
    qtbot.waitUntil(lambda: metric_painted.count > 0)
    QApplication.processEvents()
    assert [count.count for count in painted.values()] == [0, 0]
    assert window.controls.start.date().toString("yyyy-MM") == "2024-04"


def test_a_new_metric_repaints_only_the_table_columns_it_changes(qtbot, make_window):
    """The entity and period columns keep their texts when the metric changes: the table
    repaints the columns from Value on, once."""
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    view = window.table.view
    regions = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                regions.append(event.region().boundingRect())
            return False

    watch = Watch(view.viewport())
    qtbot.waitUntil(lambda: view.viewport().isVisible())
    QApplication.processEvents()
    view.viewport().installEventFilter(watch)
    window.request_change(metric="cumulative")
    qtbot.waitUntil(lambda: len(regions) > 0)
    for _ in range(3):
        QApplication.processEvents()
    assert len(regions) == 1
    assert regions[0].left() == view.columnViewportPosition(VALUE)
    assert regions[0].right() == view.viewport().width() - 1
    assert window.table.rows()[0][2] != ""


def test_a_metric_change_repaints_the_chart_in_one_rectangle(qtbot, make_window):
    """A refresh changes items all over both panels: the chart repaints the rectangle around
    them, not a dozen pieces (each image and fill clipped to those is several times slower)."""
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    viewport = window.chart.view.viewport()
    regions = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                regions.append(QRegion(event.region()))
            return False

    watch = Watch(viewport)
    viewport.installEventFilter(watch)
    qtbot.waitUntil(lambda: len(regions) > 0)  # the first paint, of everything
    for _ in range(3):
        QApplication.processEvents()
    regions.clear()
    window.request_change(metric="cumulative")
    qtbot.waitUntil(lambda: len(regions) > 0)
    assert regions[0].rectCount() == 1
    for panel in window.chart.panels():
        plot_area = window.chart.view.mapFromScene(panel.plot.getViewBox().sceneBoundingRect()).boundingRect()
        assert regions[0].boundingRect().contains(plot_area)
    assert window.chart.panels()[0].plot.getAxis("left").range[1] > 100_000  # cumulative


def test_a_kpi_card_shown_again_is_painted_in_the_same_pass_as_the_chart(qtbot, make_window):
    """Checking an entity again shows its card in the same repaint of the window as the chart:
    showing a card posts its labels' repaints behind the window's, which made a second pass
    (and sent the window to the screen twice)."""
    window = make_window()
    window.resize(*DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    chart = PaintCount(window.chart.view.viewport())
    qtbot.waitUntil(lambda: chart.count > 0)
    for entities in (("Xiaomi", "HIMA", "Aito"), ("Xiaomi", "HIMA")):  # Aito's card, put away
        window.request_change(entities=entities)
        for _ in range(3):
            QApplication.processEvents()
    seen: list[str] = []

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.UpdateRequest and watched is window:
                seen.append("window repaint")
            elif event.type() == QEvent.Type.Paint and watched.objectName() == "kpiValue":
                seen.append("card value")
            return False

    watch = Watch(window)
    QApplication.instance().installEventFilter(watch)
    try:
        before = chart.count
        window.request_change(entities=("Xiaomi", "HIMA", "Aito"))
        qtbot.waitUntil(lambda: chart.count > before)
        for _ in range(3):
            QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert seen[0] == "window repaint" and seen.count("window repaint") == 1
    assert "card value" in seen
    assert window.kpis.cards()["Aito"].isVisible()


def test_new_rows_repaint_the_data_table_once(qtbot, make_window):
    """Checking an entity gives the table new rows and new column widths: one repaint. Setting
    a width on the stretched last column was undone on Qt's next pass, which repainted the
    whole table again."""
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    table = window.table.view.viewport()
    painted = PaintCount(table)
    qtbot.waitUntil(lambda: painted.count > 0)
    QApplication.processEvents()
    painted.count = 0
    window.request_change(entities=("Xiaomi", "HIMA", "Aito"))
    qtbot.waitUntil(lambda: painted.count > 0)
    for _ in range(3):
        QApplication.processEvents()
    assert painted.count == 1
    header = window.table.view.horizontalHeader()
    assert header.length() == table.width()  # the last column still fills the table
    assert "Aito" in {row[0] for row in window.table.rows()}


def test_a_start_after_the_end_is_refused(make_window):
    window = make_window()
    assert not window.request_change(start="2026-06", end="2026-01")
    assert window.project.comparison.start == "2024-04"
    assert window.undo_stack.count() == 0
    assert "after its end" in window.statusBar().currentMessage()


def test_every_control_has_a_tooltip(make_window):
    window = make_window()
    for control in window.controls.widgets():
        assert control.toolTip(), control


def test_entity_search_filters_in_english_and_chinese(make_window):
    window = make_window()
    window.find_action.trigger()
    window.picker.search.setText("问界")
    assert "Aito" in window.picker.visible_entities() and "HIMA" in window.picker.visible_entities()
    assert "Xiaomi" not in window.picker.visible_entities()
    window.picker.search.setText("yu7")
    assert set(window.picker.visible_entities()) == {"Xiaomi", "Xiaomi YU7"}


def test_names_follow_the_language_setting(make_window):
    window = make_window()
    choose(window.controls.language_combo, "zh")
    assert window.picker.item("Aito").text(0) == "问界"
    assert [p.plot.titleLabel.text for p in window.chart.panels()] == ["小米汽车", "鸿蒙智行"]
    assert window.windowTitle().startswith("Untitled[*] — 小米汽车")


def test_dark_theme_reaches_the_plots(make_window):
    window = make_window()

    def symbol_colours() -> set[tuple[str, str]]:
        return {(spot.pen().color().name(), spot.brush().color().name())
                for series in window.chart.shown_series().values() for spot in series.points.points()}

    light = symbol_colours()
    window.controls.dark.trigger()
    assert window.project.comparison.theme == "dark"
    background = window.chart.panels()[0].plot.getViewBox().background.brush().color().name()
    assert background == "#181b20"
    assert window.chart.view.backgroundBrush().color().name() == "#181b20"
    assert symbol_colours() != light  # the same figures, drawn anew in the theme's colours


def test_dark_theme_reaches_the_cards_and_the_table_header(qtbot, make_window):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    card = next(iter(window.kpis.cards().values()))
    header = window.table.view.horizontalHeader()
    light, dark = get_theme("light"), get_theme("dark")

    def colours() -> tuple[str, str]:
        return (card.grab().toImage().pixelColor(card.width() // 2, 3).name(),
                header.grab().toImage().pixelColor(3, header.height() // 2).name())

    assert colours() == (light.panel, light.window)
    window.controls.dark.trigger()
    qtbot.waitUntil(lambda: colours() == (dark.panel, dark.window))
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: colours() == (light.panel, light.window))


def test_milestones_show_by_category(make_window):
    window = make_window()
    overlay = window.chart.panels()[0].overlay
    shown = {m.id for m in overlay.shown()}
    assert "m-fb13227f91" in shown  # first SU7 deliveries, 2024-04-03
    line = overlay.line("m-fb13227f91")
    assert line.value() == epoch_seconds(pd.Timestamp("2024-04-03"))
    assert "First SU7 deliveries" in line.toolTip()
    window.controls.category_actions["production"].trigger()
    assert "production" not in window.project.comparison.milestone_categories
    assert "m-fb13227f91" not in {m.id for m in overlay.shown()} and not line.isVisible()
    assert all(m.entity in {"Xiaomi", "Xiaomi SU7", "Xiaomi SU7 Ultra", "Xiaomi YU7"}
               for m in overlay.shown())


def test_about_box_names_the_data_as_of_date(make_window, monkeypatch):
    window = make_window()
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    assert "2026-05" in shown[0] and "152 sources" in shown[0] and "0.1.0" in shown[0]


def test_window_layout_is_remembered_and_can_be_reset(make_window):
    window = make_window(remember_layout=True)
    window.table_dock.close()
    window.close()
    assert QSettings("evcompare", "evcompare").value("window/state") is not None
    again = make_window(remember_layout=True)
    assert again.table_dock.isHidden()
    again.reset_layout_action.trigger()
    assert not again.table_dock.isHidden()
    assert QSettings("evcompare", "evcompare").value("window/state") is None


def test_a_layout_remembered_by_an_older_version_is_not_restored(make_window):
    window = make_window(remember_layout=True)
    window.table_dock.close()
    QSettings("evcompare", "evcompare").setValue("window/state", window.saveState(1))  # the old panels
    again = make_window(remember_layout=True)
    assert not again.table_dock.isHidden()


def test_each_group_of_tabbed_panels_has_one_tab_bar(qtbot, make_window):
    """Data | Milestones under the charts; no stale copy of a tab bar left showing anywhere."""
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    shown = [tuple(bar.tabText(i) for i in range(bar.count())) for bar in window.findChildren(QTabBar)
             if bar.isVisible()]
    assert shown == [("Data", "Milestones")]
    window.reset_layout_action.trigger()
    assert [bar for bar in window.findChildren(QTabBar) if bar.isVisible()] != []
    assert len({bar.geometry().getRect() for bar in window.findChildren(QTabBar) if bar.isVisible()}) == 1


def test_a_project_file_given_at_start_up_opens_on_its_comparison(make_window, dataset, tmp_path):
    from evcompare.app import _open_first_project
    from evcompare.io.project_file import save_project

    saved = tmp_path / "race.evcompare"
    save_project(saved, Project(dataset, Comparison(entities=("Xiaomi", "Aito"), chart="race")))
    project, path, skipped = _open_first_project(dataset, [str(saved), str(tmp_path / "notes.csv")])
    assert skipped == [f"{tmp_path / 'notes.csv'}: not a project file (*.evcompare)"]
    window = make_window(project=project)
    window.document.adopt(path)
    assert window.windowTitle() == "race.evcompare[*] — Xiaomi vs Aito — evcompare"
    assert window.controls.chart_actions["race"].isChecked()

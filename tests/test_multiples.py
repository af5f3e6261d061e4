"""Many small multiples, drawn by one canvas: what each cell shows, and how it follows the user."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.test_gui_speed import synthetic_data, synthetic_tree
from gui_windows import window_factory
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from evcompare.charts.data import ChartData, chart_data
from evcompare.charts.panels import CANVAS_PANELS, ChartArea
from evcompare.charts.sampling import peak_downsample
from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.entities import EntityTree
from evcompare.model.project import Project
from evcompare.model.views import SavedView
from evcompare.ui.theming import get_theme

DAY = 86_400.0
YEAR = 365 * DAY


@pytest.fixture
def show(qtbot):
    """A chart on screen (offscreen) at a fixed size drawing `data`; the canvas laid out."""

    def shown(tree: EntityTree, data: ChartData, milestones: list | None = None) -> ChartArea:
        theme = get_theme(data.comparison.theme)
        chart = ChartArea(tree, theme)
        qtbot.addWidget(chart)
        chart.resize(1600, 1000)
        chart.show()
        qtbot.waitExposed(chart)
        chart.show_data(data, milestones or [], theme)
        if chart.canvas() is not None:
            qtbot.waitUntil(lambda: chart.canvas().size().width() > 1000)
        return chart

    return shown


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture
def bundled(dataset: Dataset, show):
    """Every bundled entity as small multiples (more than CANVAS_PANELS, so on the canvas)."""
    project = Project(dataset, Comparison(entities=tuple(e.id for e in dataset.entities), layout="multiples"))
    assert len(project.comparison.entities) >= CANVAS_PANELS
    return show(dataset.entities, chart_data(project), list(project.milestones)), project


def viewport_point(chart: ChartArea, pos: QPointF) -> QPoint:
    return chart.view.mapFromScene(chart.canvas().mapToScene(pos))


def send_mouse(chart: ChartArea, kind: QMouseEvent.Type, at: QPoint, buttons: Qt.MouseButton) -> None:
    viewport = chart.view.viewport()
    button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button,
                                                 buttons, Qt.KeyboardModifier.NoModifier))


def test_twenty_entities_are_the_cells_of_one_canvas(show):
    tree = synthetic_tree(20)
    chart = show(tree, synthetic_data(tree, 400))
    canvas = chart.canvas()
    assert canvas is not None and canvas.scene() is chart.view.scene()
    assert chart.panels() == [] and chart.shown_series() == {}
    names = [entity.name_en for entity in tree]
    assert canvas.cell_names() == names
    assert not set(names) & set(chart.legend.names())  # the cells' titles name them; the legend keys symbols
    assert "≥ lower bound" in chart.legend.names()


def test_a_cells_line_is_the_cores_monthly_figures_with_gaps(bundled, dataset):
    chart, project = bundled
    c = project.comparison
    core = metrics.table(dataset, ["Aito"], c.measure, c.metric, c.freq, c.start,
                         c.end or project.latest_month())
    x, y = chart.canvas().cell_points("Aito")
    np.testing.assert_array_equal(y, core["value"].to_numpy(dtype=float))  # the whole range is in view
    starts = (core["start"] - np.datetime64("1970-01-01")).dt.total_seconds().to_numpy()
    np.testing.assert_array_equal(x, starts)
    assert np.isnan(y).any() and np.isfinite(y).sum() > 5  # a missing month is a gap, not zero


def test_each_point_has_its_qualifiers_symbol(bundled):
    chart, _ = bundled
    rows = chart.data.rows["Xiaomi"]
    symbols = chart.canvas().cell_symbols("Xiaomi")
    over = [p for p, q in zip(rows.periods, rows.qualifiers, strict=True) if q == "over"]
    exact = [p for p, q in zip(rows.periods, rows.qualifiers, strict=True) if q == "exact"]
    assert over and exact
    assert {symbols[p] for p in over} == {"t1"}  # the hollow up-triangle of a lower bound
    assert {symbols[p] for p in exact} == {"o"}
    gaps = [p for p, q in zip(rows.periods, rows.qualifiers, strict=True) if q == ""]
    assert not set(gaps) & set(symbols)


def test_milestones_are_lines_in_their_entitys_cell(bundled):
    chart, project = bundled
    canvas = chart.canvas()
    xiaomi = canvas.cell_milestones("Xiaomi")
    stones = {m.id: m for m in project.milestones}
    assert xiaomi and all(stones[i].entity.startswith("Xiaomi") for i in xiaomi)
    assert not any(stones[i].entity.startswith("Xiaomi") for i in canvas.cell_milestones("Aito"))
    assert "milestone" in chart.legend.names()


def test_dragging_pans_every_cell_together(show):
    tree = synthetic_tree(16)
    data = synthetic_data(tree)
    chart = show(tree, data)
    canvas = chart.canvas()
    start = float(data.rows["B000"].x[0])
    chart.set_x_range(start + YEAR, start + 2 * YEAR)  # as the timeline asks
    before = {e: canvas.cell_points(e)[0] for e in data.rows}
    middle = canvas.point_position("B005", data.rows["B005"].periods[365 + 180])
    assert middle is not None
    at = viewport_point(chart, middle)
    moved: list[tuple[float, float]] = []
    chart.xRangeChanged.connect(lambda x0, x1: moved.append((x0, x1)))
    held = Qt.MouseButton.LeftButton
    send_mouse(chart, QMouseEvent.Type.MouseButtonPress, at, held)
    for step in range(1, 11):
        send_mouse(chart, QMouseEvent.Type.MouseMove, at - QPoint(10 * step, 0), held)
    send_mouse(chart, QMouseEvent.Type.MouseButtonRelease, at - QPoint(100, 0), Qt.MouseButton.NoButton)
    x0, x1 = chart.x_range()
    assert x0 > start + YEAR and x1 - x0 == pytest.approx(YEAR)  # later dates, the same span
    assert moved and moved[-1] == pytest.approx((x0, x1))  # the timeline follows
    for entity, old in before.items():  # each line now runs over the new window, edge to edge
        x, _y = canvas.cell_points(entity)
        assert x.min() > old.min() and x.max() > old.max()
        assert x0 - DAY <= x.min() <= x0 + DAY and x1 - DAY <= x.max() <= x1 + DAY


def test_the_wheel_zooms_every_cell_about_the_pointer(bundled):
    chart, _ = bundled
    canvas = chart.canvas()
    rows = chart.data.rows["Aito"]
    finite = np.flatnonzero(np.isfinite(rows.y))
    at = int(finite[len(finite) // 2])
    where = canvas.point_position("Aito", rows.periods[at])
    x0, x1 = chart.x_range()
    pointer = viewport_point(chart, where)
    viewport = chart.view.viewport()
    QApplication.sendEvent(viewport, QWheelEvent(
        QPointF(pointer), QPointF(viewport.mapToGlobal(pointer)), QPoint(), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
    z0, z1 = chart.x_range()
    assert z1 - z0 < 0.9 * (x1 - x0)  # zoomed in
    assert canvas.point_position("Aito", rows.periods[at]).x() == pytest.approx(where.x(), abs=0.5)  # stays
    for entity in chart.data.rows:  # every cell shows the narrower window (and a month either side)
        x, _y = canvas.cell_points(entity)
        assert x.min() >= z0 - 31 * DAY and x.max() <= z1 + 31 * DAY


def test_hovering_a_point_tells_value_qualifier_and_source(bundled):
    chart, _ = bundled
    rows = chart.data.rows["Xiaomi"]
    at = next(i for i, q in enumerate(rows.qualifiers) if q == "over")
    figure = rows.figures[at]
    canvas = chart.canvas()
    where = canvas.point_position("Xiaomi", rows.periods[at])
    send_mouse(chart, QMouseEvent.Type.MouseMove, viewport_point(chart, where), Qt.MouseButton.NoButton)
    tip = canvas.toolTip()
    assert tip.startswith(f"Xiaomi · {rows.periods[at]}")
    assert figure.display(0) in tip and "lower bound" in tip
    assert f"Source: {figure.sources[0].title}" in tip
    assert canvas.tooltip_at(where + QPointF(0, 40)) == ""  # away from any point: no tooltip


def test_clicking_a_point_selects_and_rings_it(bundled, qtbot):
    chart, _ = bundled
    rows = chart.data.rows["HIMA"]
    at = int(np.flatnonzero(np.isfinite(rows.y))[-3])
    where = chart.canvas().point_position("HIMA", rows.periods[at])
    with qtbot.waitSignal(chart.pointClicked) as clicked:
        qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(chart, where))
    assert clicked.args == ["HIMA", rows.periods[at]]
    assert chart.highlight("HIMA", rows.periods[at])
    assert chart.highlighted() == ("HIMA", rows.x[at], rows.y[at])
    gap = rows.periods[int(np.flatnonzero(np.isnan(rows.y))[0])] if np.isnan(rows.y).any() else "1999-01"
    assert not chart.highlight("HIMA", gap) and chart.highlighted() is None


def test_in_the_window_the_table_and_the_timeline_follow_the_canvas(qtbot, make_window, dataset):
    window = make_window(Comparison(entities=tuple(e.id for e in dataset.entities), layout="multiples"))
    window.show()
    canvas = window.chart.canvas()
    assert canvas is not None
    rows = window.data.rows["Aito"]
    at = int(np.flatnonzero(np.isfinite(rows.y))[2])
    window.on_row_selected("Aito", rows.periods[at])  # a row picked in the table
    assert window.chart.highlighted() == ("Aito", rows.x[at], rows.y[at])
    timeline = window.show_timeline()
    qtbot.waitExposed(timeline)
    x0, x1 = window.chart.x_range()
    canvas.set_window(x0 + YEAR / 2, x1)  # as a drag or the wheel does
    assert timeline.x_range() == pytest.approx((x0 + YEAR / 2, x1))
    timeline.view_box.setXRange(x0, x0 + YEAR, padding=0)
    assert window.chart.x_range() == pytest.approx((x0, x0 + YEAR))


def test_fewer_entities_go_back_to_plot_panels(bundled, dataset):
    chart, project = bundled
    canvas = chart.canvas()
    four = project.comparison.replace(entities=("Xiaomi", "HIMA", "Aito", "Luxeed"))
    chart.show_data(chart_data(Project(dataset, four)), list(project.milestones), chart.theme)
    assert chart.canvas() is None and canvas.scene() is None
    assert [p.key for p in chart.panels()] == ["Xiaomi", "HIMA", "Aito", "Luxeed"]
    assert set(chart.shown_series()) == {"Xiaomi", "HIMA", "Aito", "Luxeed"}


def test_a_one_day_peak_and_a_gap_survive_downsampling(show):
    tree = synthetic_tree(CANVAS_PANELS)
    data = synthetic_data(tree)
    y = data.rows["B003"].y  # the chart draws these very arrays
    peak = float(np.nanmax(y) * 3)
    y[1234] = peak
    y[2000:2003] = np.nan
    chart = show(tree, data)
    x_drawn, y_drawn = chart.canvas().cell_points("B003")
    assert len(x_drawn) < len(y) / 2  # downsampled to a few points a pixel column
    assert np.nanmax(y_drawn) == peak
    gap_start, gap_end = data.rows["B003"].x[2000], data.rows["B003"].x[2002]
    near = (x_drawn >= gap_start - 3 * DAY) & (x_drawn <= gap_end + 3 * DAY)
    assert np.isnan(y_drawn[near]).any()  # the line breaks there, never bridges the gap


def test_peak_downsample_breaks_the_line_at_a_gap():
    x = np.arange(8.0)
    y = np.array([1.0, 5.0, np.nan, 2.0, 3.0, 9.0, 4.0, 4.0])
    xs, ys = peak_downsample(x, y, 0.0, 8.0, 4)  # two points a column
    np.testing.assert_array_equal(ys, [1, 1, 5, 5, np.nan, 2, 2, np.nan, 3, 3, 9, 9, 4, 4, 4, 4])
    np.testing.assert_array_equal(xs, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7])


def test_a_many_entity_view_exports_with_its_cells(dataset):
    from evcompare.charts.export import SlideRenderer

    comparison = Comparison(entities=tuple(e.id for e in dataset.entities), layout="multiples")
    view = SavedView("all", "Every entity", comparison)
    with SlideRenderer(Project(dataset), (1280, 720)) as renderer:
        svg = renderer.svg(view).decode("utf-8")
        assert renderer.slide.chart.canvas() is not None
        image = renderer.image(view)
    assert "Luxeed R7" in svg and "Seres NEV production" in svg  # cell names, as text
    colours = {image.pixelColor(x, y).name() for x in range(0, 1280, 7) for y in range(100, 600, 7)}
    assert len(colours) > 20  # lines, symbols and text drawn, not a blank slide

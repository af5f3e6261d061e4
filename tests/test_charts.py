"""The chart pieces on their own: panel plans, race data and labels, axes, colours, undo texts."""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
import pyqtgraph.graphicsItems.DateAxisItem as date_axis
import pytest
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPicture, QUndoStack
from PySide6.QtWidgets import QApplication

from evcompare.charts.axes import DateAxis, NumberAxis, value_range
from evcompare.charts.data import chart_data
from evcompare.charts.legend import LegendLabel
from evcompare.charts.panels import ChartArea, plan_panels
from evcompare.charts.series import SeriesContext, point_tooltip, readable_colour
from evcompare.commands.comparison import SetComparison
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.model.race import race_curve
from evcompare.ui.theming import get_theme


@pytest.fixture
def shown_chart(qtbot, dataset: Dataset):
    """A chart widget on screen (offscreen) at a fixed size, drawing a project's comparison."""

    def show(comparison: Comparison) -> tuple[ChartArea, Project]:
        project = Project(dataset, comparison)
        chart = ChartArea(dataset.entities, get_theme(comparison.theme))
        qtbot.addWidget(chart)
        chart.resize(1200, 600)
        chart.show()
        qtbot.waitExposed(chart)
        chart.show_data(chart_data(project), list(project.milestones), get_theme(comparison.theme))
        views = [panel.plot.getViewBox() for panel in chart.panels()]
        qtbot.waitUntil(lambda: all(view.width() > 300 for view in views))  # laid out
        chart.grab()  # render once: labels ignore the view's scaling and are placed when painted
        return chart, project

    return show


def test_panels_group_entities_by_their_top_level_group(dataset):
    comparison = Comparison(entities=("Xiaomi", "Aito", "Xiaomi YU7", "HIMA"))
    plans = plan_panels(comparison, dataset.entities)
    assert [(p.key, p.entities) for p in plans] == [("Xiaomi", ("Xiaomi", "Xiaomi YU7")),
                                                    ("HIMA", ("Aito", "HIMA"))]
    assert [p.key for p in plan_panels(comparison.replace(layout="multiples"), dataset.entities)] == [
        "Xiaomi", "Aito", "Xiaomi YU7", "HIMA"]
    (overlay,) = plan_panels(comparison.replace(layout="overlay"), dataset.entities)
    assert overlay.entities == comparison.entities


def test_race_data_is_the_cores_race_curve(dataset):
    project = Project(dataset, Comparison(chart="race"))
    data = chart_data(project)
    curve = race_curve(dataset, "Xiaomi", "deliveries", list(project.milestones))
    rows = data.rows["Xiaomi"]
    np.testing.assert_array_equal(rows.x, curve["days"].to_numpy(dtype=float))
    np.testing.assert_array_equal(rows.y, curve["value"].to_numpy(dtype=float))
    table = data.frame[data.frame["entity"] == "Xiaomi"]
    assert list(table["period"]) == rows.periods and rows.periods[0] == "2024-03"
    assert {(r.units, r.days, r.method) for r in data.crossings["Xiaomi"]} == {
        (100_000, 230, "milestone"), (500_000, 602, "milestone")}


def test_race_labels_do_not_overlap(shown_chart):
    chart, _ = shown_chart(Comparison(chart="race", layout="overlay"))
    labels = [label for series in chart.shown_series().values() for label in series.crossing_labels
              if label.isVisible()]
    assert len(labels) == 4  # 100,000 and 500,000 for Xiaomi and HIMA
    texts = sorted(label.toPlainText() for label in labels)
    assert texts == ["HIMA: 100,000 in ≈215 days", "HIMA: 500,000 in ≈458 days",
                     "Xiaomi: 100,000 in 230 days", "Xiaomi: 500,000 in 602 days"]
    for a, b in itertools.combinations(labels, 2):
        assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect()), (a.toPlainText(), b.toPlainText())
    view = chart.panels()[0].plot.getViewBox().sceneBoundingRect()
    assert all(view.contains(label.sceneBoundingRect()) for label in labels)


def test_milestone_labels_do_not_overlap(shown_chart):
    chart, _ = shown_chart(Comparison())
    for panel in chart.panels():
        lines = [panel.overlay.line(m.id) for m in panel.overlay.shown()]
        labels = [panel.overlay.lines.label_rect(line) for line in lines if line.labelled]
        view = panel.plot.getViewBox().sceneBoundingRect()
        # from under the symbols down, within the view's height, beside a line inside it
        assert all(view.top() < r.top() and r.bottom() < view.bottom() and view.left() < r.right()
                   for r in labels)
        assert 5 < len(labels) < len(lines)  # some labelled, the crowded rest left to tooltips
        for a, b in itertools.combinations(labels, 2):
            assert not a.intersects(b)


def test_hidden_milestone_categories_stay_hidden(shown_chart):
    chart, _ = shown_chart(Comparison(milestone_categories=("financial",)))
    shown = [m for panel in chart.panels() for m in panel.overlay.shown()]
    assert shown and {m.category for m in shown} == {"financial"}


def test_value_axis_reads_like_the_cli(qapp):  # an axis is a graphics item: it needs the app
    axis = NumberAxis("left")
    assert axis.tickStrings([0.0, 100_000.0, 500_000.0], 1.0, 100_000.0) == ["0", "100,000", "500,000"]
    assert axis.tickStrings([12.5, 13.0], 1.0, 0.5) == ["12.5", "13.0"]


@pytest.mark.parametrize("days", [2, 10, 60, 800, 3650])
def test_date_ticks_are_pyqtgraphs_without_asking_for_the_local_time_zone(qapp, monkeypatch, days):
    start, width = 1.71e9 + days, 900  # a range never asked before (the ticks are shared)
    theirs = pg.DateAxisItem("bottom", utcOffset=0)
    theirs.fontMetrics = QFontMetrics(QFont())
    expected = theirs.tickValues(start, start + days * 86_400, width)

    def local_time(timestamp: float) -> int:
        raise AssertionError("asked for the local time zone")

    monkeypatch.setattr(date_axis, "applyOffsetFromUtc", local_time)
    ours = DateAxis("bottom")
    ours.fontMetrics = theirs.fontMetrics
    ticks = ours.tickValues(start, start + days * 86_400, width)
    assert [spacing for spacing, _ in ticks] == [spacing for spacing, _ in expected]
    for (_, got), (_, wanted) in zip(ticks, expected, strict=True):
        np.testing.assert_array_equal(got, wanted)
    assert sum(len(values) for _, values in ticks) >= 2


def _specs(axis: pg.AxisItem, make) -> tuple:
    """An axis' draw specs as plain numbers: pens by colour, points and rectangles as tuples."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        line, ticks, texts = make(axis, painter)
    finally:
        painter.end()

    def pen_line(pen, start, end):
        return pen.color().rgba(), pen.widthF(), (start.x(), start.y()), (end.x(), end.y())

    return (pen_line(*line), [pen_line(*tick) for tick in ticks],
            [(rect.getRect(), int(flags), text) for rect, flags, text in texts])


@pytest.mark.parametrize("grid", [True, False])
@pytest.mark.parametrize("values", [True, False])
def test_axes_lay_out_ticks_and_texts_as_pyqtgraph_does(qtbot, grid, values):
    """Our axes work out their ticks and texts themselves (faster): the same lines at the same
    places with the same fading, the same texts in the same boxes, for value and date axes
    over ranges and sizes where pyqtgraph shows one, two or three levels."""
    left, bottom = NumberAxis("left"), DateAxis("bottom")
    widget = pg.PlotWidget(axisItems={"left": left, "bottom": bottom})
    qtbot.addWidget(widget)
    widget.showGrid(x=grid, y=grid, alpha=0.4)
    for axis in (left, bottom):
        axis.setStyle(showValues=values)
    widget.show()
    qtbot.waitExposed(widget)

    def ours(axis: pg.AxisItem, painter: QPainter) -> tuple:
        return axis.generateDrawSpecs(painter)

    def theirs(axis: pg.AxisItem, painter: QPainter) -> tuple:
        kind = pg.DateAxisItem if isinstance(axis, DateAxis) else pg.AxisItem
        return kind.generateDrawSpecs(axis, painter)

    compared = 0
    for (width, height), low, high, start, days in itertools.product(
            [(420, 260), (900, 600)], [0.0, -35.5], [42_000.0, 310_000.0, 12.75], [1.71e9], [45, 800]):
        widget.resize(width, height)
        qtbot.waitUntil(lambda w=width: abs(widget.getViewBox().width() - w) < 120)
        widget.setRange(xRange=(start, start + days * 86_400), yRange=(low, high), padding=0)
        widget.grab()  # the axes widen for their texts when painted, and take it on the next
        QApplication.processEvents()
        for axis in (left, bottom):
            expected = _specs(axis, theirs)
            assert _specs(axis, ours) == expected
            assert len(expected[1]) >= 3 and (len(expected[2]) >= 2) == values
            compared += 1
    assert compared == 48


def test_axes_repainted_from_their_kept_pixels_look_as_when_drawn(shown_chart):
    """An unchanged axis is blitted from the pixels of its last drawing: a repaint must look
    exactly like the drawing, and a change must look as the same chart drawn afresh."""
    chart, project = shown_chart(Comparison(layout="overlay"))
    drawn = chart.grab().toImage()  # the second paint: the axes from their kept pixels
    assert chart.panels()[0].plot.getAxis("bottom")._pixels is not None
    assert chart.grab().toImage() == drawn
    run_rate = Comparison(layout="overlay", metric="run_rate")
    chart.show_data(chart_data(Project(project.dataset, run_rate)), [], get_theme("light"))
    changed = chart.grab().toImage()
    assert changed != drawn
    assert chart.grab().toImage() == changed
    fresh, _ = shown_chart(run_rate)
    fresh.show_data(chart_data(Project(project.dataset, run_rate)), [], get_theme("light"))
    assert fresh.grab().toImage() == changed


def test_the_value_axis_title_shows_each_new_title_and_colour(shown_chart):
    """Axis titles are laid out again only when their text changes, and always when it does."""
    chart, project = shown_chart(Comparison(layout="overlay"))
    label = chart.panels()[0].plot.getAxis("left").label
    assert label.toPlainText().strip() == "Deliveries (vehicles)"
    cumulative = Comparison(layout="overlay", metric="cumulative")
    chart.show_data(chart_data(Project(project.dataset, cumulative)), [], get_theme("light"))
    assert label.toPlainText().strip() == "Deliveries, Cumulative (vehicles)"
    dark = get_theme("dark")
    chart.show_data(chart_data(Project(project.dataset, cumulative)), [], dark)
    assert QColor(dark.plot_foreground).name() in label.toHtml().lower()


def test_panels_show_only_a_time_and_a_value_axis(shown_chart):
    chart, _ = shown_chart(Comparison())
    for panel in chart.panels():
        shown = [side for side in ("left", "bottom", "top", "right") if panel.plot.getAxis(side).isVisible()]
        assert shown == ["left", "bottom"]


def test_legend_names_are_drawn_in_the_legend_colour_and_size(qapp):
    label = LegendLabel("Xiaomi", "#cc0000", "9pt")
    small = label.preferredSize()
    label.setAttr("size", "18pt")  # as a slide's legend sets it
    assert label.preferredSize().height() > small.height() * 1.5
    assert label.preferredSize().width() == pytest.approx(label.text_width())
    assert label.text_width() > small.width() * 1.5  # what the legend fits its columns by
    label.resize(label.preferredSize())

    def painted() -> set[str]:
        image = QImage(label.size().toSize(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        label.paint(painter)
        painter.end()
        return {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}

    label.setAttr("color", "#0000cc")
    assert "#0000cc" in painted() and "#cc0000" not in painted()
    label.setAttr("color", "#00aa00")  # its kept pixels are drawn again in the new colour
    assert "#00aa00" in painted() and "#0000cc" not in painted()


def test_value_range_starts_at_zero_and_ignores_gaps():
    low, high = value_range([np.array([20_000.0, np.nan, 50_000.0])])
    assert low == 0.0 and 50_000 < high < 55_000
    assert value_range([np.array([-10.0, 30.0])])[0] == -10.0
    assert value_range([np.array([np.nan])]) == (0.0, 1.06)


def test_dark_theme_lifts_only_the_darkest_colours():
    dark, light = get_theme("dark"), get_theme("light")
    assert readable_colour("#332288", light) == "#332288"
    lifted = readable_colour("#332288", dark)
    assert QColor(lifted).lightness() > QColor("#332288").lightness() + 40
    assert readable_colour("#E69F00", dark) == "#e69f00"


def test_tooltip_says_a_cumulative_figure_is_derived(dataset):
    data = chart_data(Project(dataset, Comparison(metric="cumulative")))
    rows = data.rows["Xiaomi"]
    index = rows.periods.index("2025-06")
    tip = point_tooltip(SeriesContext("Xiaomi", "Deliveries", "vehicles", False, False),
                        rows.periods[index], rows.figures[index])
    assert "Derived: computed from reported figures (since 2024-03)" in tip
    assert "Coverage: 15 of 16 months reported" in tip
    assert "more sources" in tip


def test_undo_texts_name_the_change(dataset):
    project = Project(dataset)
    c = project.comparison
    assert SetComparison(project, c.replace(metric="yoy")).text() == "Change metric to YoY"
    assert SetComparison(project, c.replace(freq="quarter")).text() == "Change frequency to Quarter"
    assert SetComparison(project, c.replace(entities=(*c.entities, "Aito"))).text() == "Add Aito"
    assert SetComparison(project, c.replace(entities=("Xiaomi",))).text() == "Remove HIMA"
    assert SetComparison(project, c.replace(end="")).text() == "Change view"  # nothing changed
    with pytest.raises(ValueError, match="after its end"):
        SetComparison(project, c.replace(start="2026-01", end="2025-01"))


def test_period_bursts_merge_and_cancel_out(dataset):
    project = Project(dataset)
    stack = QUndoStack()
    stack.push(SetComparison(project, project.comparison.replace(start="2024-05")))
    stack.push(SetComparison(project, project.comparison.replace(start="2024-06")))
    assert stack.count() == 1 and project.comparison.start == "2024-06"
    stack.push(SetComparison(project, project.comparison.replace(start="2024-04")))
    assert stack.count() == 0  # back where it started: nothing to undo
    stack.push(SetComparison(project, project.comparison.replace(metric="yoy")))
    stack.push(SetComparison(project, project.comparison.replace(metric="mom")))
    assert stack.count() == 2  # picking a metric is a deliberate step, kept
    stack.undo()
    assert project.comparison.metric == "yoy"

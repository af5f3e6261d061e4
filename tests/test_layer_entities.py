"""Entities only a data layer names (BYD from the user's table) are drawn like any other in a
colour of their own and go with their layer; the user's own figures are drawn as stars,
explained in the legend; the toolbar offers the months and measures a layer brings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gui_windows import table_value, window_factory
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QUndoStack

from evcompare.charts.data import chart_data
from evcompare.charts.panels import ChartArea
from evcompare.commands.data import AddLayer, RemoveLayer, SetOverride
from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Observation, Source
from evcompare.model.periods import parse_period
from evcompare.model.project import DataLayer, Override, Project
from evcompare.model.race import days_to
from evcompare.ui.theming import get_theme

BYD_MONTHS = {"2025-01": 300_500.0, "2025-02": 322_800.0, "2025-04": 380_100.0, "2025-05": 382_500.0}
SHEET = Source("my BYD sheet", "", "2025-06-01")


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


def layer(name: str, entity: str = "BYD", months: dict[str, float] | None = None,
          measure: str = "deliveries") -> DataLayer:
    rows = tuple(Observation(entity, measure, period, value, "vehicles", "exact", SHEET, user=True)
                 for period, value in (months or BYD_MONTHS).items())
    return DataLayer(name, rows)


def byd_project(dataset: Dataset) -> Project:
    project = Project(dataset)
    project.add_layer(layer("BYD monthly"))
    return project


def spot(window, entity: str, period: str) -> dict:
    """The scatter spot drawn for (entity, period): its symbol, pen and brush."""
    series = window.chart.series(entity)
    at = int(np.flatnonzero(series.points.data["data"] == series.rows.periods.index(period))[0])
    point = series.points.points()[at]
    return {"symbol": point.symbol(), "pen": point.pen(), "brush": point.brush()}


def test_a_layers_own_entity_is_drawn_in_its_own_colour_and_goes_with_its_layer(make_window, dataset):
    window = make_window(project=byd_project(dataset))
    panel = window.document.layers
    item = panel.entity_item("BYD monthly", "BYD")
    assert item.flags() & Qt.ItemFlag.ItemIsEnabled and item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "own entity" in item.toolTip(0)
    item.setCheckState(0, Qt.CheckState.Checked)
    assert window.project.comparison.entities == ("Xiaomi", "HIMA", "BYD")
    series = window.chart.shown_series()["BYD"]
    x, y = series.curve.getData()
    drawn = dict(zip(series.rows.periods, y, strict=True))
    assert {p: v for p, v in drawn.items() if not math.isnan(v)} == BYD_MONTHS
    assert math.isnan(drawn["2025-03"])  # a missing month is a gap, never zero
    assert series.colour not in {e.colour for e in dataset.entities}
    assert "BYD" in window.chart.legend.names()
    assert table_value(window, "BYD", "2025-02") == "322,800"
    assert table_value(window, "BYD", "2025-03") == "—"
    assert "Xiaomi vs HIMA vs BYD" in window.windowTitle()
    listed = window.picker.item("BYD")  # the entity tree lists it too, under "Imported data"
    assert listed.parent().text(0) == "Imported data" and listed.checkState(0) == Qt.CheckState.Checked
    window.picker.set_checked("Aito", True)
    assert window.project.comparison.entities == ("Xiaomi", "HIMA", "Aito", "BYD")
    window.undo_action.trigger()
    window.picker.set_checked("BYD", False)  # toggled from the entity tree as well
    assert window.project.comparison.entities == ("Xiaomi", "HIMA")
    window.undo_action.trigger()

    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    panel.remove.click()
    assert window.undo_action.text() == "&Undo Remove layer BYD monthly"
    assert window.project.comparison.entities == ("Xiaomi", "HIMA")
    assert "BYD" not in window.chart.shown_series() and series.plot is None
    assert "BYD" not in {label for label, _p, _v, _q in window.table.rows()}
    assert "BYD" not in window.windowTitle()
    assert "BYD" not in window.picker.visible_entities()

    window.undo_action.trigger()
    assert window.project.comparison.entities == ("Xiaomi", "HIMA", "BYD")
    assert window.chart.shown_series()["BYD"] is series
    assert np.array_equal(series.curve.getData()[1], y, equal_nan=True)
    assert table_value(window, "BYD", "2025-02") == "322,800"


def test_a_user_figure_is_drawn_as_a_star_and_the_legend_explains_it(make_window):
    window = make_window()
    assert spot(window, "Xiaomi", "2025-03")["symbol"] == "t1"  # '≥ 29,000' from the bundled sources
    assert "User figure" not in window.chart.legend.names()
    window.undo_stack.push(SetOverride(window.project, Override("Xiaomi", "deliveries", "2025-03", 29_412.0,
                                                                who="me")))
    mine = spot(window, "Xiaomi", "2025-03")
    assert mine["symbol"] == "star" and mine["brush"].style() != Qt.BrushStyle.NoBrush
    assert spot(window, "Xiaomi", "2025-02")["symbol"] == "t1"  # the others as they were
    assert "User figure" in window.chart.legend.names()
    window.undo_action.trigger()
    assert spot(window, "Xiaomi", "2025-03")["symbol"] == "t1"
    assert "User figure" not in window.chart.legend.names()


def test_a_user_figure_of_the_same_value_is_drawn_as_one_and_checking_an_entity_keeps_it(make_window):
    """A series whose values did not change keeps its items' data (checking another entity
    sets it again no more), but a figure that became the user's at the same value is redrawn
    as one; and the series checked alongside stays as it was."""
    window = make_window()
    bundled = window.chart.shown_series()["Xiaomi"].curve.getData()[1].copy()
    assert spot(window, "Xiaomi", "2025-03")["symbol"] == "t1"
    window.undo_stack.push(SetOverride(window.project, Override("Xiaomi", "deliveries", "2025-03", 29_000.0,
                                                                qualifier="over", who="me")))
    assert spot(window, "Xiaomi", "2025-03")["symbol"] == "star"
    np.testing.assert_array_equal(window.chart.shown_series()["Xiaomi"].curve.getData()[1], bundled)
    window.request_change(entities=("Xiaomi", "HIMA", "Aito"))
    assert spot(window, "Xiaomi", "2025-03")["symbol"] == "star"
    aito = window.chart.shown_series()["Aito"]
    np.testing.assert_array_equal(aito.curve.getData()[1], window.data.rows["Aito"].y)


def test_a_figure_made_from_a_user_figure_is_one_too(dataset):
    project = byd_project(dataset)
    quarter = project.dataset.span("BYD", "deliveries", parse_period("2025Q1"))
    assert quarter.user and quarter.lower_bound and quarter.value == 623_300  # March is missing
    assert not dataset.span("Xiaomi", "deliveries", parse_period("2025Q1")).user


def test_metrics_and_the_race_take_a_layers_entity_like_any_without_launch_or_alliance(dataset):
    ds = byd_project(dataset).dataset
    share = metrics.table(ds, ["BYD"], metric="share")
    assert share["value"].isna().all() and "HIMA brands" in share["note"].iloc[0]
    cumulative = metrics.table(ds, ["BYD"], metric="cumulative", end="2025-02")
    assert cumulative["value"].tolist() == [300_500.0, 623_300.0]  # from its first month
    assert days_to(ds, "BYD", 100_000).method == "no launch milestone"


def test_layer_entities_keep_their_colour_and_leave_with_their_last_layer(dataset):
    project = Project(dataset)
    project.add_layer(layer("BYD monthly"))
    project.add_layer(layer("more", entity="Leapmotor"))
    colours = {e.id: e.colour for e in project.dataset.entities if e.kind == "layer"}
    assert len(set(colours.values())) == 2
    alone = Project(dataset)
    alone.add_layer(layer("more", entity="Leapmotor"))
    assert alone.dataset.entities["Leapmotor"].colour == colours["Leapmotor"]
    project.add_layer(layer("BYD again"))
    project.remove_layer("BYD monthly")
    assert "BYD" in project.dataset.entities  # the other layer still names it
    project.remove_layer("BYD again")
    assert "BYD" not in project.dataset.entities and "Leapmotor" in project.dataset.entities


def test_replacing_or_removing_a_layer_takes_its_entity_out_of_the_comparison_in_the_same_step(dataset):
    project = byd_project(dataset)
    project.set_comparison(project.comparison.replace(entities=("Xiaomi", "BYD")))
    stack = QUndoStack()
    stack.push(AddLayer(project, layer("BYD monthly", entity="Xiaomi")))  # a new version without BYD
    assert project.comparison.entities == ("Xiaomi",) and "BYD" not in project.dataset.entities
    stack.undo()
    assert project.comparison.entities == ("Xiaomi", "BYD") and "BYD" in project.dataset.entities
    stack.push(RemoveLayer(project, "BYD monthly"))
    assert project.comparison.entities == ("Xiaomi",) and not project.layers
    stack.undo()
    assert project.comparison.entities == ("Xiaomi", "BYD") and "BYD" in project.dataset.entities


def test_the_chart_skips_an_entity_the_data_no_longer_has(qtbot, dataset):
    """A linked file's new version may drop an entity still shown: the chart leaves it out."""
    project = Project(dataset, Comparison(entities=("Xiaomi", "BYD")))
    chart = ChartArea(dataset.entities, get_theme("light"))
    qtbot.addWidget(chart)
    chart.show_data(chart_data(project), [], get_theme("light"))
    assert list(chart.shown_series()) == ["Xiaomi"]
    assert chart.legend.names()[0] == "Xiaomi"


def test_the_toolbar_offers_the_months_and_measures_a_layer_brings(make_window):
    window = make_window(Comparison(measure="sales"))
    controls = window.controls
    first = controls.start.minimumDate()
    assert first > QDate(2019, 1, 1) and controls.measure.findData("weekly_registrations") == -1
    history = layer("history", months={"2019-01": 2_000.0, "2019-02": 2_500.0},
                    measure="weekly_registrations")
    window.undo_stack.push(AddLayer(window.project, history))
    assert window.undo_stack.count() == 1  # rebuilding the editors asks for no change
    assert controls.start.minimumDate() == QDate(2019, 1, 1) == controls.end.minimumDate()
    assert controls.measure.findData("weekly_registrations") >= 0
    assert controls.measure.currentData() == "sales"
    window.undo_action.trigger()
    assert controls.start.minimumDate() == first and controls.measure.findData("weekly_registrations") == -1

    window.redo_action.trigger()
    assert window.request_change(start="2019-01")
    window.document.layers.tree.setCurrentItem(window.document.layers.tree.topLevelItem(0))
    window.document.layers.remove.click()  # the months the view starts at go with the layer
    assert window.project.comparison.start == "2019-01"
    assert controls.start.date() == QDate(2019, 1, 1)  # shown as it is, not clamped to the data

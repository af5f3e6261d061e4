"""One milestone store, two views: markers dragged on the charts and items dragged on the
timeline move the same milestone, as one undo step, and the race takes day 0 from it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import pytest
from gui_windows import window_factory
from PySide6.QtCore import QPointF, Qt

from evcompare.charts.data import DAY, epoch_seconds
from evcompare.charts.panels import Panel
from evcompare.model.comparison import Comparison
from evcompare.model.project import Project
from evcompare.ui.main_window import MainWindow

YU7_LAUNCH = "m-a4d8c81aa1"  # 'YU7 SUV launch', 2025-06-26, a Xiaomi YU7 milestone
SU7_LAUNCH = "m-fbace0170d"  # 2024-03-28: Xiaomi's day 0 in the race


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


def x_of(date: str) -> float:
    return epoch_seconds(pd.Timestamp(date))


def panel_showing(window: MainWindow, ident: str) -> Panel:
    return next(p for p in window.chart.panels() if any(m.id == ident for m in p.overlay.shown()))


@dataclass
class FakeDrag:
    """The parts of pyqtgraph's MouseDragEvent a milestone line reads (view coordinates)."""

    down: float
    at: float
    start: bool = False
    finish: bool = False
    accepted: list[bool] = field(default_factory=list)

    def button(self) -> Qt.MouseButton:
        return Qt.MouseButton.LeftButton

    def isStart(self) -> bool:  # noqa: N802 (pyqtgraph's name)
        return self.start

    def isFinish(self) -> bool:  # noqa: N802 (pyqtgraph's name)
        return self.finish

    def buttonDownPos(self) -> QPointF:  # noqa: N802 (pyqtgraph's name)
        return QPointF(self.down, 0.0)

    def pos(self) -> QPointF:
        return QPointF(self.at, 0.0)

    def accept(self) -> None:
        self.accepted.append(True)

    def ignore(self) -> None:
        self.accepted.append(False)


def test_dragging_a_chart_marker_pushes_one_command_and_moves_the_timeline_item(make_window):
    window = make_window()
    timeline = window.show_timeline()
    overlay = panel_showing(window, YU7_LAUNCH).overlay
    stack, item = window.undo_stack, timeline.item(YU7_LAUNCH)

    overlay.drag(YU7_LAUNCH, x_of("2025-07-03") + 0.4 * DAY)  # snapped to a day while dragging
    assert overlay.line(YU7_LAUNCH).x == x_of("2025-07-03")
    assert "2025-07-03" in overlay.line(YU7_LAUNCH).label_text  # the date being dragged to
    assert item.pos().x() == x_of("2025-07-03")  # the timeline follows the drag live
    assert stack.count() == 0 and window.project.milestones[YU7_LAUNCH].date == "2025-06-26"

    overlay.finish_drag(YU7_LAUNCH, x_of("2025-07-03"))
    assert stack.count() == 1 and stack.undoText() == "Move 'YU7 SUV launch'"
    assert window.undo_action.text() == "&Undo Move 'YU7 SUV launch'"
    assert window.project.milestones[YU7_LAUNCH].date == "2025-07-03"
    assert item.pos().x() == overlay.line(YU7_LAUNCH).x == x_of("2025-07-03")
    assert overlay.line(YU7_LAUNCH).label_text == overlay.line(YU7_LAUNCH).title  # the title again

    stack.undo()
    assert window.project.milestones[YU7_LAUNCH].date == "2025-06-26"
    assert item.pos().x() == overlay.line(YU7_LAUNCH).x == x_of("2025-06-26")


def test_a_mouse_drag_on_a_line_moves_it_and_a_drag_elsewhere_pans(make_window):
    window = make_window()
    lines = panel_showing(window, YU7_LAUNCH).overlay.lines
    start = x_of("2025-06-26")
    away = FakeDrag(down=x_of("2024-06-15") + 3.3 * DAY, at=x_of("2024-07-15"), start=True)
    lines.mouseDragEvent(away)
    assert away.accepted == [False]  # left to the view, which pans

    press = start + 0.5 * lines.pixelWidth()
    for event in (FakeDrag(press, press + 2 * DAY, start=True), FakeDrag(press, press + 9 * DAY),
                  FakeDrag(press, press + 12 * DAY, finish=True)):
        lines.mouseDragEvent(event)
        assert event.accepted == [True]
    assert window.undo_stack.count() == 1
    assert window.project.milestones[YU7_LAUNCH].date == "2025-07-08"


def test_a_drag_that_ends_where_it_began_pushes_nothing(make_window):
    window = make_window()
    overlay = panel_showing(window, YU7_LAUNCH).overlay
    overlay.drag(YU7_LAUNCH, x_of("2025-09-01"))
    overlay.finish_drag(YU7_LAUNCH, x_of("2025-06-26") + 0.3 * DAY)
    assert window.undo_stack.count() == 0
    assert overlay.line(YU7_LAUNCH).x == x_of("2025-06-26")


def test_dragging_on_the_timeline_moves_the_chart_marker(make_window):
    window = make_window()
    item = window.show_timeline().item(YU7_LAUNCH)
    overlay = panel_showing(window, YU7_LAUNCH).overlay
    item.begin_drag("move")
    item.drag_to(x_of("2025-08-10"))
    assert overlay.line(YU7_LAUNCH).x == x_of("2025-08-10")  # live, before anything is stored
    assert window.undo_stack.count() == 0
    item.finish_drag(x_of("2025-08-12"))
    assert window.undo_stack.count() == 1
    assert overlay.line(YU7_LAUNCH).x == x_of("2025-08-12")
    assert overlay.lines.moving is None  # drawn with the others again


def test_a_selection_dragged_on_the_timeline_moves_every_chart_line_live(make_window):
    window = make_window()
    timeline = window.show_timeline()
    overlay = panel_showing(window, YU7_LAUNCH).overlay
    other = next(m.id for m in overlay.shown() if m.id != YU7_LAUNCH and m.date_precision == "day")
    before = {ident: overlay.line(ident).x for ident in (YU7_LAUNCH, other)}
    timeline.select([YU7_LAUNCH, other])
    item = timeline.item(YU7_LAUNCH)
    item.begin_drag("move")
    item.drag_to(item.x_start + 5 * DAY)
    assert {ident: overlay.line(ident).x - x for ident, x in before.items()} == {YU7_LAUNCH: 5 * DAY,
                                                                               other: 5 * DAY}
    item.finish_drag(item.x_start + 5 * DAY)
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Move 2 milestones"
    assert {ident: overlay.line(ident).x - x for ident, x in before.items()} == {YU7_LAUNCH: 5 * DAY,
                                                                               other: 5 * DAY}


def test_moving_the_launch_milestone_moves_the_race(make_window):
    window = make_window(Comparison(chart="race", layout="overlay"))
    series = window.chart.shown_series()["Xiaomi"]

    def label_texts() -> list[str]:
        return sorted(label.toPlainText() for label in series.crossing_labels if label.isVisible())

    assert list(series.curve.getData()[0][:2]) == [3, 33]  # the end of March and April 2024
    assert "Xiaomi: 500,000 in 602 days" in label_texts()
    item = window.show_timeline().item(SU7_LAUNCH)
    item.begin_drag("move")
    item.finish_drag(x_of("2024-04-07"))  # ten days later
    assert window.undo_stack.count() == 1
    assert "Xiaomi: 500,000 in 592 days" in label_texts()
    assert series.curve.getData()[0][0] == 23  # April's end is ten days nearer; March is before day 0
    window.undo_stack.undo()
    assert "Xiaomi: 500,000 in 602 days" in label_texts()


def test_the_timeline_and_calendar_charts_share_their_time_axis(qtbot, make_window):
    window = make_window()
    window.show()
    timeline = window.show_timeline()
    qtbot.waitExposed(timeline)
    assert timeline.x_range() == pytest.approx(window.chart.x_range())
    timeline.view_box.setXRange(x_of("2025-01-01"), x_of("2025-07-01"), padding=0)  # the user zooms
    assert window.chart.x_range() == pytest.approx((x_of("2025-01-01"), x_of("2025-07-01")))
    window.chart.panels()[1].plot.getViewBox().setXRange(x_of("2024-06-01"), x_of("2025-06-01"), padding=0)
    assert timeline.x_range() == pytest.approx((x_of("2024-06-01"), x_of("2025-06-01")))
    assert window.undo_stack.count() == 0  # zooming and panning are not edits

    window.request_change(chart="race")
    race = window.chart.x_range()
    timeline.view_box.setXRange(x_of("2023-01-01"), x_of("2023-06-01"), padding=0)
    assert window.chart.x_range() == race  # days since launch are not dates: not linked


def test_a_category_hidden_on_the_timeline_is_hidden_on_the_charts(make_window):
    window = make_window()
    timeline = window.show_timeline()
    shown = {m.category for p in window.chart.panels() for m in p.overlay.shown()}
    assert "financial" in shown
    timeline.category_buttons["financial"].click()
    assert "financial" not in window.project.comparison.milestone_categories
    assert window.undo_stack.count() == 1
    assert "financial" not in {m.category for p in window.chart.panels() for m in p.overlay.shown()}
    window.undo_stack.undo()
    assert timeline.category_buttons["financial"].isChecked()
    assert "financial" in {m.category for p in window.chart.panels() for m in p.overlay.shown()}


def test_another_document_gets_a_timeline_of_its_own_milestones(make_window, dataset):
    window = make_window()
    old = window.show_timeline()
    other = Project(dataset)
    other.milestones.put(other.milestones[YU7_LAUNCH].replace(date="2025-07-20"))
    window.set_project(other)
    timeline = window.timeline
    assert timeline is not None and timeline is not old and timeline.project is other
    assert timeline.item(YU7_LAUNCH).pos().x() == x_of("2025-07-20")
    timeline.item(YU7_LAUNCH).begin_drag("move")
    timeline.item(YU7_LAUNCH).finish_drag(x_of("2025-07-25"))
    assert other.milestones[YU7_LAUNCH].date == "2025-07-25"
    assert panel_showing(window, YU7_LAUNCH).overlay.line(YU7_LAUNCH).x == x_of("2025-07-25")


def test_the_timeline_is_built_when_first_shown(make_window):
    window = make_window()
    assert window.timeline is None  # not at start-up: the data table is the tab in front
    window.timeline_action.trigger()
    assert window.timeline is not None and window.timeline_dock.widget() is window.timeline
    assert not math.isnan(window.timeline.x_range()[0])


def test_the_timeline_opens_tall_enough_for_a_line_of_labels_a_lane(qtbot, make_window):
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    timeline = window.show_timeline()
    qtbot.waitUntil(lambda: timeline.isVisible())
    wanted = min(timeline.preferred_height(), window.height() // 3)
    qtbot.waitUntil(lambda: timeline.height() >= wanted - 2)  # the splitter rounds
    timeline.relayout()
    assert sum(1 for item in timeline.items() if item.label) > 10  # labels, not markers only

"""The timeline editor: what a user sees and does, checked through the widget and its items."""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from evcompare.charts.data import DAY, epoch_seconds
from evcompare.commands.milestones import EditMilestone
from evcompare.model.dataset import Dataset
from evcompare.model.milestones import Milestone
from evcompare.model.project import Project
from evcompare.ui.timeline import TimelineWidget, import_milestones_file
from evcompare.ui.timeline.dialog import ImportReviewDialog
from evcompare.ui.timeline.items import RADIUS

YU7_LAUNCH = "m-a4d8c81aa1"  # 'YU7 SUV launch', 2025-06-26, lane of Xiaomi YU7


@pytest.fixture
def timeline(qtbot, dataset: Dataset) -> TimelineWidget:
    widget = TimelineWidget(Project(dataset), QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1400, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.relayout()
    return widget


def x_of(date: str) -> float:
    return epoch_seconds(pd.Timestamp(date))


def lane_row(widget: TimelineWidget, entity: str) -> int:
    return [lane.key for lane in widget._lanes.lanes].index(entity)


def test_one_item_per_milestone_at_its_date_in_its_entitys_lane(timeline, dataset):
    assert len(timeline.items()) == len(dataset.milestones)
    item = timeline.item(YU7_LAUNCH)
    assert item.pos().x() == x_of("2025-06-26")
    assert item.pos().y() == lane_row(timeline, "Xiaomi YU7")
    names = [timeline.lane_name(lane) for lane in timeline._lanes.lanes]
    assert names[:4] == ["▾ Xiaomi", "SU7", "SU7 Ultra", "YU7"] and "▸ Aito" in names
    assert "Industry" not in names  # no market-wide milestone yet


def test_dragging_an_item_pushes_one_command_and_moves_it(timeline):
    item = timeline.item(YU7_LAUNCH)
    stack = timeline.undo_stack
    item.begin_drag("move")
    item.drag_to(x_of("2025-06-28") + 0.3 * DAY)  # snaps to a day while dragging
    assert item.pos().x() == x_of("2025-06-28")
    assert "2025-06-28" in item.text()  # the date being dragged to is shown
    assert stack.count() == 0
    item.finish_drag(x_of("2025-07-01") + 0.2 * DAY)
    assert stack.count() == 1 and stack.undoText() == "Move 'YU7 SUV launch'"
    stored = timeline.project.milestones[YU7_LAUNCH]
    assert stored.date == "2025-07-01"
    assert timeline.item(YU7_LAUNCH) is item and item.pos().x() == x_of(stored.date)
    assert item.text() == item.label  # back to the title
    stack.undo()
    assert timeline.project.milestones[YU7_LAUNCH].date == "2025-06-26"
    assert item.pos().x() == x_of("2025-06-26")


def test_a_drag_back_to_where_it_started_pushes_nothing(timeline):
    item = timeline.item(YU7_LAUNCH)
    item.begin_drag("move")
    item.drag_to(x_of("2025-08-01"))
    item.finish_drag(x_of("2025-06-26") + 0.4 * DAY)
    assert timeline.undo_stack.count() == 0
    assert item.pos().x() == x_of("2025-06-26")


def test_selected_items_move_together_in_one_command(timeline):
    ids = [YU7_LAUNCH, "m-fbace0170d"]  # YU7 launch and SU7 launch
    before = {i: timeline.project.milestones[i].timestamp for i in ids}
    timeline.select(ids)
    lead = timeline.item(ids[0])
    lead.begin_drag("move")
    lead.drag_to(lead.x_start + 10 * DAY)
    assert timeline.item(ids[1]).pos().x() == timeline.item(ids[1]).x_start + 10 * DAY  # carried along
    lead.finish_drag(lead.x_start + 10 * DAY)
    assert timeline.undo_stack.count() == 1 and timeline.undo_stack.undoText() == "Move 2 milestones"
    for ident in ids:
        stored = timeline.project.milestones[ident]
        assert stored.timestamp - before[ident] == pd.Timedelta(days=10)
        assert timeline.item(ident).pos().x() == epoch_seconds(stored.timestamp)


def test_dragging_a_spans_end_changes_only_its_end(timeline):
    project, stack = timeline.project, timeline.undo_stack
    span = Milestone(id="u-span", date="2025-03-01", end_date="2025-03-10", entity="Luxeed",
                     category="production", title="Line retooling", origin="user")
    timeline.project.milestones.put(span)
    item = timeline.item("u-span")
    assert item.x_end == x_of("2025-03-11")  # the bar covers the last day
    item.begin_drag("end")
    item.finish_drag(x_of("2025-03-21"))
    assert stack.count() == 1
    assert (project.milestones["u-span"].date, project.milestones["u-span"].end_date) == ("2025-03-01",
                                                                                          "2025-03-20")
    item.begin_drag("start")
    item.finish_drag(x_of("2025-04-30"))  # past the end: clamped to the last day
    assert project.milestones["u-span"].date == project.milestones["u-span"].end_date == "2025-03-20"


def mouse_drag(view, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press, move in ten steps and release, as a hand would (pyqtgraph needs the moves)."""
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, modifier, start)
    for step in range(1, 11):
        point = QPointF(start + (end - start) * step / 10)
        move = QMouseEvent(QEvent.Type.MouseMove, point, view.viewport().mapToGlobal(point),
                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, modifier)
        QApplication.sendEvent(view.viewport(), move)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, end)


def test_mouse_drag_on_an_item_moves_it(timeline, qtbot, monkeypatch):
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)  # let synthetic moves through
    item = timeline.item(YU7_LAUNCH)
    view = timeline.plot_widget
    start = view.mapFromScene(item.scenePos())
    per_day = timeline.view_box.mapViewToScene(QPointF(item.x_start + DAY, 0)).x() - item.scenePos().x()
    assert per_day > 0.5
    end = start + QPoint(round(12 * per_day), 0)
    mouse_drag(view, start, end)
    assert timeline.undo_stack.count() == 1
    moved = (timeline.project.milestones[YU7_LAUNCH].timestamp - pd.Timestamp("2025-06-26")).days
    assert abs(moved - 12) <= 1
    assert timeline.selected_ids() == [YU7_LAUNCH]


def test_shift_drag_on_empty_space_selects_what_the_band_covers(timeline, monkeypatch):
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)
    view, box = timeline.plot_widget, timeline.view_box
    su7_row = lane_row(timeline, "Xiaomi SU7")
    corner = view.mapFromScene(box.mapViewToScene(QPointF(x_of("2024-01-15"), su7_row - 0.45)))
    far = view.mapFromScene(box.mapViewToScene(QPointF(x_of("2024-12-31"), su7_row + 1.45)))  # SU7 + Ultra
    x_range = timeline.x_range()
    mouse_drag(view, corner, far, Qt.KeyboardModifier.ShiftModifier)
    stones = timeline.project.milestones
    expected = {m.id for m in stones if m.entity in ("Xiaomi SU7", "Xiaomi SU7 Ultra")
                and pd.Timestamp("2024-01-15") <= m.timestamp <= pd.Timestamp("2024-12-31")}
    assert len(expected) > 3 and set(timeline.selected_ids()) == expected
    assert timeline.x_range() == x_range  # the band did not pan the view
    assert timeline.undo_stack.count() == 0


def test_category_filter_hides_items(timeline, dataset):
    production = {m.id for m in dataset.milestones if m.category == "production"}
    timeline.category_buttons["production"].click()
    assert not any(timeline.item(i).isVisible() for i in production)
    assert set(timeline.shown_ids()) == {m.id for m in dataset.milestones} - production
    assert "production" not in timeline.categories()
    timeline.category_buttons["production"].click()
    assert all(timeline.item(i).isVisible() for i in production)


def test_search_shows_only_matching_milestones(timeline, dataset, qtbot):
    qtbot.keyClicks(timeline.search_edit, "maextro s800")
    shown = timeline.shown_ids()
    assert shown and all("s800" in (timeline.project.milestones[i].title + timeline.project.milestones[i]
                                     .description).casefold() for i in shown)
    assert len(shown) < len(dataset.milestones)
    timeline.search_edit.clear()
    assert len(timeline.shown_ids()) == len(dataset.milestones)


def test_delete_key_removes_the_selection_as_one_undoable_step(timeline, qtbot):
    ids = [YU7_LAUNCH, "m-fbace0170d"]
    timeline.select(ids)
    timeline.plot_widget.setFocus()
    qtbot.keyClick(timeline.plot_widget, Qt.Key.Key_Delete)
    assert all(i not in timeline.project.milestones for i in ids)
    assert timeline.undo_stack.count() == 1 and timeline.undo_stack.undoText() == "Delete 2 milestones"
    assert timeline.selected_ids() == []
    with pytest.raises(KeyError):
        timeline.item(YU7_LAUNCH)
    timeline.undo_stack.undo()
    assert timeline.item(YU7_LAUNCH).pos().x() == x_of("2025-06-26")


def test_store_changes_update_the_existing_item(timeline):
    item = timeline.item(YU7_LAUNCH)
    count = len(timeline.items())
    store = timeline.project.milestones
    timeline.undo_stack.push(EditMilestone(store, store[YU7_LAUNCH].replace(date="2025-09-09",
                                                                            entity="Xiaomi SU7")))
    assert timeline.item(YU7_LAUNCH) is item and len(timeline.items()) == count
    assert (item.pos().x(), item.pos().y()) == (x_of("2025-09-09"), lane_row(timeline, "Xiaomi SU7"))


def test_an_industry_milestone_gets_its_own_lane(timeline):
    timeline.project.milestones.put(Milestone(id="u-ind", date="2025-01-15", entity="industry",
                                              category="corporate", title="Trade-in subsidy renewed",
                                              origin="user"))
    assert timeline._lanes.lanes[-1].key == "industry"
    assert timeline.item("u-ind").pos().y() == len(timeline._lanes.lanes) - 1


def test_collapsing_a_group_draws_its_members_on_its_lane(timeline):
    xiaomi = lane_row(timeline, "Xiaomi")
    lanes = len(timeline._lanes.lanes)
    timeline._toggle_row(xiaomi)
    assert len(timeline._lanes.lanes) == lanes - 3
    assert timeline.item(YU7_LAUNCH).pos().y() == xiaomi
    assert timeline.lane_name(timeline._lanes.lanes[xiaomi]) == "▸ Xiaomi"
    timeline._toggle_row(xiaomi)
    assert timeline.item(YU7_LAUNCH).pos().y() == lane_row(timeline, "Xiaomi YU7")


@pytest.mark.parametrize("size", [(1400, 400), (700, 400), (1400, 700), (1400, 190)])
def test_labels_never_cover_another_label_a_marker_or_the_edge(timeline, size):
    timeline.resize(*size)
    timeline.relayout()
    edge = timeline.view_box.sceneBoundingRect().right()
    labels, markers = {}, {}
    for item in timeline.items():
        if item.isVisible():
            anchor = item.scenePos()  # the item ignores zoom: its own coordinates are pixels
            markers.setdefault(item.row, []).append((QRectF(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
                                                     .translated(anchor), item))
            if item.label:
                labels.setdefault(item.row, []).append((item.label_rect().translated(anchor), item))
    if size[1] < 200:  # lanes lower than a line of text: markers and tooltips only
        assert not labels
    else:
        assert sum(len(v) for v in labels.values()) > 10
    for row, placed in labels.items():
        top = timeline.view_box.mapViewToScene(QPointF(0, row - 0.5)).y()
        bottom = timeline.view_box.mapViewToScene(QPointF(0, row + 0.5)).y()
        for k, (rect, item) in enumerate(placed):
            assert top <= rect.top() and rect.bottom() <= bottom, item.label  # inside its own lane
            assert rect.right() <= edge, item.label  # cut at the edge, not clipped mid-word
            assert not any(rect.intersects(other) for other, _ in placed[k + 1:]), item.label
            assert not any(rect.intersects(m) for m, owner in markers[row] if owner is not item), item.label
    elided = [i for i in timeline.items() if i.label and i.label != i.title]
    assert all(i.label.endswith("…") for i in elided)
    rows_used = {i.label_dy for i in timeline.items() if i.label}
    assert (len(rows_used) > 1) == (size[1] > 500)  # a taller dock stacks labels above and below


def test_x_range_can_be_set_without_echo_and_user_zoom_is_reported(timeline, qtbot):
    seen = []
    timeline.xRangeChanged.connect(lambda a, b: seen.append((a, b)))
    timeline.set_x_range(x_of("2024-01-01"), x_of("2025-01-01"))
    assert timeline.x_range() == pytest.approx((x_of("2024-01-01"), x_of("2025-01-01")))
    assert seen == []
    timeline.view_box.scaleBy(x=0.5)
    assert seen and seen[-1] == pytest.approx(timeline.x_range())


def test_double_click_dialogs_edit_and_add_through_commands(timeline, monkeypatch):
    warnings = []
    monkeypatch.setattr("evcompare.ui.timeline.dialog.QMessageBox.warning",
                        lambda *args: warnings.append(args[-1]))
    dialog = timeline.edit(YU7_LAUNCH)
    dialog.title_edit.setText("YU7 launch")
    dialog.accept()
    assert timeline.undo_stack.undoText() == "Edit 'YU7 launch'"
    assert timeline.item(YU7_LAUNCH).title == "YU7 launch"
    add = timeline.add_at(x_of("2026-03-03"), "Shangjie")
    add.accept()  # no title yet: refused
    assert warnings and timeline.undo_stack.count() == 1
    add.title_edit.setText("Shangjie H7 launch")
    add.accept()
    assert timeline.undo_stack.count() == 2
    new = next(m for m in timeline.project.milestones if m.title == "Shangjie H7 launch")
    assert (new.date, new.entity, new.origin) == ("2026-03-03", "Shangjie", "user")
    assert timeline.selected_ids() == [new.id]
    assert timeline.item(new.id).pos().y() == lane_row(timeline, "Shangjie")


def test_duplicate_copies_the_selection_as_user_milestones(timeline):
    timeline.select([YU7_LAUNCH])
    timeline.duplicate_selected()
    copy = timeline.project.milestones[timeline.selected_ids()[0]]
    assert copy.id != YU7_LAUNCH and copy.origin == "user" and copy.date == "2025-06-26"
    assert timeline.undo_stack.undoText() == "Duplicate 'YU7 SUV launch'"


def test_csv_import_is_reviewed_then_one_undo_step(timeline, tmp_path, monkeypatch):
    path = tmp_path / "mine.csv"
    path.write_text("date,entity,category,title\n2026-04-01,Xiaomi,target,Plan A\n"
                    "2026-04-02,Nope,target,Bad\n2026-04-03,industry,corporate,Plan B\n", encoding="utf-8")
    shown = []

    def review(dialog: ImportReviewDialog) -> int:
        shown.append(dialog.import_button.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportReviewDialog, "exec", review)
    assert import_milestones_file(timeline, timeline.project, timeline.undo_stack, str(path)) == 2
    assert shown == ["Import 2 valid rows"]
    assert timeline.undo_stack.count() == 1 and timeline.undo_stack.undoText() == "Import 2 milestones"
    titles = {timeline.item(i).title for i in timeline.shown_ids()}
    assert {"Plan A", "Plan B"} <= titles
    timeline.undo_stack.undo()
    assert not {"Plan A", "Plan B"} & {item.title for item in timeline.items()}


def test_table_edits_go_through_commands_and_invalid_ones_are_refused(timeline, monkeypatch):
    refused = []
    monkeypatch.setattr("evcompare.ui.timeline.table.QMessageBox.warning",
                        lambda *args: refused.append(args[-1]))
    timeline.set_table_visible(True)
    table = timeline._table
    model = table.model
    row = model.row_of(YU7_LAUNCH)
    date_col = model.COLUMNS.index("date")
    assert not model.setData(model.index(row, date_col), "2025-02-30")
    assert refused and timeline.undo_stack.count() == 0
    assert model.setData(model.index(row, date_col), "2025-07")
    stored = timeline.project.milestones[YU7_LAUNCH]
    assert (stored.date, stored.date_precision) == ("2025-07", "month")
    assert timeline.item(YU7_LAUNCH).pos().x() == x_of("2025-07-01")
    assert model.index(row, date_col).data() == "2025-07"
    table.select([YU7_LAUNCH])
    assert table.selected_ids() == [YU7_LAUNCH]


def test_arrow_keys_nudge_the_selection_a_day_at_a_time(timeline, qtbot):
    timeline.select([YU7_LAUNCH])
    qtbot.keyClick(timeline.plot_widget, Qt.Key.Key_Right)
    qtbot.keyClick(timeline.plot_widget, Qt.Key.Key_Right)
    assert timeline.project.milestones[YU7_LAUNCH].date == "2025-06-28"
    assert timeline.undo_stack.count() == 2
    qtbot.keyClick(timeline.plot_widget, Qt.Key.Key_Escape)
    assert timeline.selected_ids() == []


def test_hover_text_has_the_full_title_and_its_source(timeline):
    milestone = timeline.project.milestones[YU7_LAUNCH]
    text = timeline.tooltip(milestone)
    assert milestone.title in text and milestone.source_title in text and milestone.source_url in text


def test_language_follows_the_comparison(timeline):
    project = timeline.project
    project.set_comparison(project.comparison.replace(language="zh"))
    names = [timeline.lane_name(lane) for lane in timeline._lanes.lanes]
    assert names[:2] == ["▾ 小米汽车", "小米SU7"]
    project.set_comparison(project.comparison.replace(milestone_categories=("launch",)))
    assert timeline.categories() == ("launch",)
    assert not timeline.category_buttons["production"].isChecked()


def test_a_closed_timeline_stops_listening(qtbot, dataset):
    project = Project(dataset)
    store = project.milestones
    widget = TimelineWidget(project, QUndoStack())
    listeners = len(store._listeners)
    widget.deleteLater()
    qtbot.waitUntil(lambda: len(store._listeners) < listeners)
    store.put(store[YU7_LAUNCH].replace(title="Still fine"))  # no call into the deleted widget

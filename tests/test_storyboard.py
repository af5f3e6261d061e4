"""The storyboard as an analyst uses it: save, rename, reorder, duplicate, delete, apply; undo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit

from evcompare.charts.export import SlideWidget
from evcompare.io.project_file import load_project, save_project
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.model.views import default_views
from evcompare.ui.main_window import MainWindow
from evcompare.ui.storyboard import Storyboard


@pytest.fixture
def window(qtbot, dataset: Dataset) -> Iterator[MainWindow]:
    """A shown window whose storyboard has listed its views (just after the first paint)."""
    made = MainWindow(Project(dataset), remember_layout=False)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    qtbot.waitUntil(lambda: made.slides.storyboard.model.rowCount() > 0)
    yield made
    made.close()


def board_of(window: MainWindow) -> Storyboard:
    return window.slides.storyboard


def titles(board: Storyboard) -> list[str]:
    return [board.model.data(board.model.index(row)) for row in range(board.model.rowCount())]


def test_the_storyboard_shows_the_default_story_until_a_view_is_saved(window, dataset):
    board = board_of(window)
    shipped = default_views(dataset)
    assert titles(board) == [f"{n}. {v.title}" for n, v in enumerate(shipped, start=1)]
    assert board.hint.isVisibleTo(board)
    assert window.slides.dock.objectName() == "storyboardDock"


def test_save_view_asks_for_title_subtitle_and_notes_and_undo_removes_it(window, qtbot):
    board = board_of(window)
    assert board.save_action.shortcut().toString() == "Ctrl+Shift+V"
    assert board.save_action in window.actions()
    window.request_change(metric="yoy", freq="quarter")
    board.save_action.trigger()
    dialog = board.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.title.text() == "Xiaomi vs HIMA: Deliveries, YoY (quarter)"
    dialog.title.setText("Growth, quarter by quarter")
    dialog.subtitle.setText("YoY change of deliveries")
    dialog.notes.setPlainText("Xiaomi grew faster in every quarter.")
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    views = board.views()
    assert len(views) == 8
    saved = views[-1]
    assert (saved.title, saved.subtitle, saved.notes) == (
        "Growth, quarter by quarter", "YoY change of deliveries", "Xiaomi grew faster in every quarter.")
    assert saved.comparison == window.project.comparison
    assert not board.hint.isVisibleTo(board)
    assert window.undo_stack.undoText() == "Save view “Growth, quarter by quarter”"
    window.undo_action.trigger()
    assert len(board.views()) == 7 and window.project.views == []


def test_a_view_needs_a_title(window):
    board = board_of(window)
    board.save_action.trigger()
    board.dialog.title.setText("  ")
    board.dialog.accept()
    assert board.dialog.isVisible() and board.dialog.problem.text() == "A view needs a title."
    assert len(board.views()) == 7


def test_rename_in_place_is_undoable(window, qtbot):
    board = board_of(window)
    board.select_row(1)
    board.rename_action.trigger()
    editor = board.list.findChild(QLineEdit)
    assert editor is not None and editor.text() == "The race to 500,000"
    editor.selectAll()
    qtbot.keyClicks(editor, "Who got to 500,000 first")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event-loop turn
    qtbot.waitUntil(lambda: titles(board)[1] == "2. Who got to 500,000 first")
    window.undo_action.trigger()
    assert titles(board)[1] == "2. The race to 500,000"


def test_a_drop_reorders_and_undo_puts_it_back(window):
    board = board_of(window)
    before = titles(board)
    model = board.model
    dragged = model.mimeData([model.index(0)])
    assert model.dropMimeData(dragged, Qt.DropAction.MoveAction, 3, 0, QModelIndex())  # drop before row 3
    after = [t.split(". ", 1)[1] for t in titles(board)]
    assert after[2] == before[0].split(". ", 1)[1] and after[0] == before[1].split(". ", 1)[1]
    window.undo_action.trigger()
    assert titles(board) == before


def test_keyboard_moves_duplicate_and_delete_are_undoable(window):
    board = board_of(window)
    board.select_row(0)
    first = board.current_view()
    board.down_action.trigger()
    assert board.views()[1] == first and board.current_row() == 1
    board.duplicate_action.trigger()
    assert board.views()[2].title == f"{first.title} (copy)" and board.current_row() == 2
    board.delete_action.trigger()
    assert [v.title for v in board.views()].count(f"{first.title} (copy)") == 0
    for _ in range(3):
        window.undo_action.trigger()
    assert board.views() == board.store.views() and board.views()[0] == first
    assert window.project.views == []


def test_the_last_view_cannot_be_deleted(window):
    board = board_of(window)
    board.select_row(0)
    while board.model.rowCount() > 1:
        board.delete_action.trigger()
        board.select_row(0)
    assert not board.delete_action.isEnabled()


def test_double_click_applies_a_view_as_one_undoable_change(window, qtbot):
    board = board_of(window)
    before = window.project.comparison
    index = board.model.index(1)
    rect = board.list.visualRect(index)
    qtbot.mouseClick(board.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a mouse does:
    qtbot.mouseDClick(board.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press first
    race = board.views()[1].comparison
    assert window.project.comparison == race.replace(theme=before.theme)
    assert window.chart.data.comparison.chart == "race"
    window.undo_action.trigger()
    assert window.project.comparison == before


def test_saved_views_go_into_the_project_file_and_come_back(window, dataset, tmp_path):
    board = board_of(window)
    board.select_row(0)
    board.duplicate_action.trigger()
    board.move_current(-1)
    path = tmp_path / "story.evcompare"
    save_project(path, window.project)
    loaded = load_project(path, dataset)
    assert [v.to_dict() for v in board.views()] == loaded.views
    window.set_project(Project(dataset))  # File ▸ New: the default story again
    assert len(board.views()) == 7 and board.hint.isVisible()
    window.set_project(loaded)  # File ▸ Open: the project's own views
    assert [v.to_dict() for v in board.views()] == loaded.views
    assert titles(board)[0].endswith("(copy)") and not board.hint.isVisible()


def test_nothing_is_looked_up_or_drawn_before_the_window_is_shown(qtbot, dataset):
    hidden = MainWindow(Project(dataset), remember_layout=False)
    qtbot.addWidget(hidden)
    board = board_of(hidden)
    QApplication.processEvents()
    assert board.model.rowCount() == 0 and board.findChildren(SlideWidget) == []
    assert len(board.views()) == 7  # asked for, the views are there
    hidden.close()


def test_thumbnails_are_drawn_while_the_panel_is_shown(window, qtbot):
    board = board_of(window)
    placeholder = board.thumbnails.placeholder.cacheKey()

    def drawn() -> bool:
        QApplication.processEvents()
        icon = board.model.data(board.model.index(0), Qt.ItemDataRole.DecorationRole)
        return icon.cacheKey() != placeholder

    qtbot.waitUntil(drawn, timeout=10_000)


def test_the_slides_menu_sits_before_help_and_file_has_the_slide_exports(window):
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus[-2:] == ["&Slides", "&Help"]
    file_entries = [action.text() for action in window.menuBar().actions()[0].menu().actions()]
    assert "Export &slides" in file_entries and file_entries[-1] == "&Quit"
    exports = [action.text() for action in window.slides.export_menu.actions()]
    assert exports == ["Export view as &image…", "&Copy view as image", "Export views as &PDF deck…",
                       "Export views as Power&Point…"]


def test_views_that_cannot_be_read_are_named_and_kept(window, dataset):
    project = Project(dataset)
    project.views = [{"name": "Q3 review", "metric": "yoy"}]
    window.set_project(project)
    board = board_of(window)
    assert len(board.views()) == 7  # nothing readable: the default story
    assert "View 1 of the project file was skipped: name: expected a known field" in board.hint.text()
    board.select_row(0)
    board.duplicate_action.trigger()
    assert window.project.views[-1] == {"name": "Q3 review", "metric": "yoy"}

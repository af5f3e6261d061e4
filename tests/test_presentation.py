"""Presentation mode: F5, stepping through the saved views, Esc, and a document left untouched."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar

from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.main_window import MainWindow
from evcompare.ui.presentation import Presentation
from evcompare.ui.theming import THEMES


@pytest.fixture
def window(qtbot, dataset: Dataset) -> Iterator[MainWindow]:
    made = MainWindow(Project(dataset), remember_layout=False)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made)
    yield made
    made.close()


def present_with_f5(window: MainWindow, qtbot) -> Presentation:
    qtbot.keyClick(window, Qt.Key.Key_F5)
    presentation = window.slides.presenter.presentation
    assert presentation is not None
    return presentation


def test_f5_presents_full_screen_and_the_arrow_keys_step_through_the_views(window, qtbot):
    count = len(window.slides.store.views())
    presentation = present_with_f5(window, qtbot)
    assert presentation.isFullScreen()
    assert presentation.windowState() & Qt.WindowState.WindowFullScreen
    assert presentation.counter_text() == f"1 / {count}"
    qtbot.keyClick(presentation, Qt.Key.Key_Right)
    assert presentation.counter_text() == f"2 / {count}"
    assert presentation.slide.title.text() == "The race to 500,000"
    assert presentation.slide.chart.data.comparison.chart == "race"
    for key, expected in ((Qt.Key.Key_Left, 1), (Qt.Key.Key_Space, 2), (Qt.Key.Key_PageDown, 3),
                          (Qt.Key.Key_PageUp, 2), (Qt.Key.Key_End, count), (Qt.Key.Key_Right, count),
                          (Qt.Key.Key_Home, 1), (Qt.Key.Key_Left, 1)):
        qtbot.keyClick(presentation, key)
        assert presentation.counter_text() == f"{expected} / {count}", key


def test_esc_leaves_and_the_document_is_not_dirty(window, qtbot):
    before = window.project.comparison
    presentation = present_with_f5(window, qtbot)
    qtbot.keyClick(presentation, Qt.Key.Key_Right)
    qtbot.keyClick(presentation, Qt.Key.Key_Right)
    with qtbot.waitSignal(presentation.closed):
        qtbot.keyClick(presentation, Qt.Key.Key_Escape)
    assert window.slides.presenter.presentation is None
    assert window.undo_stack.isClean() and window.undo_stack.count() == 0
    assert not window.isWindowModified()
    assert window.project.comparison == before
    assert window.chart.data.comparison == before  # the window's own chart was never touched


def test_every_slide_shows_its_counter_and_its_sources(window, qtbot):
    presentation = present_with_f5(window, qtbot)
    count = len(presentation.views)
    for number in range(1, count + 1):
        slide = presentation.slide
        assert slide.counter.isVisible() and slide.counter.text() == f"{number} / {count}"
        assert slide.footnote.isVisible() and slide.footnote.text().startswith("Sources: ")
        assert "≥ = company said 'more than'" in slide.footnote.text()
        qtbot.keyClick(presentation, Qt.Key.Key_Right)


def test_the_presentation_has_no_docks_or_toolbars_and_large_type_at_full_hd(window, qtbot):
    presentation = present_with_f5(window, qtbot)
    assert presentation.findChildren(QDockWidget) == [] and presentation.findChildren(QToolBar) == []
    presentation.resize(1920, 1080)
    theme = presentation.slide.theme
    shown = THEMES["presentation"]
    assert (theme.font_pt, theme.series_pen_width, theme.marker_size) == (
        shown.font_pt, shown.series_pen_width, shown.marker_size)
    assert presentation.slide.chart.series("Xiaomi").curve.opts["pen"].widthF() == shown.series_pen_width


def test_points_keep_their_tooltips_while_presenting(window, qtbot):
    presentation = present_with_f5(window, qtbot)
    points = presentation.slide.chart.series("Xiaomi").points
    assert points.opts["hoverable"]
    spot = points.points()[0]
    tip = points.opts["tip"](spot.pos().x(), spot.pos().y(), spot.data())
    assert tip.startswith("Xiaomi · ") and "Source:" in tip


def test_presenting_starts_at_the_selected_view(window, qtbot):
    window.slides.storyboard.select_row(3)
    presentation = present_with_f5(window, qtbot)
    assert presentation.counter_text().startswith("4 / ")
    assert presentation.slide.title.text() == "HIMA by brand"


def test_present_on_screen_lists_every_screen_and_defaults_to_the_windows(window):
    presenter = window.slides.presenter
    presenter.screen_menu.aboutToShow.emit()
    actions = presenter.screen_menu.actions()
    assert len(actions) == len(QGuiApplication.screens())
    assert [a.isChecked() for a in actions] == [s is window.screen() for s in QGuiApplication.screens()]
    assert presenter.screen() is window.screen()
    assert presenter.present_action.shortcut().toString() == "F5"
    assert presenter.present_action in window.slides.toolbar.actions()

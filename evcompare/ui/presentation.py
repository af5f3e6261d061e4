"""Presentation mode: the saved views full screen, one after the other.

F5 (or the toolbar's Present) opens a separate full-screen window on the chosen screen ('Present
on screen'; the window's own by default) in the presentation theme: large type, thick lines, no
docks or toolbars. Right, Page Down, Space and Down step forward; Left, Page Up, Up and
Backspace step back; Home and End jump; Esc leaves. Each slide shows its counter ('3 / 5') and
its sources. The slides are drawn from throwaway documents (`view_project`), never through the
window's undo stack, so presenting leaves the document exactly as it was: not even dirty.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import QMainWindow, QMenu, QVBoxLayout, QWidget

from evcompare.charts.slide_spec import export_theme
from evcompare.commands.views import ViewStore
from evcompare.model.project import Project
from evcompare.model.views import SavedView

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}


class Presentation(QWidget):
    """A full-screen window stepping through saved views."""

    closed = Signal()
    shown = Signal(int)  # the index of the view now shown

    def __init__(self, project: Project, views: list[SavedView], screen: QScreen, start: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("presentation")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(self.tr("evcompare presentation"))
        self.project = project
        self.views = views
        self.index = -1
        from evcompare.charts.export import SlideWidget  # loaded when a presentation starts

        self.slide = SlideWidget(project.dataset.entities, export_theme(screen.geometry().height()), self)
        self.slide.counter.show()
        self.slide.chart.pointClicked.connect(self.slide.chart.highlight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slide)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.show_index(start)

    def counter_text(self) -> str:
        return self.slide.counter.text()

    def show_index(self, index: int) -> None:
        """Show view `index` (clamped to the story)."""
        index = max(0, min(index, len(self.views) - 1))
        if index == self.index:
            return
        self.index = index
        self._draw()
        self.shown.emit(index)

    def _draw(self) -> None:
        self.slide.show_view(self.project, self.views[self.index])
        self.slide.counter.setText(self.tr("{number} / {count}").format(
            number=self.index + 1, count=len(self.views)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Type and lines follow the screen's size, as in an export of that size."""
        super().resizeEvent(event)
        theme = export_theme(max(1, self.height()))
        if theme is not self.slide.theme:
            self.slide.set_theme(theme)
            self._draw()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in NEXT_KEYS:
            self.show_index(self.index + 1)
        elif key in PREVIOUS_KEYS:
            self.show_index(self.index - 1)
        elif key == Qt.Key.Key_Home:
            self.show_index(0)
        elif key == Qt.Key.Key_End:
            self.show_index(len(self.views) - 1)
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)


class Presenter(QObject):
    """The window's Present action (F5), its 'Present on screen' menu, and the open presentation."""

    def __init__(self, window: QMainWindow, store: ViewStore, start_of: Callable[[], int]) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.start_of = start_of
        self.presentation: Presentation | None = None
        self.screen_name = ""  # '' until chosen: the window's own screen
        self.present_action = QAction(self.tr("&Present"), window)
        self.present_action.setShortcut(QKeySequence("F5"))
        tip = self.tr("Show the saved views full screen; arrow keys step, Esc leaves")
        self.present_action.setToolTip(tip)
        self.present_action.setStatusTip(tip)
        self.present_action.triggered.connect(lambda _checked=False: self.present())
        self.screen_menu = QMenu(self.tr("Present on &screen"), window)
        self.screen_menu.aboutToShow.connect(self._fill_screens)
        self._screens = QActionGroup(self)
        self._fill_screens()

    def screen(self) -> QScreen:
        """The chosen screen if it is still connected, else the window's."""
        for screen in QGuiApplication.screens():
            if screen.name() == self.screen_name:
                return screen
        return self.window.screen()

    def _fill_screens(self) -> None:
        self.screen_menu.clear()
        chosen = self.screen()
        for number, screen in enumerate(QGuiApplication.screens(), start=1):
            size, name = screen.geometry(), screen.name()
            action = self.screen_menu.addAction(self.tr("&{number} {name} ({width} × {height})").format(
                number=number, name=name or self.tr("Screen"), width=size.width(), height=size.height()))
            action.setCheckable(True)
            action.setChecked(screen is chosen)
            action.setActionGroup(self._screens)
            action.triggered.connect(lambda _checked=False, name=name: self._choose(name))

    def _choose(self, name: str) -> None:
        self.screen_name = name

    def present(self, start: int | None = None) -> Presentation:
        """Open the presentation full screen at view `start` (the storyboard's selection, else 1)."""
        if self.presentation is not None:
            self.presentation.close()
        views = self.store.views()
        first = self.start_of() if start is None else start
        presentation = Presentation(self.store.project, views, self.screen(), max(0, first), self.window)
        presentation.closed.connect(lambda: self._closed(presentation))
        self.presentation = presentation
        presentation.showFullScreen()
        presentation.activateWindow()
        presentation.setFocus()
        return presentation

    def _closed(self, presentation: Presentation) -> None:
        if self.presentation is presentation:
            self.presentation = None
        self.window.activateWindow()
        self.window.raise_()

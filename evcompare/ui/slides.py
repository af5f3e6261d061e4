"""Saved views, presentation and slide exports, installed into a main window with one call.

`install_slides(window)` adds the storyboard panel, the Slides menu and toolbar (Save view,
Present, Present on screen), and the slide exports under File ▸ Export slides. It keeps to its
own modules so the window's code only calls it; applying a view goes through the window's
`request_change`, so it is one undoable `SetComparison` like any other change.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from evcompare.commands.views import ViewStore
from evcompare.model.views import SavedView
from evcompare.ui.export_actions import SlideExports
from evcompare.ui.presentation import Presenter
from evcompare.ui.storyboard import Storyboard


def _tr(text: str) -> str:
    return QCoreApplication.translate("Slides", text)


class Slides(QObject):
    """Everything about views and slides that a window has."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = ViewStore(lambda: window.project, self)
        self.storyboard = Storyboard(self.store, window.undo_stack, lambda: window.project.comparison)
        self.dock = QDockWidget(_tr("Storyboard"), window)
        self.dock.setObjectName("storyboardDock")
        self.dock.setWidget(self.storyboard)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.presenter = Presenter(window, self.store, self.storyboard.current_row)
        self.exports = SlideExports(window, self.store)
        self.storyboard.applyRequested.connect(self.apply)

        board = self.storyboard
        self.toolbar = QToolBar(_tr("Slides"), window)
        self.toolbar.setObjectName("slidesToolBar")
        self.toolbar.addActions([board.save_action, self.presenter.present_action])
        window.addToolBar(self.toolbar)
        self.menu = QMenu(_tr("&Slides"), window)
        self.menu.addActions([board.save_action, self.presenter.present_action])
        self.menu.addMenu(self.presenter.screen_menu)
        self.menu.addSeparator()
        self.menu.addActions([self.dock.toggleViewAction(), self.toolbar.toggleViewAction()])
        bar = window.menuBar()
        menus = bar.actions()
        bar.insertMenu(menus[-1], self.menu)  # before Help
        self.export_menu = QMenu(_tr("Export &slides"), window)
        self.export_menu.addActions(self.exports.actions())
        file_menu = menus[0].menu()
        quit_action = getattr(window, "quit_action", None)
        before = quit_action if quit_action in file_menu.actions() else None
        file_menu.insertMenu(before, self.export_menu)
        file_menu.insertSeparator(before)
        self.menu.addSeparator()
        self.menu.addMenu(self.export_menu)
        window.addActions([board.save_action, self.presenter.present_action, self.exports.copy_action])

    def apply(self, view: SavedView) -> bool:
        """Show a saved view in the window (one undoable step; the window's theme is kept)."""
        comparison = view.comparison.replace(theme=self.window.project.comparison.theme)
        return self.window.request_change(**{f.name: getattr(comparison, f.name)
                                             for f in dataclasses.fields(comparison)})

    def follow_project(self) -> None:
        """The window now shows another document: show its views."""
        self.store.follow()


def install_slides(window: QMainWindow) -> Slides:
    return Slides(window)

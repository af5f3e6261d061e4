"""The window's document: its file, the File menu, and the promise never to lose an edit.

`install_file_actions(window)` gives a `MainWindow` a `Document`: New, Open, Open Recent,
Save, Save As, Import data, Export table; the title with the file name and the modified mark
(the undo stack's clean state); the Save / Discard / Cancel question before unsaved changes
would go; opening by drag and drop; autosave and live links; override editing from the data
table; the layers panel and the banner.

The window sets its own title from the comparison; the document puts the file name and the
'[*]' mark in front of whatever the window sets (it follows `windowTitleChanged`), so neither
needs to know how the other builds its part.
"""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDockWidget, QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from evcompare.commands.data import AddLayer, RemoveLayer, RemoveOverride, SetOverride
from evcompare.io.project_file import SUFFIX, ProjectFileError, load_project, save_project
from evcompare.io.schema import ValidationError
from evcompare.io.tabular_import import EXCEL_SUFFIXES, read_rows
from evcompare.model.project import Project
from evcompare.ui.banner import Banner
from evcompare.ui.layers_panel import LayersPanel
from evcompare.ui.live_link import LiveLinks
from evcompare.ui.recovery import Autosaver, Recovery, unattended

RECENT_KEY = "recentFiles"
RECENT_MAX = 8
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", *EXCEL_SUFFIXES)
STATUS_MS = 5000
Answer = QMessageBox.StandardButton


def _tr(text: str) -> str:
    return QCoreApplication.translate("Document", text)


def _settings() -> QSettings:
    return QSettings("evcompare", "evcompare")  # the names create_app gives the application


def recent_files() -> list[str]:
    """The recently opened or saved projects, newest first; files gone since are dropped."""
    stored = _settings().value(RECENT_KEY)
    files = [stored] if isinstance(stored, str) else [str(f) for f in stored or []]
    existing = [f for f in files if os.path.isfile(f)]
    if existing != files:
        _settings().setValue(RECENT_KEY, existing)
    return existing


def remember_recent(path: str) -> None:
    path = os.path.abspath(path)
    files = [path, *[f for f in recent_files() if f != path]][:RECENT_MAX]
    _settings().setValue(RECENT_KEY, files)


def ask_save_changes(parent: QWidget, name: str) -> Answer:
    """Save, Discard or Cancel before unsaved changes would be lost (Discard when no one can
    answer: a headless run has no user whose edits these are)."""
    if unattended():
        return Answer.Discard
    return QMessageBox.question(
        parent, _tr("Unsaved changes"),
        _tr("Save the changes to {name} before closing it?").format(name=name),
        Answer.Save | Answer.Discard | Answer.Cancel, Answer.Save)


def open_error_text(error: Exception) -> str:
    """A failed open in words: the file, where in it, and what was expected."""
    if isinstance(error, ProjectFileError):
        lines = [_tr("File: {file}").format(file=error.file)]
        if error.where:
            lines.append(_tr("Where: {where}").format(where=error.where))
        lines.append(_tr("Problem: {detail}").format(detail=error.detail))
        return "\n".join(lines)
    return str(error)


class Document(QObject):
    """The file behind a window's project and everything that reads or writes it."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.path: str | None = None
        self._title = ""  # the title last composed here
        self._window_title = window.windowTitle()  # the part the window sets
        self._close_confirmed = False
        stack = window.undo_stack

        self.banner = Banner()
        window.centralWidget().layout().insertWidget(0, self.banner)
        self.layers = LayersPanel()
        self.layers_dock = QDockWidget(self.tr("Layers"), window)
        self.layers_dock.setObjectName("layersDock")
        self.layers_dock.setWidget(self.layers)
        # Under the entity tree rather than tabbed with it: Qt 6.11 leaves a stale, still visible
        # copy of the tab bar of the second dock group tabified before the window is shown, and
        # the data table and the timeline below the charts are one already.
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.layers_dock)

        self.autosaver = Autosaver(window, lambda: self.path or "")
        self.autosaver.failed.connect(lambda text: self.banner.set_message("autosave", text))
        self.links = LiveLinks(window)
        self.links.problem.connect(lambda name, text: self.banner.set_message(f"link:{name}", text))
        self.links.reloaded.connect(lambda name: window.statusBar().showMessage(
            self.tr("Layer {name} reloaded from its file").format(name=name), STATUS_MS))
        self.links.reloaded.connect(self.autosaver.schedule)  # not on the undo stack, still unsaved

        self._build_actions()
        stack.cleanChanged.connect(self._on_clean_changed)
        window.windowTitleChanged.connect(self._on_title_changed)
        window.table.overrideRequested.connect(self.override_figure)
        self.layers.entitiesRequested.connect(lambda entities: window.request_change(entities=entities))
        self.layers.removeRequested.connect(lambda name: stack.push(RemoveLayer(window.project, name)))
        self.layers.importRequested.connect(self.import_data)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._attach(window.project, self._drop_undrawable(window.project))
        self._apply_title()

    # --- actions -------------------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot: object,
                shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(self.tr("&New"), self.tr("Start a new project"), self.new,
                                       QKeySequence.StandardKey.New)
        self.open_action = self._action(self.tr("&Open…"), self.tr("Open a project file"), self.open_file,
                                        QKeySequence.StandardKey.Open)
        self.save_action = self._action(self.tr("&Save"), self.tr("Save the project"), self.save,
                                        QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(self.tr("Save &As…"), self.tr("Save the project under a new name"),
                                           self.save_as, "Ctrl+Shift+S")
        self.import_action = self._action(self.tr("&Import data…"),
                                          self.tr("Add your own figures from a CSV or Excel file"),
                                          self.import_data, "Ctrl+I")
        self.export_action = self._action(self.tr("&Export table…"),
                                          self.tr("Save the table behind the current view as CSV or Excel"),
                                          self.export_table, "Ctrl+E")
        self.recent_menu = QMenu(self.tr("Open &Recent"), self.window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        menu = self.window.menuBar().actions()[0].menu()  # File: the window builds it first
        first = menu.actions()[0] if menu.actions() else None
        for action in (self.new_action, self.open_action, self.recent_menu.menuAction(), None,
                       self.save_action, self.save_as_action, None, self.import_action, self.export_action,
                       None):
            if action is None:
                menu.insertSeparator(first)
            else:
                menu.insertAction(first, action)
        self.window.addActions([self.new_action, self.open_action, self.save_action, self.save_as_action,
                                self.import_action, self.export_action])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = recent_files()
        for number, file in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(file).name}")
            action.setToolTip(file)
            action.setStatusTip(file)
            action.triggered.connect(lambda _checked=False, file=file: self.open_file(file))
        if not files:
            self.recent_menu.addAction(self.tr("No recent projects")).setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.tr("Clear the list"), lambda: _settings().remove(RECENT_KEY))

    # --- the title -----------------------------------------------------------------------------

    def display_name(self) -> str:
        return Path(self.path).name if self.path else self.tr("Untitled")

    def _on_title_changed(self, title: str) -> None:
        if title != self._title:  # the window's own title changed: put the file name back in front
            self._window_title = title
            self._apply_title()

    def _on_clean_changed(self, clean: bool) -> None:
        if shiboken6.isValid(self.window):  # the stack also empties itself while the window is deleted
            self.window.setWindowModified(not clean)

    def _apply_title(self) -> None:
        self._title = self.tr("{name}[*] — {title}").format(
            name=self.display_name(), title=self._window_title or "evcompare")
        self.window.setWindowTitle(self._title)
        self.window.setWindowModified(not self.window.undo_stack.isClean())

    # --- the project ---------------------------------------------------------------------------

    @staticmethod
    def _drop_undrawable(project: Project) -> list[str]:
        """Take the entities neither the entity list nor a data layer has out of the comparison;
        returns them. Run before the window draws the project."""
        hidden = [e for e in project.comparison.entities if e not in project.dataset.entities]
        if hidden:
            project.set_comparison(project.comparison.replace(
                entities=tuple(e for e in project.comparison.entities if e not in hidden)))
        return hidden

    def _attach(self, project: Project, hidden: list[str]) -> None:
        """Follow `project` (the window's current one): layers panel, links, banner."""
        project.subscribe(lambda what, project=project: self._on_project_changed(project, what))
        self.banner.clear_all()
        self.banner.set_message("dataset", project.dataset_note)
        self.banner.set_message("hidden", self.tr(
            "Not shown: {names} (neither the entity list nor a data layer of this project has them)").format(
            names=", ".join(hidden)) if hidden else "")
        self.layers.sync(project)
        self.links.sync()

    def _on_project_changed(self, project: Project, what: str) -> None:
        if project is not self.window.project:  # a document no longer shown
            return
        if what in ("data", "comparison"):
            self.layers.sync(project)
        if what == "data":
            self.links.sync()

    def adopt(self, path: str | None, modified: bool = False) -> None:
        """The window's project came from `path` (None: untitled); `modified`: it holds
        changes not in that file (a restored recovery)."""
        self.path = os.path.abspath(path) if path else None
        if modified:
            self.window.undo_stack.resetClean()
        elif self.path:
            remember_recent(self.path)
        self._apply_title()

    def adopt_restored(self, recovery: Recovery) -> None:
        """The window's project was restored from `recovery`: unsaved, named after its own file.
        The old recovery file goes once this session has written its own."""
        self.adopt(recovery.path or None, modified=True)
        if self.autosaver.autosave() is not None:
            recovery.remove()
        else:
            recovery.release()

    def show_project(self, project: Project, path: str | None) -> None:
        """Put another document in the window, with a clean history."""
        hidden = self._drop_undrawable(project)
        self.window.set_project(project)
        self._close_confirmed = False
        self._attach(project, hidden)
        self.adopt(path)
        self.autosaver.discard()

    def maybe_save(self) -> bool:
        """True when the unsaved changes may go: there are none, they were saved, or the user
        chose to discard them."""
        if self.window.undo_stack.isClean():
            return True
        answer = ask_save_changes(self.window, self.display_name())
        if answer == Answer.Save:
            return self.save()
        return answer == Answer.Discard

    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.show_project(Project(self.window.project.base_dataset), None)
        return True

    def _project_filter(self) -> str:
        return self.tr("evcompare projects (*{suffix})").format(suffix=SUFFIX)

    def _folder(self) -> str:
        return str(Path(self.path).parent) if self.path else str(Path.home())

    def open_file(self, path: str | None = None) -> bool:
        """Open a project in this window; a file that cannot be opened changes nothing."""
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open project"), self._folder(),
                                                  self._project_filter())
            if not path:
                return False
        try:
            project = load_project(path, self.window.project.base_dataset)
        except (OSError, ProjectFileError) as error:
            QMessageBox.critical(self.window, self.tr("Cannot open the project"), open_error_text(error))
            return False
        self.show_project(project, path)
        self.window.statusBar().showMessage(self.tr("Opened {file}").format(file=path), STATUS_MS)
        return True

    def save(self) -> bool:
        return self._write(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        suggested = self.path or str(Path(self._folder()) / (self.tr("Untitled") + SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save project"), suggested,
                                              self._project_filter())
        if not path:
            return False
        return self._write(path if path.endswith(SUFFIX) else path + SUFFIX)

    def _write(self, path: str) -> bool:
        try:
            save_project(path, self.window.project)
        except (OSError, ValueError) as error:
            QMessageBox.critical(self.window, self.tr("Cannot save the project"),
                                 self.tr("{file}:\n{error}").format(file=path, error=error))
            return False
        self.window.undo_stack.setClean()
        self.autosaver.discard()
        self.adopt(path)
        self.window.statusBar().showMessage(self.tr("Saved {file}").format(file=path), STATUS_MS)
        return True

    # --- user data -----------------------------------------------------------------------------

    def import_data(self, path: str | None = None) -> bool:
        """Import a CSV or Excel table as one data layer (one undo step) after the mapping dialog."""
        if path is None:
            patterns = " ".join(f"*{suffix}" for suffix in TABLE_SUFFIXES)
            path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Import data"), self._folder(),
                                                  self.tr("Tables ({patterns})").format(patterns=patterns))
            if not path:
                return False
        try:
            table = read_rows(path)
        except ValidationError as error:
            QMessageBox.critical(self.window, self.tr("Cannot import"),
                                 "\n".join(str(p) for p in error.problems))
            return False
        from evcompare.ui.import_dialog import ImportDialog  # the dialogs are loaded when first used

        project = self.window.project
        dialog = ImportDialog(table, project.dataset, [layer.name for layer in project.layers], self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.window.undo_stack.push(AddLayer(project, dialog.layer(), dialog.link()))
        self.layers_dock.show()
        self.layers_dock.raise_()
        return True

    def override_figure(self, entity: str, period: str) -> bool:
        """Ask for the user's figure for a table row; one undo step."""
        from evcompare.ui.override_dialog import OverrideDialog

        project = self.window.project
        dialog = OverrideDialog(project, entity, period, self.window)
        result = dialog.exec()
        if result == QDialog.DialogCode.Accepted:
            self.window.undo_stack.push(SetOverride(project, dialog.override()))
        elif result == OverrideDialog.REMOVE:
            self.window.undo_stack.push(RemoveOverride(project, dialog.existing.key))
        return result in (QDialog.DialogCode.Accepted, OverrideDialog.REMOVE)

    def export_table(self) -> bool:
        """The table behind the current view, with qualifiers and sources, as CSV or Excel."""
        data = self.window.data
        if data is None:
            return False
        csv_filter, xlsx_filter = self.tr("CSV (*.csv)"), self.tr("Excel workbook (*.xlsx)")
        c = data.comparison
        suggested = Path(self._folder()) / f"evcompare-{c.measure}-{c.metric}-{c.freq}.csv"
        path, chosen = QFileDialog.getSaveFileName(self.window, self.tr("Export table"), str(suggested),
                                                   f"{csv_filter};;{xlsx_filter}")
        if not path:
            return False
        if Path(path).suffix.lower() not in (".csv", ".xlsx"):
            path += ".xlsx" if chosen == xlsx_filter else ".csv"
        from evcompare.io.export_data import export_csv, export_xlsx

        try:
            (export_xlsx if path.lower().endswith(".xlsx") else export_csv)(data.frame, path)
        except OSError as error:
            QMessageBox.critical(self.window, self.tr("Cannot export"),
                                 self.tr("{file}:\n{error}").format(file=path, error=error))
            return False
        self.window.statusBar().showMessage(self.tr("Exported {file}").format(file=path), STATUS_MS)
        return True

    # --- closing and dropping ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window:
            return False
        kind = event.type()
        if kind == QEvent.Type.Close:
            return self._closing(event)
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and self._dropped_file(event):
            event.acceptProposedAction()
            return True
        if kind == QEvent.Type.Drop and (path := self._dropped_file(event)):
            event.acceptProposedAction()
            # After the drop has finished: a dialog inside a drop handler blocks the drag source.
            opener = self.open_file if path.lower().endswith(SUFFIX) else self.import_data
            QTimer.singleShot(0, lambda: opener(path))
            return True
        return False

    def _closing(self, event: QEvent) -> bool:
        """Ask before unsaved changes go; a normal close removes the recovery file."""
        if not self._close_confirmed and not self.maybe_save():
            event.ignore()
            return True
        self._close_confirmed = True
        self.autosaver.stop()
        return False

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        """The first dropped local file that is a project or a table."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [url.toLocalFile() for url in urls if url.isLocalFile()]
        return next((f for f in files if f.lower().endswith((SUFFIX, *TABLE_SUFFIXES))), None)


def install_file_actions(window: QMainWindow) -> Document:
    """Give the window its document (see the module docstring). Call once the window has its
    File menu, data table, docks and undo stack, before it first draws the project."""
    return Document(window)

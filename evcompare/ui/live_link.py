"""Linked data layers follow their files: a table saved again in Excel shows in the charts.

A layer is linked when its import settings are stored with it (`commands.data.layer_link`).
Its file is watched and read again with those settings whenever it changes, debounced because
editors write in several steps, and watched again after editors that replace the file.

A reload is the file's change, not the user's edit: it is not an undo step (undo would not
change the file back), but the document becomes unsaved, because the project file stores the
layer's figures. A version that cannot be read or has any bad cell is not used: the layer keeps
its last good figures and the banner says why (file, row, column), until a good version comes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from evcompare.commands.data import layer_link
from evcompare.io.schema import Problem, ValidationError
from evcompare.io.tabular_import import guess_mapping, import_rows, read_rows, tree_resolver
from evcompare.model.figures import Observation
from evcompare.model.project import DataLayer, Project

SHOWN_PROBLEMS = 3  # bad cells named in the banner; the rest are counted


def read_linked(project: Project, layer: DataLayer) -> tuple[tuple[Observation, ...], list[Problem]]:
    """The layer's file read again with its import settings (the guessed mapping without
    them): its rows, and every problem found."""
    link = layer_link(project, layer.name)
    try:
        table = read_rows(layer.source_file)
    except ValidationError as error:
        return (), list(error.problems)
    mapping = link.mapping if link is not None else guess_mapping(table.header, table.rows)
    measure, unit = (link.measure, link.unit) if link is not None else ("", "")
    result = import_rows(table, mapping, tree_resolver(project.dataset.entities), measure=measure or None,
                         unit=unit or None, allow_new_entities=True)
    return tuple(result.rows), result.problems


class LiveLinks(QObject):
    """Watches the linked files of the window's project and reloads their layers."""

    DEBOUNCE_MS = 300
    reloaded = Signal(str)  # layer name
    problem = Signal(str, str)  # layer name, why its file was not used ('' once it is)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self.watcher.directoryChanged.connect(self._directory_changed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DEBOUNCE_MS)
        self.timer.timeout.connect(self.reload_pending)
        self._pending: set[str] = set()
        self._watched: set[str] = set()  # linked files, watched or waiting to reappear

    def linked(self) -> dict[str, list[str]]:
        """Each linked file (absolute) and the names of the layers read from it."""
        project: Project = self.window.project
        files: dict[str, list[str]] = {}
        for layer in project.layers:
            if layer.source_file and layer_link(project, layer.name) is not None:
                files.setdefault(os.path.abspath(layer.source_file), []).append(layer.name)
        return files

    def sync(self) -> None:
        """Watch exactly the project's linked files (after a layer is added or removed, or
        another project is shown); newly linked files are checked once for changes made
        while they were not watched."""
        wanted = set(self.linked())
        gone, new = self._watched - wanted, wanted - self._watched
        self._watched = wanted
        self._pending &= wanted
        if gone:
            self._unwatch(gone)
        if new:
            self._watch(new)
            self._schedule(new)

    def _watch(self, files: Iterable[str]) -> None:
        files = list(files)
        present = [f for f in files if os.path.isfile(f) and f not in self.watcher.files()]
        folders = {str(Path(f).parent) for f in files if Path(f).parent.is_dir()}
        paths = present + [d for d in folders if d not in self.watcher.directories()]
        if paths:
            self.watcher.addPaths(paths)

    def _unwatch(self, files: Iterable[str]) -> None:
        still = {str(Path(f).parent) for f in self._watched}
        paths = [f for f in files if f in self.watcher.files()]
        paths += [d for d in {str(Path(f).parent) for f in files} - still if d in self.watcher.directories()]
        if paths:
            self.watcher.removePaths(paths)

    def _schedule(self, files: Iterable[str]) -> None:
        self._pending.update(files)
        self.timer.start()

    def _file_changed(self, path: str) -> None:
        if path in self._watched:
            self._schedule([path])

    def _directory_changed(self, folder: str) -> None:
        """A file replaced by an editor (written elsewhere, renamed over) leaves the watch list:
        watch it again once it is back, and read it."""
        back = [f for f in self._watched if str(Path(f).parent) == folder and os.path.isfile(f)
                and f not in self.watcher.files()]
        if back:
            self._watch(back)
            self._schedule(back)

    def reload_pending(self) -> None:
        pending, self._pending = self._pending, set()
        self._watch(pending)
        linked = self.linked()
        for file in sorted(pending):
            for name in linked.get(file, []):
                self.reload(name)

    def reload(self, name: str) -> bool:
        """Read the layer's file again; True when the layer changed."""
        project: Project = self.window.project
        layer = next((layer for layer in project.layers if layer.name == name), None)
        if layer is None or not layer.source_file:
            return False
        rows, problems = read_linked(project, layer)
        if problems or not rows:
            self.problem.emit(name, self.problem_text(layer, problems))
            return False
        self.problem.emit(name, "")
        if rows == layer.observations:
            return False
        project.add_layer(DataLayer(layer.name, rows, layer.source_file))
        self.window.undo_stack.resetClean()  # unsaved, though nothing to undo
        self.reloaded.emit(name)
        return True

    def problem_text(self, layer: DataLayer, problems: list[Problem]) -> str:
        file = Path(layer.source_file).name
        head = self.tr("Linked file {file} was not used; layer “{layer}” keeps its last good "
                       "figures.").format(file=file, layer=layer.name)
        if not problems:
            return head + " " + self.tr("The file has no valid rows.")
        lines = [self.tr("{file}: row {row}, column {column}: {message}").format(
            file=Path(p.file).name, row=p.row, column=p.column, message=p.message)
            for p in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(self.tr("… and {count} more").format(count=len(problems) - SHOWN_PROBLEMS))
        return "\n".join([head, *lines])

"""Never losing an edit: autosave to a recovery file, the offer to restore it after a session
that did not close normally, and a dialog (never a silent exit) for an unhandled exception.

Each running session holds a lock file in the recovery folder (a QLockFile, which turns stale
when its process is gone) and names its recovery files after it. At start-up, a recovery file
whose session lock can be taken belongs to a session that ended without closing its window;
one whose lock is held belongs to another running evcompare and is left alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QCoreApplication, QLockFile, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from evcompare.io.atomic import write_atomic
from evcompare.io.project_file import SUFFIX, ProjectFileError, load_project, save_project
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project

UNATTENDED_VARIABLE = "EVCOMPARE_UNATTENDED"  # set to 1: never wait for an answer to a dialog
_HEADLESS_PLATFORMS = ("offscreen", "minimal")
_SESSION = f"{os.getpid()}-{secrets.token_hex(4)}"
_serials = itertools.count(1)
_held: dict[Path, QLockFile] = {}  # this session's lock in each recovery folder it wrote to


def _tr(text: str) -> str:
    return QCoreApplication.translate("Recovery", text)


def unattended() -> bool:
    """No one can answer a dialog: a headless Qt platform (tests, CI, screenshots) or the
    EVCOMPARE_UNATTENDED environment variable."""
    return bool(os.environ.get(UNATTENDED_VARIABLE)) or QGuiApplication.platformName() in _HEADLESS_PLATFORMS


def recovery_dir() -> Path:
    return Path(platformdirs.user_data_dir("evcompare")) / "recovery"


def _meta_file(recovery_file: Path) -> Path:
    return recovery_file.with_suffix(".json")


def _session_lock(folder: Path, session: str) -> QLockFile:
    lock = QLockFile(str(folder / f"{session}.lock"))
    lock.setStaleLockTime(0)  # stale only when its process has gone, however old
    return lock


def _hold_session(folder: Path) -> None:
    if folder not in _held:
        lock = _session_lock(folder, _SESSION)
        lock.tryLock(0)
        _held[folder] = lock


class Autosaver(QObject):
    """Writes a window's document to its own recovery file while it has unsaved changes: on
    idle (IDLE_MS after the last change) and every INTERVAL_MS; removes it once the document
    is clean again (saved, or undone back to the saved state)."""

    INTERVAL_MS = 30_000
    IDLE_MS = 2_000
    failed = Signal(str)  # why the recovery file could not be written

    def __init__(self, window: QWidget, document_path: Callable[[], str]) -> None:
        super().__init__(window)
        self.window = window
        self.document_path = document_path
        self.file = recovery_dir() / f"{_SESSION}.{next(_serials)}{SUFFIX}"
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(self.IDLE_MS)
        self.idle_timer.timeout.connect(self.autosave)
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        window.undo_stack.indexChanged.connect(self.schedule)
        window.undo_stack.cleanChanged.connect(self.schedule)

    def schedule(self) -> None:
        """(Re)start the idle countdown: a burst of edits is written once, after it ends."""
        self.idle_timer.start()

    def dirty(self) -> bool:
        return not self.window.undo_stack.isClean()

    def autosave(self) -> Path | None:
        """Write the recovery file now when there are unsaved changes (else remove it); the
        file written, or None."""
        if not self.dirty():
            self.discard()
            return None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            _hold_session(self.file.parent)
            save_project(self.file, self.window.project)
            meta = {"path": self.document_path(), "saved": dt.datetime.now().isoformat(timespec="seconds")}
            write_atomic(_meta_file(self.file), json.dumps(meta, ensure_ascii=False))
        except (OSError, ValueError) as error:
            self.failed.emit(_tr("Autosave to {file} failed: {error}").format(file=self.file, error=error))
            return None
        self.failed.emit("")
        return self.file

    def discard(self) -> None:
        """Remove the recovery file (the document is saved, or closed on purpose)."""
        self.idle_timer.stop()
        for file in (self.file, _meta_file(self.file)):
            file.unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()
        self.discard()


@dataclass
class Recovery:
    """A recovery file left by a session that did not close normally; its session's lock is
    held (so no other evcompare offers it too) until `remove` or `release`."""

    file: Path
    path: str  # the document's own file; '' for an untitled one
    saved: str  # when it was written, ISO date and time
    lock: QLockFile

    def remove(self) -> None:
        for file in (self.file, _meta_file(self.file)):
            file.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        self.lock.unlock()


def abandoned_recovery() -> Recovery | None:
    """The newest recovery file of a session that is no longer running, if any."""
    folder = recovery_dir()
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda f: f.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    for file in files:
        session = file.name.split(".", 1)[0]
        if session == _SESSION:
            continue
        lock = _session_lock(folder, session)
        if not lock.tryLock(0):
            continue
        try:
            meta = json.loads(_meta_file(file).read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        return Recovery(file, str(meta.get("path", "")), str(meta.get("saved", "")), lock)
    return None


def ask_restore(recovery: Recovery, parent: QWidget | None = None) -> bool | None:
    """Restore (True) or discard (False) the recovery file; None leaves it for another time
    (and always when no one can answer)."""
    if unattended():
        return None
    name = Path(recovery.path).name if recovery.path else _tr("an untitled project")
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Restore unsaved changes?"),
                      _tr("evcompare did not close normally last time. Unsaved changes to {name} were "
                          "kept (saved {when}).").format(name=name, when=recovery.saved or "?"),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(_tr("Restore opens them as an unsaved project; Discard deletes them."))
    restore = box.addButton(_tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is restore else False if clicked is discard else None


def offer_recovery(dataset: Dataset, parent: QWidget | None = None) -> tuple[Project, Recovery] | None:
    """Ask about an abandoned recovery file; the restored project and its recovery (remove it
    once the new session has autosaved), or None."""
    recovery = abandoned_recovery()
    if recovery is None:
        return None
    answer = ask_restore(recovery, parent)
    if answer is None:
        recovery.release()
        return None
    if not answer:
        recovery.remove()
        return None
    try:
        project = load_project(recovery.file, dataset)
    except (OSError, ProjectFileError) as error:
        QMessageBox.critical(parent, _tr("Cannot restore"), _tr(
            "The recovery file cannot be opened and was kept:\n{error}").format(error=error))
        recovery.release()
        return None
    return project, recovery


# Unhandled exceptions ----------------------------------------------------------------------

def crash_message(saved: Path | None) -> str:
    """What the user needs after an unexpected error: where their unsaved changes are."""
    head = _tr("evcompare hit an unexpected error. You can keep working, but save your project under a "
               "new name soon.")
    if saved is None:
        return head + "\n\n" + _tr("There were no unsaved changes to protect.")
    return head + "\n\n" + _tr("Your unsaved changes were written to:\n{path}\nIf evcompare stops, they "
                               "are offered when it starts again.").format(path=saved)


def show_crash_dialog(parent: QWidget | None, message: str, details: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, _tr("Unexpected error"), message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(details)
    box.exec()


class CrashReporter(QObject):
    """Replaces sys.excepthook and threading.excepthook: every unhandled exception forces an
    autosave and is shown in a dialog with the recovery path (printed when unattended).
    Exceptions of other threads reach the dialog through a queued signal."""

    raised = Signal(str)

    def __init__(self, autosave: Callable[[], Path | None], parent: QWidget) -> None:
        super().__init__(parent)
        self.autosave = autosave
        self.parent_widget = parent
        self.reports: list[str] = []  # the messages shown, newest last
        self._reporting = False
        self._previous = (sys.excepthook, threading.excepthook)
        self.raised.connect(self.report)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, value, tb)
            return
        self._raise("".join(traceback.format_exception(kind, value, tb)))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        self._raise(_tr("In thread {name}:").format(name=getattr(args.thread, "name", "?")) + "\n" + text)

    def _raise(self, details: str) -> None:
        print(details, file=sys.stderr, end="")
        self.raised.emit(details)

    def report(self, details: str) -> None:
        """Autosave, then tell the user (one dialog at a time; errors meanwhile are printed)."""
        if self._reporting:
            return
        self._reporting = True
        try:
            try:
                saved = self.autosave()
            except Exception as error:  # the report must appear even when saving fails too
                saved = None
                details += "\n" + _tr("Autosave failed: {error}").format(error=error)
            message = crash_message(saved)
            self.reports.append(message)
            if unattended():
                print(message, file=sys.stderr)
            else:
                show_crash_dialog(self.parent_widget, message, details)
        finally:
            self._reporting = False

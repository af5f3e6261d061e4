"""Never losing an edit: the recovery file follows unsaved changes, a session that did not close
normally is offered back at start-up, and an unexpected error is shown, never silent."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from gui_windows import window_factory
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QFileDialog, QMessageBox

from evcompare.io.project_file import load_project, save_project
from evcompare.model.comparison import Comparison
from evcompare.model.project import Project
from evcompare.ui import recovery
from evcompare.ui.recovery import CrashReporter, offer_recovery, recovery_dir


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture
def quick_window(make_window):
    """A window whose autosave runs 20 ms after the last change instead of 2 s."""
    def make(**kwargs):
        window = make_window(**kwargs)
        window.document.autosaver.idle_timer.setInterval(20)
        return window
    return make


def left_behind(dataset, comparison: Comparison, path: str = "", session: str = "4242-dead") -> Path:
    """A recovery file as a session that stopped without closing its window leaves it."""
    folder = recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{session}.1.evcompare"
    save_project(file, Project(dataset, comparison))
    file.with_suffix(".json").write_text(json.dumps({"path": path, "saved": "2026-05-01T10:00:00"}), "utf-8")
    return file


def test_a_change_is_written_to_the_recovery_file_and_a_save_removes_it(quick_window, qtbot, monkeypatch,
                                                                       dataset, tmp_path):
    window = quick_window()
    file = window.document.autosaver.file
    assert file.parent == recovery_dir() and not file.exists()
    window.controls.metric.setCurrentIndex(window.controls.metric.findData("yoy"))
    qtbot.waitUntil(file.exists)
    assert load_project(file, dataset).comparison.metric == "yoy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(tmp_path / "saved"), ""))
    window.document.save_action.trigger()
    assert not file.exists() and not file.with_suffix(".json").exists()


def test_undoing_back_to_the_saved_state_removes_the_recovery_file(quick_window, qtbot):
    window = quick_window()
    file = window.document.autosaver.file
    window.controls.dark.trigger()
    qtbot.waitUntil(file.exists)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not file.exists())


def test_a_normal_close_removes_the_recovery_file(quick_window, qtbot):
    window = quick_window()
    file = window.document.autosaver.file
    window.controls.dark.trigger()
    qtbot.waitUntil(file.exists)
    assert window.close()  # unattended: the changes are discarded without a question
    assert not file.exists()


def test_a_left_behind_session_is_offered_and_restored(make_window, monkeypatch, dataset, tmp_path):
    wanted = Comparison(entities=("Xiaomi", "Aito"), metric="yoy", chart="bars")
    original = tmp_path / "weekly.evcompare"
    left = left_behind(dataset, wanted, path=str(original))
    asked: list[str] = []
    monkeypatch.setattr(recovery, "ask_restore", lambda found, parent=None: asked.append(found.path) or True)
    project, found = offer_recovery(dataset)
    assert asked == [str(original)] and project.comparison == wanted
    window = make_window(project=project)
    window.document.adopt_restored(found)
    assert window.project.comparison == wanted and window.isWindowModified()
    assert window.windowTitle().startswith("weekly.evcompare[*] — ")
    assert not left.exists()  # replaced by this session's own recovery file
    assert load_project(window.document.autosaver.file, dataset).comparison == wanted
    assert offer_recovery(dataset) is None


def test_discard_deletes_the_left_behind_file(monkeypatch, dataset):
    left = left_behind(dataset, Comparison(metric="mom"))
    monkeypatch.setattr(recovery, "ask_restore", lambda found, parent=None: False)
    assert offer_recovery(dataset) is None
    assert not left.exists()


def test_without_an_answer_the_file_is_kept_for_later(dataset):
    left = left_behind(dataset, Comparison(metric="mom"))
    assert recovery.unattended()
    assert offer_recovery(dataset) is None  # headless: no question, nothing lost
    assert left.exists()


def test_a_running_sessions_file_is_not_offered(monkeypatch, dataset):
    left_behind(dataset, Comparison(metric="mom"), session="777-alive")
    lock = QLockFile(str(recovery_dir() / "777-alive.lock"))
    assert lock.tryLock(0)  # held by a running evcompare (this process)
    monkeypatch.setattr(recovery, "ask_restore", lambda *_: pytest.fail("offered a live session's file"))
    try:
        assert offer_recovery(dataset) is None
    finally:
        lock.unlock()


def test_an_unexpected_error_autosaves_and_shows_the_recovery_path(make_window, monkeypatch):
    window = make_window()
    window.controls.dark.trigger()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(recovery, "unattended", lambda: False)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())) or 0)
    reporter = CrashReporter(window.document.autosaver.autosave, window)
    try:
        raise RuntimeError("the chart fell over")
    except RuntimeError:
        reporter.excepthook(*sys.exc_info())
    [(text, details)] = shown
    assert str(window.document.autosaver.file) in text
    assert window.document.autosaver.file.exists()
    assert "RuntimeError: the chart fell over" in details


def test_an_error_without_unsaved_changes_says_so(make_window, monkeypatch):
    window = make_window()
    shown: list[str] = []
    monkeypatch.setattr(recovery, "unattended", lambda: False)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    CrashReporter(window.document.autosaver.autosave, window).report("Traceback ...")
    assert "no unsaved changes" in shown[0]


def test_headless_errors_are_printed_not_shown(make_window, monkeypatch, capsys):
    window = make_window()
    window.controls.dark.trigger()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("a dialog would block"))
    reporter = CrashReporter(window.document.autosaver.autosave, window)
    reporter.report("Traceback: boom")
    assert str(window.document.autosaver.file) in capsys.readouterr().err


def test_an_error_in_another_thread_reaches_the_dialog(make_window, qtbot, monkeypatch):
    window = make_window()
    window.controls.dark.trigger()
    reporter = CrashReporter(window.document.autosaver.autosave, window)
    reporter.install()
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="loader")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(reporter.reports))
    finally:
        reporter.uninstall()
    assert str(window.document.autosaver.file) in reporter.reports[0]
    assert threading.excepthook is not reporter.thread_excepthook

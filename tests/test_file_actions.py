"""The document as a user handles it: save, open, recent files, the modified mark, the question
before unsaved changes go, drag and drop, export, and a full round trip through the GUI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from gui_windows import window_factory
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from evcompare.io.project_file import load_project, save_project
from evcompare.model.comparison import Comparison
from evcompare.model.periods import parse_period
from evcompare.model.project import Project
from evcompare.ui import file_actions
from evcompare.ui.import_dialog import ImportDialog
from evcompare.ui.override_dialog import OverrideDialog

Answer = QMessageBox.StandardButton


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture(autouse=True)
def _no_recent_files():
    """QSettings keeps one file per process: start each test with an empty list."""
    file_actions._settings().remove(file_actions.RECENT_KEY)


def shown_title(window) -> str:
    """The title as the window system shows it ('[*]' resolved to '*' or nothing)."""
    window.show()
    return window.windowHandle().title()


def choose(combo, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


@pytest.fixture
def save_to(monkeypatch):
    """Answer every Save dialog with the path given (and remember how often one was shown)."""
    asked: list[str] = []

    def answer(path: Path):
        def dialog(*_args, **_kwargs):
            asked.append(str(path))
            return str(path), ""
        monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
        return asked
    return answer


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text, *a: shown.append(text))
    return shown


def test_a_new_window_is_untitled_and_unmodified(make_window):
    window = make_window()
    assert shown_title(window) == "Untitled — Xiaomi vs HIMA — evcompare"
    assert not window.isWindowModified()


def test_a_change_marks_the_title_and_undoing_it_clears_the_mark(make_window):
    window = make_window()
    choose(window.controls.metric, "yoy")
    assert window.isWindowModified()
    assert shown_title(window) == "Untitled* — Xiaomi vs HIMA — evcompare"
    window.undo_action.trigger()
    assert not window.isWindowModified()
    assert shown_title(window) == "Untitled — Xiaomi vs HIMA — evcompare"


def test_save_names_the_window_clears_the_mark_and_the_file_reopens_the_same(make_window, save_to,
                                                                           dataset, tmp_path):
    window = make_window()
    choose(window.controls.metric, "yoy")
    asked = save_to(tmp_path / "report")  # the suffix is added
    window.document.save_action.trigger()
    saved = tmp_path / "report.evcompare"
    assert asked and saved.is_file()
    assert shown_title(window) == "report.evcompare — Xiaomi vs HIMA — evcompare"
    assert not window.isWindowModified()
    assert load_project(saved, dataset).comparison == window.project.comparison
    choose(window.controls.freq, "quarter")
    window.document.save_action.trigger()  # saved before: no dialog this time
    assert len(asked) == 1
    assert load_project(saved, dataset).comparison.freq == "quarter"
    assert file_actions.recent_files() == [str(saved)]


def test_undo_after_a_save_makes_the_document_modified_again(make_window, save_to, tmp_path):
    window = make_window()
    choose(window.controls.metric, "yoy")
    save_to(tmp_path / "a.evcompare")
    window.document.save_action.trigger()
    window.undo_action.trigger()
    assert window.isWindowModified()
    window.redo_action.trigger()
    assert not window.isWindowModified()


def test_closing_with_changes_asks_and_cancel_keeps_the_window(make_window, monkeypatch):
    window = make_window()
    window.show()
    choose(window.controls.metric, "yoy")
    asked: list[str] = []
    monkeypatch.setattr(file_actions, "ask_save_changes",
                        lambda _parent, name: asked.append(name) or Answer.Cancel)
    assert not window.close()
    assert window.isVisible() and asked == ["Untitled"]
    assert window.project.comparison.metric == "yoy"
    monkeypatch.setattr(file_actions, "ask_save_changes", lambda _parent, name: Answer.Discard)
    assert window.close()
    assert not window.isVisible()


def test_closing_with_save_writes_the_file_first(make_window, monkeypatch, save_to, dataset, tmp_path):
    window = make_window()
    window.show()
    window.controls.chart_actions["bars"].trigger()
    monkeypatch.setattr(file_actions, "ask_save_changes", lambda _parent, name: Answer.Save)
    save_to(tmp_path / "closing.evcompare")
    assert window.close()
    assert load_project(tmp_path / "closing.evcompare", dataset).comparison.chart == "bars"


def test_closing_without_changes_does_not_ask(make_window, monkeypatch):
    window = make_window()
    window.show()
    monkeypatch.setattr(file_actions, "ask_save_changes", lambda *_: pytest.fail("asked"))
    assert window.close()


def test_a_bad_file_shows_where_and_what_and_leaves_the_project_alone(make_window, monkeypatch, errors,
                                                                      dataset, tmp_path):
    window = make_window()
    choose(window.controls.metric, "yoy")
    before, comparison = window.project, window.project.comparison
    good = tmp_path / "good.evcompare"
    save_project(good, Project(dataset))
    document = json.loads(good.read_text("utf-8"))
    document["comparison"]["freq"] = "fortnight"
    bad = tmp_path / "bad.evcompare"
    bad.write_text(json.dumps(document), "utf-8")
    monkeypatch.setattr(file_actions, "ask_save_changes", lambda *_: Answer.Discard)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    window.document.open_action.trigger()
    [text] = errors
    assert str(bad) in text and "comparison.freq" in text and "expected one of" in text
    assert window.project is before and window.project.comparison == comparison
    assert window.isWindowModified() and window.undo_stack.count() == 1
    assert "Untitled" in shown_title(window)


def test_opening_a_file_shows_its_name_and_its_state(make_window, monkeypatch, dataset, tmp_path):
    saved = tmp_path / "aito.evcompare"
    wanted = Comparison(entities=("Xiaomi", "Aito"), metric="cumulative", freq="quarter", theme="dark")
    save_project(saved, Project(dataset, wanted))
    window = make_window()
    choose(window.controls.metric, "yoy")
    monkeypatch.setattr(file_actions, "ask_save_changes", lambda *_: Answer.Discard)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(saved), ""))
    window.document.open_action.trigger()
    assert window.project.comparison == wanted
    assert shown_title(window) == "aito.evcompare — Xiaomi vs Aito — evcompare"
    assert window.undo_stack.count() == 0 and not window.isWindowModified()
    assert window.controls.metric.currentData() == "cumulative"
    assert [p.key for p in window.chart.panels()] == ["Xiaomi", "HIMA"]  # Aito sits in HIMA's panel
    assert file_actions.recent_files() == [str(saved)]


def test_new_starts_an_untitled_default_project(make_window, monkeypatch, dataset, tmp_path):
    saved = tmp_path / "aito.evcompare"
    save_project(saved, Project(dataset, Comparison(entities=("Aito",))))
    window = make_window()
    assert window.document.open_file(str(saved))
    window.document.new_action.trigger()
    assert window.project.comparison == Comparison()
    assert shown_title(window).startswith("Untitled — ")


def test_open_recent_lists_the_newest_first_and_drops_missing_files(make_window, dataset, tmp_path):
    files = [tmp_path / f"p{n}.evcompare" for n in range(10)]
    for file in files:
        save_project(file, Project(dataset))
    window = make_window()
    for file in files:
        assert window.document.open_file(str(file))
    files[9].unlink()
    menu = window.document.recent_menu
    menu.aboutToShow.emit()
    names = [a.text() for a in menu.actions() if a.text() and not a.isSeparator()]
    assert names[:7] == [f"&{n} p{9 - n}.evcompare" for n in range(1, 8)]  # p9 is gone; 8 were kept
    assert len(file_actions.recent_files()) == 7
    next(a for a in menu.actions() if a.text() == "&2 p7.evcompare").trigger()
    assert window.document.path == str(files[7])


def test_a_dataset_note_shows_in_the_banner(make_window, dataset, tmp_path):
    saved = tmp_path / "old.evcompare"
    save_project(saved, Project(dataset))
    document = json.loads(saved.read_text("utf-8"))
    document["dataset"]["checksum"] = "0" * 64
    document["dataset"]["as_of"] = "2025-01"
    saved.write_text(json.dumps(document), "utf-8")
    window = make_window()
    window.show()
    assert not window.document.banner.isVisible()
    assert window.document.open_file(str(saved))
    assert window.document.banner.isVisible()
    assert "The data changed since this project was saved (as of 2025-01" in window.document.banner.text()


def drop(window, path: Path) -> None:
    """Drag the file over the window (it must accept it) and drop it there."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(50, 50), *args)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    dropped = QDropEvent(QPointF(50, 50), *args)
    QApplication.sendEvent(window, dropped)
    assert dropped.isAccepted()


def test_dropping_a_project_file_opens_it(make_window, qtbot, dataset, tmp_path):
    saved = tmp_path / "dropped.evcompare"
    save_project(saved, Project(dataset, Comparison(entities=("Luxeed",))))
    window = make_window()
    drop(window, saved)
    qtbot.waitUntil(lambda: window.project.comparison.entities == ("Luxeed",))
    assert window.document.path == str(saved)


def test_dropping_a_table_starts_the_import(make_window, qtbot, monkeypatch, tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("month,brand,deliveries\n2026-04,Xiaomi,41000\n", "utf-8")
    shown: list[str] = []
    monkeypatch.setattr(ImportDialog, "exec", lambda dialog: shown.append(dialog.table.file) or 0)
    window = make_window()
    drop(window, table)
    qtbot.waitUntil(lambda: shown == [str(table)])
    assert not window.project.layers  # cancelled: nothing changed


def test_export_table_writes_the_views_rows_with_qualifiers(make_window, save_to, tmp_path):
    window = make_window()
    save_to(tmp_path / "table.csv")
    window.document.export_action.trigger()
    with open(tmp_path / "table.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(window.data.frame)
    september = next(r for r in rows if (r["entity"], r["period"]) == ("Xiaomi", "2025-09"))
    assert (september["value"], september["qualifier"]) == ("40000", "over")
    save_to(tmp_path / "table.xlsx")
    window.document.export_action.trigger()
    sheet = openpyxl.load_workbook(tmp_path / "table.xlsx")["Data"]
    assert sheet.max_row == len(rows) + 1


def test_everything_set_in_the_gui_survives_save_and_open(make_window, qtbot, monkeypatch, save_to, dataset,
                                                         tmp_path):
    window = make_window()
    controls = window.controls
    choose(controls.metric, "cumulative")
    choose(controls.freq, "quarter")
    controls.chart_actions["bars"].trigger()
    controls.layout_actions["overlay"].trigger()
    controls.dark.trigger()
    controls.language_actions["both"].trigger()
    window.picker.set_checked("Aito", True)

    def type_override(dialog: OverrideDialog) -> int:
        dialog.value.setText("≥45,000")
        dialog.why.setText("company statement")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(OverrideDialog, "exec", type_override)
    window.document.override_figure("Aito", "2025Q3")
    table = tmp_path / "extra.csv"
    table.write_text("month,brand,deliveries\n2026-04,小米汽车,41000\n2026-05,问界,约4.1万\n", "utf-8")
    monkeypatch.setattr(ImportDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    assert window.document.import_data(str(table))
    assert window.undo_stack.count() == 9

    save_to(tmp_path / "everything.evcompare")
    window.document.save_action.trigger()
    again = make_window()
    assert again.document.open_file(str(tmp_path / "everything.evcompare"))
    assert again.project.comparison == window.project.comparison
    assert again.project.overrides == window.project.overrides
    assert again.project.layers == window.project.layers
    assert again.project.effective_observations() == window.project.effective_observations()
    assert again.table.rows() == window.table.rows()
    quarter = again.project.dataset.span("Aito", "deliveries", parse_period("2025Q3"))
    assert (quarter.display(), quarter.note) == ("≥ 45,000", "user figure")
    assert again.controls.dark.isChecked() and again.controls.chart_actions["bars"].isChecked()

"""A linked layer follows its file: a new version shows at once, a broken one is refused with
the reason in the banner, and a reload is not an undo step but leaves the document unsaved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gui_windows import table_value, window_factory
from PySide6.QtWidgets import QDialog

from evcompare.io.project_file import save_project
from evcompare.ui.import_dialog import ImportDialog

HEADER = "日期,车企,销量（辆）\n"


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


def write(path: Path, rows: str) -> None:
    path.write_bytes((HEADER + rows).encode("gbk"))


def values(window) -> dict[tuple[str, str], float]:
    [layer] = window.project.layers
    return {(o.entity, o.period): o.value for o in layer.observations}


@pytest.fixture
def linked(make_window, monkeypatch, tmp_path):
    """A window with one layer linked to a GBK file (its measure, sales, read from the header)."""
    def make(linked: bool = True):
        path = tmp_path / "weekly.csv"
        write(path, "2026-04,小米汽车,41000\n2026-05,小米汽车,42000\n")
        window = make_window()

        def accept(dialog: ImportDialog) -> int:
            dialog.linked.setChecked(linked)
            return QDialog.DialogCode.Accepted
        monkeypatch.setattr(ImportDialog, "exec", accept)
        assert window.document.import_data(str(path))
        return window, path
    return make


def test_saving_the_file_again_updates_the_layer_and_the_table(linked, qtbot):
    window, path = linked()
    window.request_change(measure="sales")
    assert table_value(window, "Xiaomi", "2026-05") == "42,000"
    steps = window.undo_stack.count()
    write(path, "2026-04,小米汽车,41000\n2026-05,小米汽车,43500\n2026-06,小米汽车,44000\n")
    qtbot.waitUntil(lambda: values(window).get(("Xiaomi", "2026-05")) == 43_500)
    assert values(window)[("Xiaomi", "2026-06")] == 44_000
    assert table_value(window, "Xiaomi", "2026-05") == "43,500"
    assert window.undo_stack.count() == steps  # the file's change, not an edit to undo
    assert window.isWindowModified()


def test_an_invalid_version_keeps_the_last_good_data_and_says_why(linked, qtbot):
    window, path = linked()
    window.show()
    good = values(window)
    write(path, "2026-04,小米汽车,41000\n2026-05,小米汽车,四万二\n")
    banner = window.document.banner
    qtbot.waitUntil(banner.isVisible)
    assert "weekly.csv: row 3, column 销量（辆）: not a number: '四万二'" in banner.text()
    assert "keeps its last good figures" in banner.text()
    assert values(window) == good
    write(path, "2026-04,小米汽车,41000\n2026-05,小米汽车,42100\n")
    qtbot.waitUntil(lambda: values(window)[("Xiaomi", "2026-05")] == 42_100)
    assert not banner.isVisible()


def test_a_file_replaced_by_an_editor_is_still_followed(linked, qtbot, tmp_path):
    window, path = linked()
    for value in (45_000, 46_000):  # twice: the watch must be renewed after each replacement
        temporary = tmp_path / "weekly.csv.tmp"
        write(temporary, f"2026-04,小米汽车,41000\n2026-05,小米汽车,{value}\n")
        os.replace(temporary, path)
        qtbot.waitUntil(lambda value=value: values(window)[("Xiaomi", "2026-05")] == value)


def test_a_deleted_file_keeps_the_data_and_says_so(linked, qtbot):
    window, path = linked()
    window.show()
    good = values(window)
    path.unlink()
    qtbot.waitUntil(window.document.banner.isVisible)
    assert "cannot read the file" in window.document.banner.text()
    assert values(window) == good


def test_an_unlinked_layer_stays_as_imported(linked, qtbot):
    window, path = linked(linked=False)
    assert "from weekly.csv" in window.document.layers.tree.topLevelItem(0).text(0)
    assert not window.document.links.watcher.files()
    write(path, "2026-04,小米汽车,1\n")
    window.document.links.reload_pending()
    assert values(window)[("Xiaomi", "2026-04")] == 41_000


def test_the_link_and_its_column_choices_survive_save_and_open(linked, make_window, qtbot, tmp_path):
    window, path = linked()
    project_file = tmp_path / "linked.evcompare"
    save_project(project_file, window.project)
    write(path, "2026-04,小米汽车,41000\n2026-05,小米汽车,47000\n")  # changed while the project was closed
    again = make_window()
    assert again.document.open_file(str(project_file))
    assert "linked to weekly.csv" in again.document.layers.tree.topLevelItem(0).text(0)
    qtbot.waitUntil(lambda: values(again)[("Xiaomi", "2026-05")] == 47_000)
    assert {o.measure for o in again.project.layers[0].observations} == {"sales"}
    assert again.isWindowModified()


def test_undoing_the_import_stops_following_the_file(linked, qtbot):
    window, path = linked()
    links = window.document.links
    assert links.watcher.files() == [str(path)]
    window.undo_action.trigger()
    assert not links.watcher.files() and not links.linked()

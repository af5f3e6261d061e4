"""Importing the user's own table through the mapping dialog: the bad cells are listed before
anything changes, the valid rows become one layer in one undo step, and the layers panel shows
and removes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_windows import table_value, window_factory
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from evcompare.io.tabular_import import read_rows
from evcompare.ui.import_dialog import BAD_CELL, ImportDialog

GBK_TABLE = "月份,品牌,交付量\n2026-04,小米汽车,41000\n2026-05,问界,约4.1万\n2026-06,小米汽车,四万多\n" \
            "2026-07,问界,39000\n"


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture
def gbk_csv(tmp_path: Path) -> Path:
    path = tmp_path / "交付.csv"
    path.write_bytes(GBK_TABLE.encode("gbk"))
    return path


@pytest.fixture
def dialog_answers(monkeypatch):
    """The import dialogs shown, each answered with `result`."""
    def answer(result: int) -> list[ImportDialog]:
        shown: list[ImportDialog] = []
        monkeypatch.setattr(ImportDialog, "exec", lambda dialog: shown.append(dialog) or result)
        return shown
    return answer


def test_a_gbk_table_lists_its_bad_cell_and_imports_the_valid_rows_as_one_step(make_window, gbk_csv,
                                                                               dialog_answers):
    window = make_window()
    shown = dialog_answers(QDialog.DialogCode.Accepted)
    assert window.document.import_data(str(gbk_csv))
    [dialog] = shown
    assert dialog.mapping() == {"period": "月份", "entity": "品牌", "value": "交付量"}
    assert dialog.chosen_measure() == "deliveries"
    assert dialog.problem_rows() == [("4", "交付量", "not a number: '四万多'")]
    assert dialog.import_button.text() == "Import 3 valid rows"
    assert dialog.preview.item(2, 2).background().color() == BAD_CELL  # row 4 is the third below the header
    assert dialog.preview.item(1, 2).text() == "约4.1万"
    [layer] = window.project.layers
    assert (layer.name, len(layer.observations)) == ("交付", 3)
    assert window.undo_stack.count() == 1 and window.undo_action.text() == "&Undo Import 交付"
    assert table_value(window, "Xiaomi", "2026-04") == "41,000"
    assert window.document.layers.layer_names() == ["交付"]
    window.undo_action.trigger()
    assert not window.project.layers and not window.document.layers.layer_names()
    assert "2026-04" not in {period for _e, period, _v, _q in window.table.rows()}
    window.redo_action.trigger()
    assert table_value(window, "Xiaomi", "2026-04") == "41,000"


def test_cancel_changes_nothing(make_window, gbk_csv, dialog_answers):
    window = make_window()
    dialog_answers(QDialog.DialogCode.Rejected)
    assert not window.document.import_data(str(gbk_csv))
    assert not window.project.layers and window.undo_stack.count() == 0


def test_every_mapping_choice_reruns_the_dry_run(qtbot, dataset, gbk_csv):
    dialog = ImportDialog(read_rows(gbk_csv), dataset, ["交付"])
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "交付 (2)"  # a layer of that name exists
    value = dialog.fields["value"]
    value.setCurrentIndex(value.findData(""))
    assert not dialog.import_button.isEnabled()
    assert ("1", "-", "no column chosen for value") in dialog.problem_rows()
    value.setCurrentIndex(value.findData("交付量"))
    dialog.measure.setCurrentIndex(dialog.measure.findData("sales"))
    assert dialog.import_button.isEnabled()
    assert {o.measure for o in dialog.layer().observations} == {"sales"}
    dialog.name.setText("交付")
    assert dialog.name_note.text() == "replaces the layer of that name"


def test_new_names_are_the_layers_own_entities_and_known_ones_can_be_shown(make_window, tmp_path,
                                                                            dialog_answers):
    table = tmp_path / "mine.csv"
    table.write_text("month,brand,deliveries\n2025-09,Foo Motors,1200\n2025-09,Luxeed,9000\n", "utf-8")
    window = make_window()
    shown = dialog_answers(QDialog.DialogCode.Accepted)
    assert window.document.import_data(str(table))
    assert "new entities: Foo Motors" in shown[0].summary.text()
    panel = window.document.layers
    foo, luxeed = panel.entity_item("mine", "Foo Motors"), panel.entity_item("mine", "Luxeed")
    assert foo.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "this layer's own entity" in foo.toolTip(0)
    luxeed.setCheckState(0, Qt.CheckState.Checked)
    assert window.project.comparison.entities == ("Xiaomi", "HIMA", "Luxeed")
    assert window.picker.checked() == ("Xiaomi", "HIMA", "Luxeed")
    window.undo_action.trigger()
    assert panel.entity_item("mine", "Luxeed").checkState(0) == Qt.CheckState.Unchecked


def test_remove_in_the_layers_panel_is_one_undo_step(make_window, gbk_csv, dialog_answers):
    window = make_window()
    dialog_answers(QDialog.DialogCode.Accepted)
    window.document.import_data(str(gbk_csv))
    panel = window.document.layers
    assert not panel.remove.isEnabled()
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    panel.remove.click()
    assert not window.project.layers and window.undo_action.text() == "&Undo Remove layer 交付"
    window.undo_action.trigger()
    assert [layer.name for layer in window.project.layers] == ["交付"]
    assert table_value(window, "Xiaomi", "2026-04") == "41,000"


def test_an_unreadable_file_is_reported_without_a_dialog(make_window, monkeypatch, dialog_answers, tmp_path):
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    errors: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical",
                        lambda _parent, _title, text, *a: errors.append(text))
    shown = dialog_answers(QDialog.DialogCode.Accepted)
    window = make_window()
    assert not window.document.import_data(str(bad))
    assert not shown and "save it as .xlsx or CSV" in errors[0]

"""The user's own figure for a period, set from the data table: one undo step, and the table and
the chart follow at once."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gui_windows import table_value, window_factory
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from evcompare.model.comparison import Comparison
from evcompare.model.project import Project
from evcompare.ui.override_dialog import OverrideDialog


@pytest.fixture
def make_window(qtbot, dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture
def answer(monkeypatch):
    """Make the override dialog answer with what is typed into it, or with another button."""
    def type_into(value: str, why: str = "", qualifier: str | None = None,
                  result: int = QDialog.DialogCode.Accepted) -> list[OverrideDialog]:
        shown: list[OverrideDialog] = []

        def exec_(dialog: OverrideDialog) -> int:
            shown.append(dialog)
            dialog.value.setText(value)
            dialog.why.setText(why)
            if qualifier is not None:
                dialog.qualifier.setCurrentIndex(dialog.qualifier.findData(qualifier))
            return result
        monkeypatch.setattr(OverrideDialog, "exec", exec_)
        return shown
    return type_into


def curve_y(window, entity: str, period: str) -> float:
    """The y the chart draws for the entity at the start of the period."""
    series = window.chart.series(entity)
    x, y = series.curve.getData()
    at = series.rows.x[series.rows.periods.index(period)]
    return float(y[int(np.flatnonzero(x == at)[0])])


def test_overriding_a_lower_bound_changes_the_table_and_the_chart_and_undo_restores_it(make_window, answer):
    window = make_window()
    assert table_value(window, "Xiaomi", "2025-09") == "≥ 40,000"
    assert curve_y(window, "Xiaomi", "2025-09") == 40_000
    shown = answer("40,023", why="Q3 results call")
    assert window.table.select_point("Xiaomi", "2025-09")
    window.table.override_action.trigger()
    assert [(d.entity, d.measure, d.period) for d in shown] == [("Xiaomi", "deliveries", "2025-09")]
    assert table_value(window, "Xiaomi", "2025-09") == "40,023"
    assert curve_y(window, "Xiaomi", "2025-09") == 40_023
    row = window.data.frame.set_index(["entity", "period"]).loc[("Xiaomi", "2025-09")]
    assert row["note"] == "user figure" and row["qualifier"] == "exact"
    assert window.undo_stack.count() == 1 and window.isWindowModified()
    assert window.undo_action.text() == "&Undo Set Xiaomi 2025-09 to 40,023"
    window.undo_action.trigger()
    assert table_value(window, "Xiaomi", "2025-09") == "≥ 40,000"
    assert curve_y(window, "Xiaomi", "2025-09") == 40_000
    assert not window.project.overrides and not window.isWindowModified()


def test_the_dialog_reads_values_as_reports_write_them(dataset, qtbot):
    dialog = OverrideDialog(Project(dataset), "Xiaomi", "2025-09")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    for typed, value, qualifier in (("≥40,000", 40_000, "over"), ("约4万", 40_000, "approx"),
                                    ("41,250", 41_250, "approx")):  # a plain number keeps the choice
        dialog.value.setText(typed)
        assert ok.isEnabled()
        override = dialog.override()
        assert (override.value, override.qualifier, override.period) == (value, qualifier, "2025-09")
    for typed in ("lots", "4.5 vehicles", "-3"):
        dialog.value.setText(typed)
        assert not ok.isEnabled() and dialog.reading.text()


def test_a_missing_period_can_be_given_a_figure(make_window, answer):
    window = make_window(Comparison(entities=("Xiaomi",), start="2025-01", end="2026-03"))
    assert table_value(window, "Xiaomi", "2026-03") == "—"
    answer("≥ 36,000", why="weekly insurance data")
    window.document.override_figure("Xiaomi", "2026-03")
    assert table_value(window, "Xiaomi", "2026-03") == "≥ 36,000"
    assert curve_y(window, "Xiaomi", "2026-03") == 36_000
    window.undo_action.trigger()
    assert table_value(window, "Xiaomi", "2026-03") == "—"
    x, y = window.chart.series("Xiaomi").curve.getData()
    assert math.isnan(y[-1])  # a gap again, never zero


def test_the_users_figure_can_be_removed_again(make_window, answer):
    window = make_window()
    answer("40,023")
    window.document.override_figure("Xiaomi", "2025-09")
    shown = answer("", result=OverrideDialog.REMOVE)
    window.document.override_figure("Xiaomi", "2025-09")
    assert shown[0].existing is not None
    assert table_value(window, "Xiaomi", "2025-09") == "≥ 40,000"
    window.undo_action.trigger()
    assert table_value(window, "Xiaomi", "2025-09") == "40,023"


def test_cancel_changes_nothing(make_window, answer):
    window = make_window()
    answer("40,023", result=QDialog.DialogCode.Rejected)
    window.document.override_figure("Xiaomi", "2025-09")
    assert table_value(window, "Xiaomi", "2025-09") == "≥ 40,000"
    assert window.undo_stack.count() == 0

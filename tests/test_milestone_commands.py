"""Milestone undo commands: each edit is undone exactly, and invalid input never reaches the store."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from evcompare.commands.milestones import (
    AddMilestone,
    EditMilestone,
    MoveMilestones,
    RemoveMilestones,
    import_milestones,
)
from evcompare.model.dataset import Dataset
from evcompare.model.milestones import (
    CATEGORIES,
    Milestone,
    MilestoneStore,
    new_id,
    shifted,
    validate_milestone,
)
from evcompare.model.project import Project
from evcompare.ui.timeline.dialog import MilestoneDialog

YU7_LAUNCH = "m-a4d8c81aa1"  # the bundled 'YU7 SUV launch' milestone (entity Xiaomi YU7)


@pytest.fixture
def store(dataset: Dataset) -> MilestoneStore:
    return MilestoneStore(dataset.milestones)


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def snapshot(store: MilestoneStore) -> dict[str, Milestone]:
    return {m.id: m for m in store}


def test_move_changes_the_date_and_undo_restores_it_exactly(store, stack):
    before = store[YU7_LAUNCH]
    assert before.title == "YU7 SUV launch"
    stack.push(MoveMilestones(store, [YU7_LAUNCH], 5))
    assert store[YU7_LAUNCH].timestamp - before.timestamp == pd.Timedelta(days=5)
    assert stack.undoText() == "Move 'YU7 SUV launch'"
    stack.undo()
    assert store[YU7_LAUNCH] == before
    assert store.user_changes() == {"changed": [], "deleted": []}
    stack.redo()
    assert store[YU7_LAUNCH] == shifted(before, 5)


def test_moving_several_is_one_step_named_by_count(store, stack):
    ids = [m.id for m in list(store)[:3]]
    before = snapshot(store)
    stack.push(MoveMilestones(store, ids, -40))
    assert stack.count() == 1
    assert stack.undoText() == "Move 3 milestones"
    assert all(store[i].date != before[i].date for i in ids)
    stack.undo()
    assert snapshot(store) == before


def test_a_month_precision_date_moves_to_a_day(store, stack):
    month = next(m for m in store if m.date_precision == "month")
    stack.push(MoveMilestones(store, [month.id], 3))
    moved = store[month.id]
    assert (moved.date, moved.date_precision) == (month.date + "-04", "day")
    stack.undo()
    assert store[month.id].date == month.date and store[month.id].date_precision == "month"


def test_a_span_moves_as_a_whole(store, stack):
    span = store[YU7_LAUNCH].replace(id=new_id(), date="2025-06-26", end_date="2025-07-05", origin="user")
    stack.push(AddMilestone(store, span))
    stack.push(MoveMilestones(store, [span.id], 10))
    assert (store[span.id].date, store[span.id].end_date) == ("2025-07-06", "2025-07-15")


def test_edit_add_and_remove_undo_exactly(store, stack):
    before = snapshot(store)
    edited = store[YU7_LAUNCH].replace(title="YU7 market launch", status="planned")
    stack.push(EditMilestone(store, edited))
    assert stack.undoText() == "Edit 'YU7 market launch'"
    added = Milestone(id=new_id(), date="2026-06", entity="industry", category="corporate",
                      title="Price war ends", date_precision="month", origin="user")
    stack.push(AddMilestone(store, added))
    stack.push(RemoveMilestones(store, [YU7_LAUNCH, added.id]))
    assert stack.undoText() == "Delete 2 milestones"
    assert YU7_LAUNCH not in store and store.user_changes()["deleted"] == [YU7_LAUNCH]
    while stack.canUndo():
        stack.undo()
    assert snapshot(store) == before


@pytest.mark.parametrize("change", [
    {"title": "  "}, {"date": "2025-02-30"}, {"end_date": "2025-01-01"}, {"source_url": "ftp://x.org/a"},
    {"category": "rumour"}, {"date": "2025-06"},  # month text with day precision
])
def test_commands_refuse_invalid_milestones_before_touching_the_store(store, stack, change):
    before = snapshot(store)
    bad = store[YU7_LAUNCH].replace(**change)
    assert validate_milestone(bad)
    with pytest.raises(ValueError):
        stack.push(EditMilestone(store, bad))
    with pytest.raises(ValueError):
        stack.push(AddMilestone(store, bad.replace(id=new_id())))
    assert stack.count() == 0
    assert snapshot(store) == before


def test_unknown_entity_is_refused_when_entities_are_given(store, stack, dataset):
    known = [e.id for e in dataset.entities]
    stray = store[YU7_LAUNCH].replace(id=new_id(), entity="Tesla")
    with pytest.raises(ValueError, match="unknown entity"):
        AddMilestone(store, stray, entities=known)
    assert not validate_milestone(stray.replace(entity="industry"), known)


def test_import_is_one_macro_that_updates_existing_ids(store, stack):
    before = snapshot(store)
    new = [Milestone(id=new_id(), date=f"2027-0{k}-01", entity="Xiaomi", category="target",
                     title=f"Plan {k}", status="planned", origin="user") for k in range(1, 4)]
    changed = store[YU7_LAUNCH].replace(title="YU7 launch (revised)", origin="user")
    same = store[list(before)[0]].replace(origin="user")  # equal apart from origin: skipped
    assert import_milestones(stack, store, [*new, changed, same]) == 4
    assert stack.count() == 1
    assert stack.undoText() == "Import 4 milestones"
    assert store[YU7_LAUNCH].title == "YU7 launch (revised)"
    stack.undo()
    assert snapshot(store) == before


# A random edit script: each step names an operation and picks its target by index.
steps = st.lists(st.tuples(st.sampled_from(["add", "move", "edit", "delete"]), st.integers(0, 10_000),
                           st.integers(-400, 400).filter(bool), st.sampled_from(CATEGORIES)),
                 min_size=1, max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=steps)
def test_any_edit_sequence_undoes_to_the_start_and_redoes_to_the_end(dataset, qapp, script):
    store = MilestoneStore(dataset.milestones[:12])
    stack = QUndoStack()
    start = snapshot(store)
    for op, pick, days, category in script:
        ids = [m.id for m in store]
        target = ids[pick % len(ids)] if ids else None
        if op == "add" or target is None:
            added = Milestone(id=new_id(), date="2025-05-05", entity="Xiaomi", category=category,
                              title=f"Added {pick}", origin="user")
            stack.push(AddMilestone(store, added))
        elif op == "move":
            stack.push(MoveMilestones(store, ids[pick % len(ids):][:3], days))
        elif op == "edit":
            stack.push(EditMilestone(store, store[target].replace(category=category, title=f"Edited {pick}")))
        else:
            stack.push(RemoveMilestones(store, [target]))
    end = snapshot(store)
    assert stack.count() == len(script)
    while stack.canUndo():
        stack.undo()
    assert snapshot(store) == start
    assert store.user_changes() == {"changed": [], "deleted": []}
    while stack.canRedo():
        stack.redo()
    assert snapshot(store) == end


@pytest.mark.parametrize("field, text, reason", [
    ("title_edit", "", "title"),
    ("date_edit", "2025-13-40", "date"),
    ("end_edit", "2020-01-01", "before the start"),
    ("source_url_edit", "www.example.com", "http"),
    ("units_edit", "lots", "whole number"),
])
def test_invalid_dialog_input_is_refused_with_a_message(qtbot, dataset, monkeypatch, field, text, reason):
    warnings = []
    monkeypatch.setattr("evcompare.ui.timeline.dialog.QMessageBox.warning",
                        lambda parent, title, message: warnings.append(message))
    project = Project(dataset)
    before = snapshot(project.milestones)
    dialog = MilestoneDialog(project.milestones[YU7_LAUNCH], dataset.entities)
    qtbot.addWidget(dialog)
    accepted = []
    dialog.accepted.connect(lambda: accepted.append(True))
    getattr(dialog, field).setText(text)
    dialog.accept()
    assert len(warnings) == 1 and reason in warnings[0]
    assert not accepted and dialog.result() != dialog.DialogCode.Accepted
    assert snapshot(project.milestones) == before

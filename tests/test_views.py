"""Saved views: the model (Qt-free), the story that ships, and the undoable commands on them."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QUndoStack

from evcompare.commands.views import (
    AddView,
    DeleteView,
    DuplicateView,
    EditView,
    RenameView,
    ReorderView,
    ViewStore,
)
from evcompare.io.project_file import load_project, save_project
from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Figure, Source
from evcompare.model.project import Project
from evcompare.model.views import (
    SavedView,
    ViewFieldError,
    cited_titles,
    default_views,
    project_views,
    read_views,
    short_title,
)

ENTITIES = {"Xiaomi", "HIMA", "Aito"}


def view(ident: str = "v1", title: str = "Xiaomi's year", **changes: object) -> SavedView:
    fields = {"comparison": Comparison(entities=("Xiaomi",), metric="ytd"), "subtitle": "YTD deliveries",
              "notes": "Say: ahead of plan.", "created": "2026-05-01T10:00:00"}
    fields.update(changes)
    return SavedView(ident, title, **fields)


# --- the model ------------------------------------------------------------------------------

def test_a_view_round_trips_through_plain_json():
    original = view(comparison=Comparison(entities=("Xiaomi", "HIMA"), freq="quarter", chart="bars",
                                          milestone_categories=("launch",), end="2025-12"))
    text = json.dumps(original.to_dict(), ensure_ascii=False)
    assert SavedView.from_dict(json.loads(text)) == original


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.pop("title"), "title"),
    (lambda d: d.update(title="  "), "title"),
    (lambda d: d.update(notes=3), "notes"),
    (lambda d: d.update(created="yesterday"), "created"),
    (lambda d: d.update(colour="red"), "colour"),
    (lambda d: d["comparison"].update(freq="weekly"), "comparison.freq"),
    (lambda d: d.update(comparison=[]), "comparison"),
])
def test_a_bad_view_names_the_field(change, where):
    data = view().to_dict()
    change(data)
    with pytest.raises(ViewFieldError) as caught:
        SavedView.from_dict(data)
    assert caught.value.where == where


def test_reading_views_keeps_the_good_ones_and_says_why_the_others_are_skipped():
    good = view("a").to_dict()
    stranger = view("b", comparison=Comparison(entities=("Tesla",))).to_dict()
    twin = view("a", title="Another").to_dict()
    views, problems = read_views([good, {"name": "Q3 review"}, stranger, twin], ENTITIES)
    assert [v.id for v in views] == ["a"]
    assert [index for index, _why in problems] == [1, 2, 3]
    assert "unknown entity 'Tesla'" in problems[1][1]
    assert "appears twice" in problems[2][1]


def test_short_titles_drop_tags_and_keep_the_outlet():
    assert short_title("[descriptive title] Short headline (CnEVPost)") == "Short headline (CnEVPost)"
    long = "Hongmeng Zhixing: 1 million deliveries in 43 months; November 81,864 (Securities Times)"
    shortened = short_title(long, limit=56)
    assert len(shortened) <= 56 and shortened.endswith("… (Securities Times)")
    assert shortened.startswith("Hongmeng Zhixing")
    wordy_outlet = ("A long headline about monthly deliveries of new cars "
                    "(Xiaomi SU7 above 20,000 for two months)")
    assert "(" not in short_title(wordy_outlet, limit=56)  # an outlet too long is dropped, never cut open


def test_cited_titles_put_the_most_cited_source_first_and_skip_gaps():
    a, b = Source("Source A", "https://a.example"), Source("Source B", "https://b.example")
    gap = Source("Gap", "")
    figures = [Figure(1.0, sources=(b,)), Figure(2.0, sources=(a, b)), Figure(float("nan"), sources=(gap,))]
    assert cited_titles(figures, extra=["Milestone source"]) == ["Source B", "Source A", "Milestone source"]


# --- the story that ships -------------------------------------------------------------------

def test_the_default_story_tells_the_seed_in_order(dataset: Dataset):
    views = default_views(dataset)
    assert [v.id for v in views] == ["story-deliveries", "story-race", "story-targets", "story-brands",
                                     "story-aito-share", "story-revenue", "story-margin"]
    by_id = {v.id: v for v in views}
    assert by_id["story-deliveries"].comparison.entities == ("Xiaomi", "HIMA")
    assert by_id["story-race"].comparison.chart == "race"
    assert "Xiaomi 602 days" in by_id["story-race"].subtitle  # looked up, never typed in
    targets = by_id["story-targets"].comparison
    assert (targets.entities, targets.metric, targets.start, targets.end) == (("Xiaomi",), "attainment",
                                                                             "2025-01", "2025-12")
    assert "300,000" in by_id["story-targets"].subtitle and "≥ 400,000" in by_id["story-targets"].subtitle
    assert set(by_id["story-brands"].comparison.entities) >= {"HIMA", "Aito", "Luxeed", "Stelato"}
    assert (by_id["story-aito-share"].comparison.entities, by_id["story-aito-share"].comparison.metric) == (
        ("Aito",), "share")
    for ident, measure in (("story-revenue", "smart_ev_revenue"), ("story-margin", "segment_gross_margin")):
        assert by_id[ident].comparison.measure == measure in dataset.measures()
        assert by_id[ident].comparison.freq == "quarter"
    assert "first operating profit in 2025Q3" in by_id["story-margin"].subtitle
    assert all(v.title and v.notes and not v.comparison.problems() for v in views)


def test_every_default_view_has_figures_to_show(dataset: Dataset):
    for story in default_views(dataset):
        c = story.comparison
        if c.chart == "race":
            continue
        frame = metrics.table(dataset, c.entities, c.measure, c.metric, c.freq, c.start, c.end or None)
        assert frame["value"].notna().sum() >= 3, story.title


def test_a_project_without_views_shows_the_default_story(dataset: Dataset):
    project = Project(dataset)
    assert [v.id for v in project_views(project)] == [v.id for v in default_views(dataset)]
    project.views = [view().to_dict()]
    assert project_views(project) == [view()]


def test_views_round_trip_through_the_project_file(dataset: Dataset, tmp_path):
    project = Project(dataset)
    project.views = [view("a").to_dict(), view("b", title="问界 智界", notes="").to_dict()]
    path = tmp_path / "story.evcompare"
    save_project(path, project)
    loaded = load_project(path, dataset)
    assert project_views(loaded) == [view("a"), view("b", title="问界 智界", notes="")]


# --- commands -------------------------------------------------------------------------------

@pytest.fixture
def store(dataset: Dataset) -> ViewStore:
    project = Project(dataset)
    return ViewStore(lambda: project)


def titles(store: ViewStore) -> list[str]:
    return [v.title for v in store.views()]


def test_the_first_edit_keeps_the_default_story_and_undo_returns_to_it(store: ViewStore, qtbot):
    stack = QUndoStack()
    shipped = titles(store)
    assert store.uses_defaults() and store.project.views == []
    with qtbot.waitSignal(store.changed):
        stack.push(AddView(store, view()))
    assert titles(store) == [*shipped, "Xiaomi's year"]
    assert not store.uses_defaults()
    assert len(store.project.views) == len(shipped) + 1
    stack.undo()
    assert store.project.views == [] and titles(store) == shipped


def test_rename_edit_reorder_duplicate_delete_are_each_one_undo_step(store: ViewStore):
    stack = QUndoStack()
    stack.push(AddView(store, view("mine", "Mine")))
    first, second = (v.id for v in store.views()[:2])
    steps = [
        (lambda: RenameView(store, first, "Deliveries"), lambda t: t[0] == "Deliveries"),
        (lambda: EditView(store, first, notes="New notes"), lambda t: store.view(first).notes == "New notes"),
        (lambda: ReorderView(store, "mine", 0), lambda t: t[0] == "Mine"),
        (lambda: DuplicateView(store, second), lambda t: t.count(store.view(second).title + " (copy)") == 1),
        (lambda: DeleteView(store, first), lambda t: first not in [v.id for v in store.views()]),
    ]
    for make, done in steps:
        before = store.views()
        command = make()
        stack.push(command)
        assert done(titles(store)), command.text()
        stack.undo()
        assert store.views() == before, command.text()
        stack.redo()
        assert done(titles(store))
    assert stack.count() == len(steps) + 1


def test_duplicates_get_their_own_id_just_after_the_original(store: ViewStore):
    stack = QUndoStack()
    original = store.views()[2]
    command = DuplicateView(store, original.id)
    stack.push(command)
    views = store.views()
    assert views[3] == command.copy and command.copy.id != original.id
    assert command.copy.comparison == original.comparison


def test_unreadable_entries_survive_edits(dataset: Dataset):
    project = Project(dataset)
    project.views = [view("a").to_dict(), {"name": "Q3 review", "metric": "yoy"}]
    store = ViewStore(lambda: project)
    assert [v.id for v in store.views()] == ["a"] and len(store.problems) == 1
    QUndoStack().push(RenameView(store, "a", "Renamed"))
    assert project.views[-1] == {"name": "Q3 review", "metric": "yoy"}
    assert project.views[0]["title"] == "Renamed"

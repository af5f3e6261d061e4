"""Project files: the committed v1 fixture keeps loading, a full round trip loses nothing, and a
bad file is refused with its name, the JSON path and what was expected, changing nothing."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from evcompare.io import migrations
from evcompare.io.migrations import MigrationError, migrate
from evcompare.io.project_file import ProjectFileError, dataset_checksum, load_project, save_project
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Observation, Source
from evcompare.model.milestones import Milestone
from evcompare.model.periods import parse_period
from evcompare.model.project import DataLayer, Override, Project

FIXTURE = Path(__file__).parent / "data" / "project_v1.evcompare"


def _snapshot(project: Project) -> tuple:
    """Everything a user could see change in a project."""
    return (project.comparison, list(project.milestones), project.layers, project.overrides,
            project.views, project.visual, project.dataset_note, list(project.dataset.observations))


def test_v1_fixture_loads_with_exactly_its_settings(dataset: Dataset) -> None:
    project = load_project(FIXTURE, dataset)

    assert project.comparison == Comparison(
        entities=("Xiaomi", "HIMA", "Aito"), measure="deliveries", metric="yoy", freq="quarter",
        start="2025-01", end="2025-12", chart="bars", area_share=False, layout="overlay",
        shared_y=False, language="both", theme="dark",
        milestone_categories=("launch", "production", "target"), race_units=(100_000, 500_000))
    edited = project.milestones["m-4c5990493b"]
    assert edited.title == "Cumulative deliveries pass 300,000 (checked)"
    assert edited.title_zh == "累计交付突破30万辆"
    assert "m-20b735757c" not in project.milestones
    assert [m.id for m in project.milestones.user_changes()["changed"]] == ["m-4c5990493b"]

    (layer,) = project.layers
    assert layer.name == "Xiaomi monthly (my sheet)"
    assert layer.source_file == os.path.normpath(FIXTURE.parent.absolute() / "imports" / "xiaomi_monthly.csv")
    assert [(o.entity, o.period, o.value, o.qualifier, o.user) for o in layer.observations] == [
        ("Xiaomi", "2025-10", 40000.0, "over", True), ("Xiaomi", "2025-11", 40000.0, "over", True)]
    assert all(o in project.dataset.rows("Xiaomi", "deliveries", o.period) for o in layer.observations)

    (override,) = project.overrides
    assert (override.key, override.value, override.who) == (("Xiaomi", "deliveries", "2025-09"), 40023.0,
                                                            "Li Wei")
    shown = project.dataset.reported("Xiaomi", "deliveries", "2025-09")
    assert (shown.value, shown.qualifier, shown.note) == (40023.0, "exact", "user figure")
    assert shown.sources == (Source("User override by Li Wei", "", "2026-01-15"),)
    assert any(c.value == 40000 and c.qualifier == "over" for c in shown.conflicts)  # replaced, still shown

    # The shared dataset keeps the bundled figures; only the project's copy has the user data.
    bundled = dataset.reported("Xiaomi", "deliveries", "2025-09")
    assert bundled.note != "user figure" and project.dataset is not dataset
    saved_checksum = json.loads(FIXTURE.read_text("utf-8"))["dataset"]["checksum"]
    assert (project.dataset_note == "") == (saved_checksum == dataset_checksum(dataset.manifest))


def _full_project(dataset: Dataset, imports: Path) -> Project:
    """A project where every part of the state differs from a fresh one."""
    comparison = Comparison(
        entities=("Aito", "Luxeed", "Xiaomi SU7", "Leapmotor"), measure="sales", metric="share",
        freq="year", start="2023-01", end="2025-06", chart="area", area_share=True, layout="multiples",
        shared_y=False, language="zh", theme="dark", milestone_categories=("launch", "financial"),
        race_units=(50_000, 200_000, 1_000_000))
    default = Comparison()
    assert all(getattr(comparison, f.name) != getattr(default, f.name)
               for f in dataclasses.fields(Comparison))
    project = Project(dataset, comparison)
    bundled = dataset.milestones
    project.milestones.put(bundled[3].replace(title="Edited title", description="检查过", units=123))
    project.milestones.put(Milestone(id="user-1", date="2025-12", date_precision="month", entity="Leapmotor",
                                     category="production", title="Leapmotor 1,000,000th car",
                                     title_zh="零跑第100万辆", units=1_000_000, basis="production",
                                     status="planned", source_url="https://example.com/a", origin="user"))
    project.milestones.remove(bundled[5].id)
    source = Source("零跑汽车官方 (weibo)", "https://weibo.com/leapmotor", "2025-11-01")
    project.add_layer(DataLayer("Leapmotor", (
        Observation("Leapmotor", "deliveries", "2025-10", 70289.0, "vehicles", "over", source, user=True),
        Observation("Leapmotor", "deliveries", "2025Q3", 173852.0, "vehicles", "exact", source,
                    notes="季度", user=True)), source_file=str(imports / "leap.csv")))
    project.add_layer(DataLayer("Typed in", (
        Observation("Aito", "sales", "2025-02", 1.5, "percent", "approx", Source("", ""),
                    measure_unclear=True, user=True),)))
    project.set_override(Override("Aito", "deliveries", "2025-08", 41000.0, "approx", "vehicles", "王芳",
                                  "2026-02-01T10:00:00+08:00", "HIMA's own post rounds to 4.1万"))
    project.views = [{"name": "Q3 review", "metric": "yoy"}]
    project.visual = {"font_scale": 1.25}
    return project


def test_round_trip_keeps_the_whole_state(dataset: Dataset, tmp_path: Path) -> None:
    project = _full_project(dataset, tmp_path / "imports")
    path = tmp_path / "work" / "q3.evcompare"
    path.parent.mkdir()
    save_project(path, project)
    text = path.read_text("utf-8")
    assert str(tmp_path) not in text and '"../imports/leap.csv"' in text  # no absolute path stored
    assert "零跑汽车官方" in text  # readable UTF-8, not \\u escapes

    loaded = load_project(path, dataset)

    assert _snapshot(loaded) == _snapshot(project)
    assert loaded.milestones.user_changes() == project.milestones.user_changes()
    assert loaded.dataset.reported("Aito", "deliveries", "2025-08").value == 41000.0
    save_project(path, loaded)
    assert path.read_text("utf-8") == text  # saving again is byte-identical


def _fixture_doc() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def _set(doc: dict, where: list, value: object) -> dict:
    target = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return doc


def _drop(doc: dict, key: str) -> dict:
    del doc[key]
    return doc


BAD_DOCUMENTS = [
    (lambda d: _set(d, ["comparison", "freq"], "weekly"), "comparison.freq", "one of month, quarter, year"),
    (lambda d: _set(d, ["comparison", "entities"], ["Xiaomi", "Tesla"]), "comparison.entities[1]",
     "an entity of the dataset"),
    (lambda d: _set(d, ["comparison", "end"], "2024-01"), "comparison.end", "not before the start"),
    (lambda d: _set(d, ["comparison", "race_units"], [100000, True]), "comparison.race_units",
     "whole numbers"),
    (lambda d: _set(d, ["schema_version"], 2), "schema_version", "made by a newer evcompare"),
    (lambda d: _set(d, ["schema_version"], 0), "schema_version", "from 1 to 1"),
    (lambda d: _set(d, ["schema_version"], "1"), "schema_version", "a whole number"),
    (lambda d: _set(d, ["layers", 0, "observations", 1, "value"], "many"), "layers[0].observations[1].value",
     "expected a number"),
    (lambda d: _set(d, ["layers", 0, "observations", 0, "period"], "2025-13"),
     "layers[0].observations[0].period", "a period"),
    (lambda d: _set(d, ["layers", 0, "file"], "/home/li/xiaomi.csv"), "layers[0].file", "relative"),
    (lambda d: _set(d, ["layers", 0, "file"], "C:\\data\\xiaomi.csv"), "layers[0].file", "relative"),
    (lambda d: _set(d, ["overrides", 0, "when"], "yesterday"), "overrides[0].when", "a date and time"),
    (lambda d: json.dumps(_set(d, ["overrides", 0, "value"], 12345.5)).replace("12345.5", "1e400"),
     "overrides[0].value", "a finite number"),
    (lambda d: _set(d, ["milestones", "changed", 0, "date"], "2025-02-30"), "milestones.changed[0].date",
     "not a calendar date"),
    (lambda d: _set(d, ["milestones", "changed", 0, "entity"], "Tesla"), "milestones.changed[0].entity",
     "unknown entity 'Tesla'"),
    (lambda d: _set(d, ["milestones", "changed", 0, "seed"], "no"), "milestones.changed[0].seed",
     "true or false"),
    (lambda d: _set(d, ["milestones", "changed", 0, "units"], -5), "milestones.changed[0].units",
     "whole number"),
    (lambda d: _set(d, ["milestones", "deleted"], "m-20b735757c"), "milestones.deleted", "a list"),
    (lambda d: _set(d, ["milestones", "deleted"], ["m-4c5990493b"]), "milestones.deleted[0]",
     "not listed under milestones.changed"),
    (lambda d: _set(d, ["dataset", "checksum"], "abc"), "dataset.checksum", "sha256"),
    (lambda d: _set(d, ["colour"], "red"), "colour", "not a key"),
    (lambda d: _set(d, ["views"], {}), "views", "a list"),
    (lambda d: _drop(d, "comparison"), "comparison", "missing"),
]


@pytest.mark.parametrize(("mutate", "where", "expected"), BAD_DOCUMENTS)
def test_a_bad_value_is_reported_with_its_json_path(dataset: Dataset, tmp_path: Path, mutate, where: str,
                                                    expected: str) -> None:
    path = tmp_path / "bad.evcompare"
    doc = mutate(_fixture_doc())
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    with pytest.raises(ProjectFileError) as caught:
        load_project(path, dataset)
    assert caught.value.where == where
    assert expected in caught.value.detail
    assert str(caught.value).startswith(f"{path}: {where}: ")


BAD_FILES = [
    (b"", "the file is empty"),
    (FIXTURE.read_bytes()[:700], "not valid JSON"),
    (b'{"schema_version": NaN}', "NaN is not a number JSON allows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
    (b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    (b"[1, 2]", "expected a JSON object"),
    (FIXTURE.read_text("utf-8").encode("utf-16"), "not UTF-8"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_a_file_that_is_not_a_project_is_refused(dataset: Dataset, tmp_path: Path, content: bytes,
                                                 expected: str) -> None:
    path = tmp_path / "junk.evcompare"
    path.write_bytes(content)
    with pytest.raises(ProjectFileError, match=expected) as caught:
        load_project(path, dataset)
    assert caught.value.file == str(path)


def test_a_missing_file_is_reported(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="cannot read the file"):
        load_project(tmp_path / "gone.evcompare", dataset)


def test_a_failed_load_changes_nothing(dataset: Dataset, tmp_path: Path) -> None:
    project = _full_project(dataset, tmp_path)
    before = _snapshot(project)
    bundled_rows = list(dataset.observations)
    bad = tmp_path / "bad.evcompare"
    bad.write_text(json.dumps(_set(_fixture_doc(), ["overrides", 0, "value"], "x")), "utf-8")
    with pytest.raises(ProjectFileError):
        load_project(bad, dataset)
    load_project(FIXTURE, dataset)  # a good load builds a new project and leaves this one alone too
    assert _snapshot(project) == before
    assert dataset.observations == bundled_rows


def test_other_data_is_noted_with_the_as_of_change(dataset: Dataset, tmp_path: Path) -> None:
    doc = _set(_fixture_doc(), ["dataset"], {"id": "evcompare-reference", "checksum": "0" * 64,
                                             "as_of": "2025-12"})
    path = tmp_path / "old.evcompare"
    path.write_text(json.dumps(doc), "utf-8")
    note = load_project(path, dataset).dataset_note
    assert f"as of 2025-12 -> {dataset.manifest['as_of']}" in note


def test_migrations_run_in_order_up_to_the_current_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "CURRENT_VERSION", 3)
    monkeypatch.setattr(migrations, "MIGRATIONS", {
        1: lambda d: {**d, "steps": [*d.get("steps", []), "1->2"]},
        2: lambda d: {**d, "steps": [*d.get("steps", []), "2->3"]},
    })
    assert migrate({"schema_version": 1}) == {"schema_version": 3, "steps": ["1->2", "2->3"]}
    assert migrate({"schema_version": 2}) == {"schema_version": 3, "steps": ["2->3"]}
    with pytest.raises(MigrationError, match="newer evcompare"):
        migrate({"schema_version": 4})
    monkeypatch.setattr(migrations, "MIGRATIONS", {})
    with pytest.raises(MigrationError, match="no conversion from version 1"):
        migrate({"schema_version": 1})


def test_the_loader_migrates_an_older_file(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "CURRENT_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {
        1: lambda d: {**d, "comparison": {**d["comparison"], "language": "zh"}}})
    assert load_project(FIXTURE, dataset).comparison.language == "zh"


def test_layers_and_overrides_change_the_figures_and_undo_cleanly(dataset: Dataset) -> None:
    project = Project(dataset)
    heard: list[str] = []
    project.subscribe(heard.append)
    row = Observation("Maextro", "deliveries", "2031-01", 5.0, "vehicles", "exact", Source("t", ""),
                      user=True)
    assert project.add_layer(DataLayer("mine", (row,))) is None
    assert project.dataset.reported("Maextro", "deliveries", "2031-01").value == 5.0
    replaced = project.add_layer(DataLayer("mine", ()))
    assert replaced is not None and replaced.observations == (row,)
    assert project.dataset.reported("Maextro", "deliveries", "2031-01") is None
    override = Override("Xiaomi", "deliveries", "2025Q3", 1.0, who="me", when="2026-01-01T00:00:00")
    assert project.set_override(override) is None
    assert project.dataset.span("Xiaomi", "deliveries", parse_period("2025Q3")).value == 1.0
    assert project.remove_override(override.key) == override
    assert project.remove_layer("mine").name == "mine"
    assert project.dataset is dataset  # no user data left: back on the shared dataset
    assert heard == ["data"] * 5
    assert dataset.reported("Xiaomi", "deliveries", "2025Q3").value == 108796.0
    with pytest.raises(ValueError, match="only user observations"):
        project.add_layer(DataLayer("bad", (dataclasses.replace(row, user=False),)))


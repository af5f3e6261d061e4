"""The bundled dataset: its manifest, its validation, its entity tree and the choosing rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evcompare.io import paths
from evcompare.io.dataset_loader import TABLES, load_dataset, manifest_problems
from evcompare.io.schema import SCHEMAS, ValidationError, read_table
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Observation, Source
from evcompare.model.periods import Span, month, parse_period


def copy_of_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(paths.data_dir(), folder)
    return folder


def read_text_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def set_cell(folder: Path, table: str, index: int, column: str, value: str) -> Path:
    """Overwrite one cell of a copied table; returns the file's path."""
    path = folder / f"{table}.csv"
    frame = read_text_table(path)
    frame.loc[index, column] = value
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


# --- manifest and validation -----------------------------------------------------------------

def test_manifest_matches_the_bundled_files():
    assert manifest_problems() == []


def test_a_changed_byte_in_a_csv_is_reported(tmp_path):
    folder = copy_of_data(tmp_path)
    path = folder / "observations.csv"
    raw = bytearray(path.read_bytes())
    at = raw.index(b"32973")  # Aito's January 2024 deliveries
    raw[at] = ord("4")
    path.write_bytes(bytes(raw))
    assert manifest_problems(folder) == ["observations.csv: checksum differs from the manifest"]


def test_an_unlisted_csv_is_reported(tmp_path):
    folder = copy_of_data(tmp_path)
    (folder / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert manifest_problems(folder) == ["extra.csv: not listed in the manifest"]


@pytest.mark.parametrize("table", TABLES)
def test_every_bundled_table_validates(table):
    path = paths.data_dir() / f"{table}.csv"
    schema, frame = read_table(str(path))
    assert schema == table
    assert len(frame) > 0
    assert {c.name for c in SCHEMAS[table]} <= set(frame.columns)


def test_the_dataset_loads_every_row(dataset: Dataset):
    folder = paths.data_dir()
    assert len(dataset.entities) == len(read_text_table(folder / "entities.csv"))
    assert len(dataset.observations) == len(read_text_table(folder / "observations.csv"))
    assert len(dataset.targets) == len(read_text_table(folder / "targets.csv"))
    assert len(dataset.milestones) == len(read_text_table(folder / "milestones.csv"))
    assert dataset.manifest["as_of"] == "2026-05"
    assert "deliveries" in dataset.measures()


@pytest.mark.parametrize(("table", "column", "value", "expected"), [
    ("observations", "qualifier", "roughly", "expected one of exact, over, approx, got 'roughly'"),
    ("targets", "entity", "Tesla", "unknown entity 'Tesla' (not in entities.csv)"),
    ("milestones", "date", "2025-02-30", "expected a real calendar date, got '2025-02-30'"),
])
def test_a_bad_row_names_file_row_and_column(tmp_path, table, column, value, expected):
    folder = copy_of_data(tmp_path)
    path = set_cell(folder, table, 4, column, value)  # the fifth data row is line 6
    with pytest.raises(ValidationError) as caught:
        load_dataset(folder)
    [problem] = caught.value.problems
    assert (Path(problem.file).name, problem.row, problem.column) == (path.name, 6, column)
    assert f"{path.name}:6:{column}: {expected}" in str(caught.value)


def test_invalidate_picks_up_a_new_observation():
    ds = load_dataset()  # a private copy: this test changes it
    first, last = ds.months_with_data("Xiaomi", "deliveries")
    later = (last + 1).strftime("%Y-%m")
    assert ds.span("Xiaomi", "deliveries", parse_period(later)).missing
    ds.observations.append(Observation("Xiaomi", "deliveries", later, 12345.0, "vehicles", "exact",
                                       Source("user figure", "https://example.org/user")))
    ds.invalidate()
    assert ds.months_with_data("Xiaomi", "deliveries") == (first, last + 1)
    assert ds.span("Xiaomi", "deliveries", parse_period(later)).value == 12345


# --- the entity tree -------------------------------------------------------------------------

def test_xiaomi_has_its_three_models(dataset: Dataset):
    assert [e.id for e in dataset.entities.children("Xiaomi")] == [
        "Xiaomi SU7", "Xiaomi SU7 Ultra", "Xiaomi YU7"]
    assert dataset.entities["Xiaomi"].colour == "#E69F00"


def test_hima_has_its_five_brands_with_chinese_names(dataset: Dataset):
    brands = dataset.entities.children("HIMA")
    assert [(e.id, e.name_zh) for e in brands] == [
        ("Aito", "问界"), ("Luxeed", "智界"), ("Stelato", "享界"), ("Maextro", "尊界"),
        ("Shangjie", "尚界")]
    assert all(e.kind == "brand" for e in brands)
    assert all(dataset.entities.is_hima_member(e.id) for e in brands)
    assert not dataset.entities.is_hima_member("Xiaomi")


def test_entity_colours_are_unique(dataset: Dataset):
    colours = [e.colour.upper() for e in dataset.entities]
    assert len(colours) == len(set(colours))


def test_find_by_chinese_name(dataset: Dataset):
    assert dataset.entities.find("问界").id == "Aito"
    assert dataset.entities.find("aito").id == "Aito"
    assert dataset.entities.find("no such brand") is None


# --- the choosing rule -----------------------------------------------------------------------

def test_aito_june_2024_skips_the_doubtful_row_but_keeps_it_as_a_conflict(dataset: Dataset):
    figure = dataset.span("Aito", "deliveries", parse_period("2024-06"))
    assert (figure.value, figure.qualifier) == (42780, "exact")
    assert [c.value for c in figure.conflicts] == [46141]
    assert figure.conflicts[0].doubt


def test_xiaomi_2025_is_the_company_figure_not_the_bloggers(dataset: Dataset):
    figure = dataset.span("Xiaomi", "deliveries", parse_period("2025"))
    assert (figure.value, figure.qualifier, figure.lower_bound) == (410000, "over", True)
    assert figure.display() == "≥ 410,000"
    assert 411625 in [c.value for c in figure.conflicts]


def test_xiaomi_q3_2025_prefers_the_exact_report_over_the_seed(dataset: Dataset):
    figure = dataset.span("Xiaomi", "deliveries", parse_period("2025Q3"))
    assert (figure.value, figure.qualifier) == (108796, "exact")
    [conflict] = figure.conflicts
    assert (conflict.value, conflict.qualifier, conflict.seed) == (100000, "over", True)


def test_xiaomi_jan_to_sep_2025_is_built_from_the_reported_quarters(dataset: Dataset):
    figure = dataset.span("Xiaomi", "deliveries", Span(month("2025-01"), month("2025-09")))
    assert figure.value == 75869 + 81302 + 108796
    assert (figure.qualifier, figure.lower_bound, figure.coverage) == ("exact", False, "9/9")


def test_the_seed_million_milestone_is_flagged(dataset: Dataset):
    [stone] = [m for m in dataset.milestones
               if m.title == "Five brands produced over 1 million vehicles (seed)"]
    assert stone.doubt and stone.seed

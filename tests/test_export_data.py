"""Exports of the table behind a view: Excel shows Chinese, gaps stay empty, every figure keeps
its qualifier, coverage and sources, and no cell can run as a formula."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evcompare.io.atomic import temp_files
from evcompare.io.export_data import export_csv, export_xlsx, sources_of
from evcompare.model import metrics
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Figure, Source

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "-", "\tcmd", "-5", "+3.5",
           "plain"]
INERT = ["'=HYPERLINK(\"http://evil\",\"x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'-", "'\tcmd", "-5", "+3.5",
         "plain"]


@pytest.fixture(scope="module")
def frame(dataset: Dataset) -> pd.DataFrame:
    return metrics.table(dataset, ["Xiaomi", "HIMA"], "deliveries", "total", "quarter", "2024-01", "2025-12")


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_and_the_figures_with_their_pedigree(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "view.csv"
    export_csv(frame, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    rows = _read_csv(path)
    assert list(rows[0]) == [c for c in metrics.TABLE_COLUMNS if c != "figure"]
    q3 = next(r for r in rows if (r["entity"], r["period"]) == ("Xiaomi", "2025Q3"))
    assert (q3["value"], q3["qualifier"], q3["coverage"], q3["start"]) == (
        "108796", "exact", "3/3", "2025-07-01")
    assert q3["sources"].startswith("http") and q3["source_titles"]
    gap = next(r for r in rows if (r["entity"], r["period"]) == ("Xiaomi", "2024Q1"))
    assert (gap["value"], gap["qualifier"]) == ("", "")  # missing is an empty cell, never 0
    assert len(rows) == len(frame) and temp_files(path) == []


def test_csv_keeps_chinese_and_makes_formulas_inert(tmp_path: Path) -> None:
    frame = pd.DataFrame({"entity": ["小米汽车"] * len(HOSTILE), "note": HOSTILE,
                          "value": [1.5] + [math.nan] * (len(HOSTILE) - 1)})
    path = tmp_path / "hostile.csv"
    export_csv(frame, path)
    rows = _read_csv(path)
    assert [r["note"] for r in rows] == INERT
    assert rows[0]["entity"] == "小米汽车" and rows[0]["value"] == "1.5" and rows[1]["value"] == ""


def test_xlsx_has_the_data_and_each_source_once(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "view.xlsx"
    export_xlsx(frame, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Data", "Sources"]
    data = list(workbook["Data"].iter_rows(values_only=True))
    assert list(data[0]) == [c for c in metrics.TABLE_COLUMNS if c != "figure"]
    by_key = {(r[0], r[1]): dict(zip(data[0], r, strict=True)) for r in data[1:]}
    q3 = by_key[("Xiaomi", "2025Q3")]
    assert (q3["value"], q3["qualifier"], q3["lower_bound"]) == (108796, "exact", False)
    assert q3["start"].date().isoformat() == "2025-07-01"
    assert by_key[("Xiaomi", "2024Q1")]["value"] is None
    listed = list(workbook["Sources"].iter_rows(values_only=True))
    assert listed[0] == ("title", "url", "published")
    expected = {(s.title, s.url, s.published or None) for f in frame["figure"] for s in f.sources}
    assert len(listed) - 1 == len(expected) and set(listed[1:]) == expected


def test_xlsx_never_holds_a_formula(tmp_path: Path) -> None:
    figure = Figure(1.0, sources=(Source("=cmd|' /C calc'!A0", "https://example.com", "2025-01"),))
    frame = pd.DataFrame({"note": HOSTILE, "figure": [figure] * len(HOSTILE)})
    path = tmp_path / "hostile.xlsx"
    export_xlsx(frame, path)
    workbook = openpyxl.load_workbook(path)
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in workbook["Data"]["A"][1:]] == HOSTILE  # shown exactly, as text
    assert workbook["Sources"]["A2"].value == "=cmd|' /C calc'!A0"


def test_sources_without_figure_objects_come_from_the_joined_columns() -> None:
    frame = pd.DataFrame({"sources": ["https://a; https://b", "https://a", ""],
                          "source_titles": ["A; B", "A", ""]})
    assert sources_of(frame) == [Source("A", "https://a"), Source("B", "https://b")]

"""Importing the user's CSV and Excel files: values and periods as people write them, header
guessing in English and Chinese, and every bad cell reported with its row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from evcompare.io.schema import Problem
from evcompare.io.tabular_import import (
    guess_mapping,
    guess_measure,
    import_table,
    parse_period,
    parse_value,
    read_rows,
    tree_resolver,
)
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Source


@pytest.mark.parametrize(("text", "value", "qualifier"), [
    ("40000", 40000, "exact"), ("40,000", 40000, "exact"), ("40 000", 40000, "exact"),
    ("４０,０００", 40000, "exact"), ("108,796.0", 108796, "exact"), ("40,000 units", 40000, "exact"),
    ("over 40,000", 40000, "over"), (">40000", 40000, "over"), ("40,000+", 40000, "over"),
    ("≥ 40,000", 40000, "over"), ("超过4万", 40000, "over"), ("4万以上", 40000, "over"),
    ("逾4万", 40000, "over"), ("4万余辆", 40000, "over"), ("＞４万", 40000, "over"),
    ("约4.1万", 41000, "approx"), ("about 41,000", 41000, "approx"), ("~41000", 41000, "approx"),
    ("≈41000", 41000, "approx"), ("近4万", 40000, "approx"), ("4.1万", 41000, "exact"),
    ("4.15万", 41500, "exact"), ("1.2亿", 120_000_000, "exact"), ("12.5k", 12500, "exact"),
    ("45.2%", 45.2, "exact"), ("约63%", 63, "approx"), ("-5.2%", -5.2, "exact"), ("1e5", 100000, "exact"),
])
def test_values_as_written_in_reports(text: str, value: float, qualifier: str) -> None:
    assert parse_value(text) == (value, qualifier)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"), ("abc", "not a number"), ("4,5", "unclear comma"), ("nan", "not a number"),
    ("inf", "not a number"), ("1e308k", "too large"), ("about over 40000", "both a lower bound"),
    ("—", "not a number"),
])
def test_values_that_are_not_figures_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_value(text)


@pytest.mark.parametrize(("text", "label"), [
    ("2025-03", "2025-03"), ("2025/3", "2025-03"), ("2025.3", "2025-03"), ("2025年3月", "2025-03"),
    ("2025年３月", "2025-03"), ("Mar 2025", "2025-03"), ("March 2025", "2025-03"), ("2025-03-31", "2025-03"),
    ("2025-03-31 00:00:00", "2025-03"), ("2025年3月31日", "2025-03"), ("3/2025", "2025-03"),
    ("202503", "2025-03"), ("2025Q1", "2025Q1"), ("2025 Q3", "2025Q3"), ("Q4 2025", "2025Q4"),
    ("2025年第一季度", "2025Q1"), ("2025年三季度", "2025Q3"), ("2025年Q2", "2025Q2"), ("2025H1", "2025H1"),
    ("2025年下半年", "2025H2"), ("2025", "2025"), ("2025年", "2025"),
])
def test_periods_as_written(text: str, label: str) -> None:
    assert parse_period(text) == label


@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "31/03/2025", "1899", "2025Q5", "Smarch 2025", ""])
def test_periods_that_are_not_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a period"):
        parse_period(text)


def test_a_source_column_of_web_addresses_is_taken_for_the_url() -> None:
    header = ["brand", "month", "deliveries", "source"]
    links = [["BYD", "2025-01", "300538", "https://example.com/jan"], ["BYD", "2025-02", "322846", ""]]
    assert guess_mapping(header, links)["source_url"] == "source"
    assert "source_title" not in guess_mapping(header, links)
    titles = [["BYD", "2025-01", "300538", "BYD January sales release"]]
    assert guess_mapping(header, titles)["source_title"] == "source"
    named = ["brand", "month", "deliveries", "source", "link"]  # a column named as the URL wins
    assert guess_mapping(named, [[*links[0], "https://example.com/x"]])["source_title"] == "source"


def test_mapping_is_guessed_from_chinese_and_english_headers() -> None:
    assert guess_mapping(["月份", "品牌", "交付量（辆）", "来源", "链接", "备注"]) == {
        "period": "月份", "entity": "品牌", "value": "交付量（辆）", "source_title": "来源",
        "source_url": "链接", "notes": "备注"}
    assert guess_mapping(["Date", "Maker", "Units sold", "Unit", "Source", "Source URL", "Published"]) == {
        "period": "Date", "entity": "Maker", "value": "Units sold", "unit": "Unit", "source_title": "Source",
        "source_url": "Source URL", "source_published": "Published"}
    assert guess_mapping(["车企", "时间", "销量", "指标", "Qualifier"]) == {
        "entity": "车企", "period": "时间", "value": "销量", "measure": "指标", "qualifier": "Qualifier"}
    assert [guess_measure(h) for h in ("交付量", "销量", "Deliveries", "Sales", "Value")] == [
        "deliveries", "sales", "deliveries", "sales", None]


ROWS = [
    ["月份", "品牌", "交付量", "来源"],
    ["2025年9月", "小米汽车", "超过4万", "小米汽车官方微博"],
    ["2025-10", "Xiaomi", "48,654", ""],
    ["", "", "", ""],
    ["2025/11", "特斯拉", "4万", ""],
    ["2025-13", "问界", "lots", ""],
    ["2025Q3", "HIMA", "约12.5万", ""],
]


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"), ("gbk", "\t"),
                                                     ("gb18030", ","), ("utf-16", "\t")])
def test_csv_in_any_common_encoding_and_separator(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "交付.csv"
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(ROWS)
    path.write_bytes(text.getvalue().encode(encoding))
    table = read_rows(path)
    assert table.header == ROWS[0]
    assert table.rows[0] == ROWS[1]
    assert table.row_numbers == [2, 3, 5, 6, 7]  # the empty row 4 is skipped but keeps its number


def test_xlsx_first_or_named_sheet_with_dates_as_text(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "说明"
    first.append(["This sheet explains the data"])
    data = workbook.create_sheet("数据")
    data.append(["Month", "Brand", "Deliveries"])
    data.append([dt.datetime(2025, 3, 1), "Aito", 36_728])
    data.append([dt.date(2025, 4, 30), "Aito", 40000.0])
    data.append(["2025年5月", "Aito", "超过4万"])
    path = tmp_path / "deliveries.xlsx"
    workbook.save(path)

    assert read_rows(path).header == ["This sheet explains the data"]
    table = read_rows(path, sheet="数据")
    assert table.rows == [["2025-03-01", "Aito", "36728"], ["2025-04-30", "Aito", "40000"],
                          ["2025年5月", "Aito", "超过4万"]]
    result = import_table(path, guess_mapping(table.header), _aito_only, sheet="数据")
    assert [(o.period, o.value, o.qualifier) for o in result.rows] == [
        ("2025-03", 36728, "exact"), ("2025-04", 40000, "exact"), ("2025-05", 40000, "over")]
    missing = import_table(path, {}, _aito_only, sheet="Sheet9")
    assert missing.rows == [] and "no sheet named 'Sheet9'" in missing.problems[0].message


def _aito_only(name: str) -> str | None:
    return {"aito": "Aito"}.get(name.casefold())


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_import_keeps_good_rows_and_lists_every_bad_cell(dataset: Dataset, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "my deliveries.csv", ROWS)
    bundled = list(dataset.observations)
    result = import_table(path, guess_mapping(ROWS[0]), tree_resolver(dataset.entities))

    assert [(o.entity, o.measure, o.period, o.value, o.qualifier, o.unit, o.user) for o in result.rows] == [
        ("Xiaomi", "deliveries", "2025-09", 40000, "over", "vehicles", True),
        ("Xiaomi", "deliveries", "2025-10", 48654, "exact", "vehicles", True),
        ("HIMA", "deliveries", "2025Q3", 125000, "approx", "vehicles", True)]
    assert result.rows[0].source == Source("小米汽车官方微博", "", "")
    assert result.rows[1].source == Source("my deliveries.csv, row 3", "", "")
    file = str(path)
    assert result.problems == [
        Problem(file, 5, "品牌", "unknown entity '特斯拉' (not in the entity list)"),
        Problem(file, 6, "月份", "expected a period like 2025-03, 2025Q1, 2025年3月 or Mar 2025, "
                                 "got '2025-13'"),
        Problem(file, 6, "交付量", "not a number: 'lots'")]
    assert dataset.observations == bundled  # importing changes nothing


def test_new_entities_are_accepted_as_the_layers_own_when_allowed(dataset: Dataset, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", ROWS[:3] + ROWS[4:5])
    result = import_table(path, guess_mapping(ROWS[0]), tree_resolver(dataset.entities),
                          allow_new_entities=True)
    assert [o.entity for o in result.rows] == ["Xiaomi", "Xiaomi", "特斯拉"]
    assert result.new_entities == ["特斯拉"] and result.problems == []


def test_measure_unit_qualifier_and_source_columns(dataset: Dataset, tmp_path: Path) -> None:
    rows = [["Period", "Entity", "Value", "Measure", "Unit", "Qualifier", "Source", "URL", "Published"],
            ["2025-06", "Aito", "44,000", "销量", "辆", "approx", "Weibo", "https://weibo.com/x", "2025/7/1"],
            ["2025-06", "Aito", "over 44,000", "sales", "", "exact", "", "", ""],
            ["2025-06", "Aito", "12.5", "segment_gross_margin", "%", "", "", "ftp://x", "July"],
            ["2025-06", "Aito", "44000.5", "deliveries", "", "", "", "", ""],
            ["2025-06", "Aito", "44000", "", "", "maybe", "", "", ""]]
    result = import_table(_write_csv(tmp_path / "m.csv", rows), guess_mapping(rows[0]),
                          tree_resolver(dataset.entities))
    (row,) = result.rows
    assert (row.measure, row.unit, row.qualifier, row.source) == (
        "sales", "vehicles", "approx", Source("Weibo", "https://weibo.com/x", "2025-07-01"))
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Qualifier"), (4, "URL"), (4, "Published"), (5, "Value"), (6, "Measure"), (6, "Qualifier")]
    assert "says exact but the value 'over 44,000' says over" in result.problems[0].message
    assert "whole number of vehicles" in result.problems[3].message


def test_a_file_that_cannot_be_read_is_one_problem(dataset: Dataset, tmp_path: Path) -> None:
    resolver = tree_resolver(dataset.entities)
    junk = tmp_path / "data.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    old = tmp_path / "data.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    for path, reason in ((junk, "not a readable Excel workbook"), (old, "old Excel .xls"),
                         (tmp_path / "gone.csv", "cannot read the file")):
        result = import_table(path, {"entity": "a", "period": "b", "value": "c"}, resolver)
        assert result.rows == [] and len(result.problems) == 1
        assert (result.problems[0].row, reason in result.problems[0].message) == (1, True)


def test_a_mapping_that_does_not_fit_the_header_is_reported(dataset: Dataset, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "t.csv", ROWS)
    result = import_table(path, {"entity": "品牌", "value": "Deliveries", "colour": "来源"},
                          tree_resolver(dataset.entities))
    assert result.rows == []
    assert [(p.row, p.column, p.message.split(" (")[0]) for p in result.problems] == [
        (1, "来源", "'colour' is not a field"), (1, "Deliveries", "no such column for value"),
        (1, "-", "no column chosen for period")]
    unknown_measure = import_table(path, {"entity": "品牌", "period": "月份", "value": "来源"},
                                   tree_resolver(dataset.entities))
    assert "cannot tell the measure" in unknown_measure.problems[0].message

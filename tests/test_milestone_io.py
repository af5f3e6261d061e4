"""Milestone files: CSV round trip, bad rows reported by row and column, iCalendar as RFC 5545 wants."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime

from evcompare.io.milestone_io import (
    COLUMNS,
    milestones_to_ics,
    read_milestones_csv,
    write_milestones,
    write_milestones_csv,
)
from evcompare.io.paths import data_dir
from evcompare.model.dataset import Dataset
from evcompare.model.milestones import Milestone

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def known(dataset: Dataset) -> list[str]:
    return [e.id for e in dataset.entities]


def test_csv_round_trip_keeps_every_field(tmp_path, dataset):
    span = Milestone(id="u-1", date="2025-06", entity="industry", category="corporate",
                     title="=Price war; \"round 2\", phase 1", date_precision="month", end_date="2025-08",
                     title_zh="价格战", description="Line one\nline two", units=1500, basis="sales",
                     status="planned", source_url="https://example.com/a,b", origin="user")
    stones = [*dataset.milestones, span]
    path = tmp_path / "out.csv"
    write_milestones_csv(path, stones)
    valid, problems = read_milestones_csv(path, known(dataset))
    assert problems == []
    assert valid == [m.replace(origin="user") for m in stones]


def test_csv_has_the_bundled_columns_plus_origin_and_is_safe_in_spreadsheets(tmp_path, dataset):
    path = tmp_path / "out.csv"
    formula = dataset.milestones[0].replace(title="=HYPERLINK(\"x\")")
    write_milestones_csv(path, [formula])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(data_dir() / "milestones.csv", encoding="utf-8", newline="") as handle:
        bundled_header = next(csv.reader(handle))
    assert rows[0] == bundled_header + ["origin"] == COLUMNS
    assert rows[1][COLUMNS.index("title")] == "'=HYPERLINK(\"x\")"


def test_bad_rows_are_reported_with_row_and_column_and_left_out(tmp_path, dataset):
    path = tmp_path / "mine.csv"
    path.write_text(
        "date,entity,category,title,end_date,source_url\n"
        "2025-07-01,Xiaomi,launch,Good one,,https://example.com\n"  # row 2: fine
        "2025-13-01,Xiaomi,launch,Bad month,,\n"  # row 3: date
        "2025-07-01,Tesla,launch,Unknown maker,,\n"  # row 4: entity
        "2025-07-01,Xiaomi,gossip,,,\n"  # row 5: category and title
        "2025-07-10,Aito,launch,Ends early,2025-07-01,\n"  # row 6: end before start
        "2025-07-10,industry,corporate,Bad link,,www.example.com\n",  # row 7: URL
        encoding="utf-8")
    valid, problems = read_milestones_csv(path, known(dataset))
    assert [m.title for m in valid] == ["Good one"]
    assert valid[0].origin == "user" and valid[0].id.startswith("u-") and valid[0].date_precision == "day"
    where = {(p.row, p.column) for p in problems}
    assert where == {(3, "date"), (4, "entity"), (5, "category"), (5, "title"), (6, "end_date"),
                     (7, "source_url")}
    assert all(p.file == str(path) for p in problems)


def test_repeated_ids_and_missing_columns_are_problems(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,date,entity,category,title\nx,2025-01-01,Xiaomi,launch,A\nx,2025-01-02,Xiaomi,launch,B\n",
                    encoding="utf-8")
    valid, problems = read_milestones_csv(path)
    assert [m.title for m in valid] == ["A"]
    assert [(p.row, p.column) for p in problems] == [(3, "id")]
    (tmp_path / "cols.csv").write_text("date,title\n2025-01-01,A\n", encoding="utf-8")
    valid, problems = read_milestones_csv(tmp_path / "cols.csv")
    assert valid == [] and {p.column for p in problems} == {"entity", "category"}


def test_ics_has_one_all_day_event_per_milestone(dataset):
    text = milestones_to_ics(dataset.milestones, now=NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == len(dataset.milestones)
    first = dataset.milestones[0]
    assert f"UID:{first.id}@evcompare\r\n" in text
    assert f"DTSTART;VALUE=DATE:{first.date.replace('-', '')}\r\n" in text
    assert "DTSTAMP:20260102T030405Z\r\n" in text
    assert "DTEND" not in text  # no bundled milestone is a span


def test_ics_spans_end_exclusive_and_text_is_escaped_and_folded():
    span = Milestone(id="u-span", date="2025-06-30", entity="Xiaomi", category="production",
                     title="Plant shutdown; retooling, phase 2 — 小米汽车工厂停产改造 " * 2,
                     end_date="2025-07-02",
                     description="First line\nSecond line", source_title="Report",
                     source_url="https://example.com/a,b", origin="user")
    text = milestones_to_ics([span], now=NOW)
    assert "DTSTART;VALUE=DATE:20250630\r\n" in text
    assert "DTEND;VALUE=DATE:20250703\r\n" in text  # the day after the last day
    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long summary was folded
    unfolded = text.replace("\r\n ", "")
    summary = re.search(r"^SUMMARY:(.*)$", unfolded, re.MULTILINE).group(1).rstrip("\r")
    assert summary.startswith("Plant shutdown\\; retooling\\, phase 2 — 小米汽车工厂停产改造")
    assert "DESCRIPTION:First line\\nSecond line\\nSource: Report — https://example.com/a\\,b" in unfolded
    assert "URL:https://example.com/a,b\r\n" in unfolded  # a URI value is not TEXT-escaped


def test_writes_choose_the_format_by_suffix_and_leave_no_temp_files(tmp_path, dataset):
    write_milestones(tmp_path / "m.ics", dataset.milestones[:2])
    write_milestones(tmp_path / "m.csv", dataset.milestones[:2])
    assert (tmp_path / "m.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbfid,date,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv", "m.ics"]

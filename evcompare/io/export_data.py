"""Export the table behind a view to CSV or Excel, with each figure's qualifier, coverage and
sources, so a number keeps its pedigree outside the app.

Files open in Excel as they should: the CSV is UTF-8 with a BOM (Chinese names show), a
missing figure is an empty cell (never 0), and text that a spreadsheet would run as a formula
('=', '+', '-', '@' ...) is made inert. Both are written atomically.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re

import numpy as np
import pandas as pd

from evcompare.io.atomic import write_atomic
from evcompare.model.figures import Source

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != "figure"]


def inert_cell(text: str) -> str:
    """Text a spreadsheet would evaluate ('=HYPERLINK(...)', '@SUM', '-1+2') gets a leading "'"."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _plain(value: object) -> object:
    """A cell's value as a plain Python value; None for a missing one (a gap, never 0)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _csv_cell(value: object) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, int):
        return str(value)
    return inert_cell(str(value))


def export_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """The `metrics.table` frame (without its Figure objects) as a CSV Excel opens correctly."""
    columns = _columns(frame)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert_cell(str(c)) for c in columns])
    for row in frame[columns].itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    write_atomic(path, buffer.getvalue(), encoding="utf-8-sig")


def sources_of(frame: pd.DataFrame) -> list[Source]:
    """Every source behind the frame's figures once, in order of first appearance: from the
    Figure objects when the frame has them (with publication dates), else from the joined
    URL and title columns."""
    if "figure" in frame.columns:
        candidates = [s for figure in frame["figure"] for s in figure.sources]
    else:
        candidates = []
        for urls, titles in zip(frame["sources"], frame["source_titles"], strict=True):
            url_list, title_list = str(urls).split("; "), str(titles).split("; ")
            if len(title_list) != len(url_list):  # a title holding '; ' cannot be paired
                title_list = [""] * len(url_list)
            candidates += [Source(t, u) for u, t in zip(url_list, title_list, strict=True) if u or t]
    found: dict[tuple[str, str], Source] = {}
    for source in candidates:
        found.setdefault((source.url, source.title), source)
    return list(found.values())


def _xlsx_cell(value: object) -> object:
    value = _plain(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _append_row(sheet: object, values: list[object]) -> None:
    """Append a row with every text cell stored as text, so no text ever becomes a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif cell.is_date:
            cell.number_format = "yyyy-mm-dd"


def export_xlsx(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """The frame on a 'Data' sheet and each source (title, URL, published) once on 'Sources'."""
    from openpyxl import Workbook  # only exports pay for importing openpyxl

    workbook = Workbook()
    data = workbook.active
    data.title = "Data"
    columns = _columns(frame)
    _append_row(data, columns)
    for row in frame[columns].itertuples(index=False, name=None):
        _append_row(data, [_xlsx_cell(v) for v in row])
    data.freeze_panes = "A2"
    sources = workbook.create_sheet("Sources")
    _append_row(sources, ["title", "url", "published"])
    for source in sources_of(frame):
        _append_row(sources, [source.title, source.url, source.published])
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())

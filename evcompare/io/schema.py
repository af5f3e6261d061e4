"""Column schemas of the dataset's CSV tables, and validation that names file, row and column.

Row numbers are line numbers in the file as a spreadsheet shows them: the header is row 1,
the first data row is row 2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from evcompare.model.figures import QUALIFIERS
from evcompare.model.periods import parse_period


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class ValidationError(ValueError):
    """Raised with every problem found, so the user can fix a file in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(shown + more)


Checker = Callable[[str], str | None]  # returns what was expected, or None when fine


def _text(value: str) -> str | None:
    return None


def _number(value: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "a number"
    if number != number or number in (float("inf"), float("-inf")):
        return "a finite number"
    return None


def _count(value: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return "a whole number of vehicles"
    if not number.is_integer() or number < 0 or number > 1e9:
        return "a whole number of vehicles between 0 and 1,000,000,000"
    return None


def _choice(*choices: str) -> Checker:
    def check(value: str) -> str | None:
        return None if value in choices else "one of " + ", ".join(choices)
    return check


def _date(value: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return "a date as YYYY-MM-DD or YYYY-MM"
    try:
        dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        return "a real calendar date"
    return None


def _period(value: str) -> str | None:
    try:
        parse_period(value)
    except ValueError:
        return "a period as YYYY-MM, YYYYQn, YYYYHn or YYYY"
    return None


def _year(value: str) -> str | None:
    return None if re.fullmatch(r"(19|20)\d{2}", value) else "a year as YYYY"


def _url(value: str) -> str | None:
    return None if re.fullmatch(r"https?://\S+", value) else "an http or https URL"


def _bool(value: str) -> str | None:
    return None if value in ("True", "False", "true", "false", "1", "0") else "True or False"


def _colour(value: str) -> str | None:
    return None if re.fullmatch(r"#[0-9A-Fa-f]{6}", value) else "a colour as #RRGGBB"


@dataclass(frozen=True)
class Column:
    name: str
    check: Checker = _text
    required: bool = True  # a value must be present (the column itself is always required)


SOURCE = [Column("source_title"), Column("source_url", _url), Column("source_published", _date,
                                                                      required=False)]
FLAGS = [Column("doubt", _bool), Column("seed", _bool), Column("curation", required=False)]

SCHEMAS: dict[str, list[Column]] = {
    "observations": [
        Column("entity"), Column("measure"), Column("period", _period),
        Column("period_type", _choice("month", "quarter", "half", "year")),
        Column("value", _number), Column("unit"), Column("qualifier", _choice(*QUALIFIERS)),
        *SOURCE, *FLAGS, Column("measure_unclear", _bool), Column("notes", required=False),
        Column("origin", required=False),
    ],
    "targets": [
        Column("entity"), Column("year", _year),
        Column("kind", _choice("initial", "revised", "actual")), Column("value", _count),
        Column("qualifier", _choice(*QUALIFIERS)), Column("announced", _date, required=False),
        *SOURCE, *FLAGS, Column("measure_unclear", _bool), Column("notes", required=False),
    ],
    "milestones": [
        Column("id"), Column("date", _date), Column("date_precision", _choice("day", "month")),
        Column("end_date", _date, required=False), Column("entity"),
        Column("category", _choice("launch", "production", "financial", "corporate",
                                   "alliance", "target")),
        Column("title"), Column("title_zh", required=False),
        Column("description", required=False), Column("units", _count, required=False),
        Column("basis", _choice("production", "deliveries", "sales"), required=False),
        Column("status", _choice("done", "planned")), *SOURCE, *FLAGS,
    ],
    "entities": [
        Column("id"), Column("name_en"), Column("name_zh", required=False),
        Column("parent", required=False), Column("kind", _choice("group", "brand", "model",
                                                                 "maker")),
        Column("partner_oem", required=False), Column("joined_hima", _date, required=False),
        Column("first_model", required=False), Column("first_model_launch", _date,
                                                      required=False),
        Column("launch_milestone", required=False), Column("colour", _colour),
        Column("source_url", _url, required=False),
    ],
}


def detect_schema(file: str, header: list[str]) -> str:
    """The schema whose columns the header has, preferring the one named like the file."""
    stem = file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem in SCHEMAS:
        return stem
    for name, columns in SCHEMAS.items():
        if {c.name for c in columns} <= set(header):
            return name
    raise ValidationError([Problem(file, 1, "-", "header does not match any dataset table "
                                   f"({', '.join(SCHEMAS)}); name the file after its table")])


def validate_frame(frame: pd.DataFrame, schema: str, file: str) -> list[Problem]:
    """Check a frame read with dtype=str (empty cells as ''); return every problem."""
    problems: list[Problem] = []
    columns = SCHEMAS[schema]
    absent = [c.name for c in columns if c.name not in frame.columns]
    if absent:
        return [Problem(file, 1, name, f"missing column (the {schema} table needs it)")
                for name in absent]
    for column in columns:
        values = frame[column.name].tolist()
        for index, value in enumerate(values):
            row = index + 2
            if value == "":
                if column.required:
                    problems.append(Problem(file, row, column.name, "empty; a value is required"))
                continue
            expected = column.check(value)
            if expected:
                problems.append(Problem(file, row, column.name,
                                        f"expected {expected}, got {value!r}"))
    return problems


def read_table(path: str, schema: str | None = None) -> tuple[str, pd.DataFrame]:
    """Read a CSV as text and validate it; ValidationError on any problem."""
    name = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([Problem(name, 1, "-", f"not UTF-8 text ({exc.reason})")]) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable CSV"
        raise ValidationError([Problem(name, 1, "-", f"not a readable CSV table: {message}")]) \
            from exc
    except OSError as exc:
        raise ValidationError([Problem(name, 0, "-", f"cannot read file: {exc.strerror}")]) \
            from exc
    schema = schema or detect_schema(name, list(frame.columns))
    problems = validate_frame(frame, schema, name)
    if problems:
        raise ValidationError(problems)
    return schema, frame

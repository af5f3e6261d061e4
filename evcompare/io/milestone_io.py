"""Milestones to and from files: CSV (the bundled table's columns plus origin) and iCalendar.

Reading never raises on bad rows: it returns the rows that are fine and a `Problem` (row,
column, reason) for each that is not, so the user can decide to import the good ones. Row
numbers are as a spreadsheet shows them (the header is row 1). Writes are atomic.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta

import pandas as pd

from evcompare.io.atomic import write_atomic
from evcompare.io.export_data import FORMULA_STARTS, inert_cell
from evcompare.io.schema import SCHEMAS, Problem
from evcompare.model.milestones import Milestone, milestone_problems, new_id

COLUMNS = [column.name for column in SCHEMAS["milestones"]] + ["origin"]
# A user's own file may leave out everything but what a milestone cannot do without.
REQUIRED_COLUMNS = ("date", "entity", "category", "title")
_CHECKS = {column.name: column.check for column in SCHEMAS["milestones"]}
_TRUE = ("True", "true", "1")
def _cell_in(text: str) -> str:
    """Undo `inert_cell`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def milestone_row(milestone: Milestone) -> dict[str, str]:
    """One milestone as CSV cells, in `COLUMNS` order."""
    m = milestone
    values = {
        "id": m.id, "date": m.date, "date_precision": m.date_precision, "end_date": m.end_date,
        "entity": m.entity, "category": m.category, "title": m.title, "title_zh": m.title_zh,
        "description": m.description, "units": "" if m.units is None else str(m.units),
        "basis": m.basis, "status": m.status, "source_title": m.source_title,
        "source_url": m.source_url, "source_published": m.source_published, "doubt": str(m.doubt),
        "seed": str(m.seed), "curation": m.curation, "origin": m.origin,
    }
    return {name: values[name] for name in COLUMNS}


def milestones_to_csv(milestones: Iterable[Milestone]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for milestone in milestones:
        writer.writerow({k: inert_cell(v) for k, v in milestone_row(milestone).items()})
    return buffer.getvalue()


def write_milestones_csv(path: str | os.PathLike[str], milestones: Iterable[Milestone]) -> None:
    """UTF-8 with a byte-order mark, so Excel shows Chinese titles correctly."""
    write_atomic(path, "\ufeff" + milestones_to_csv(milestones))


def _row_milestone(row: dict[str, str]) -> Milestone:
    """A milestone from text cells already checked cell by cell; absent cells take defaults."""
    date = row["date"]
    precision = row.get("date_precision") or ("day" if len(date) == 10 else "month")
    return Milestone(
        id=row.get("id") or new_id(), date=date, entity=row["entity"], category=row["category"],
        title=row["title"], date_precision=precision,
        end_date=row.get("end_date", ""), title_zh=row.get("title_zh", ""),
        description=row.get("description", ""),
        units=int(float(row["units"])) if row.get("units") else None, basis=row.get("basis", ""),
        status=row.get("status") or "done", source_title=row.get("source_title", ""),
        source_url=row.get("source_url", ""), source_published=row.get("source_published", ""),
        doubt=row.get("doubt", "") in _TRUE, seed=row.get("seed", "") in _TRUE,
        curation=row.get("curation", ""), origin="user",
    )


def _row_problems(file: str, line: int, row: dict[str, str]) -> list[Problem]:
    problems = []
    for name in REQUIRED_COLUMNS:
        if not row.get(name):
            problems.append(Problem(file, line, name, "empty; a value is required"))
    for name, value in row.items():
        check = _CHECKS.get(name)
        expected = check(value) if check and value else None
        if expected:
            problems.append(Problem(file, line, name, f"expected {expected}, got {value!r}"))
    return problems


def read_milestones_csv(path: str | os.PathLike[str], entities: Collection[str] | None = None,
                        ) -> tuple[list[Milestone], list[Problem]]:
    """The valid rows of a milestone CSV as user milestones, and a problem for each bad cell.

    `entities`, when given, are the known entity ids; a row naming another is refused. A row
    without an id gets a new one. Nothing is imported here: the caller asks the user first.
    """
    file = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(file, 1, "-", f"not UTF-8 text ({exc.reason})")]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable CSV"
        return [], [Problem(file, 1, "-", f"not a readable CSV table: {first}")]
    except OSError as exc:
        return [], [Problem(file, 0, "-", f"cannot read file: {exc.strerror}")]
    absent = [name for name in REQUIRED_COLUMNS if name not in frame.columns]
    if absent:
        return [], [Problem(file, 1, name, "missing column") for name in absent]
    known = [name for name in frame.columns if name in COLUMNS]
    valid: list[Milestone] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for index, record in enumerate(frame[known].to_dict("records")):
        line = index + 2
        row = {name: _cell_in(value.strip()) for name, value in record.items()}
        row_problems = _row_problems(file, line, row)
        if not row_problems:
            milestone = _row_milestone(row)
            row_problems = [Problem(file, line, field, message)
                            for field, message in milestone_problems(milestone, entities)]
            if milestone.id in first_line:
                row_problems.append(Problem(file, line, "id", f"id {milestone.id!r} is already used "
                                            f"in row {first_line[milestone.id]}"))
        if row_problems:
            problems.extend(row_problems)
            continue
        first_line[milestone.id] = line
        valid.append(milestone)
    return valid, problems


# iCalendar (RFC 5545) ---------------------------------------------------------------------------

def _ics_text(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (section 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never splitting a UTF-8 character.

    Continuation lines start with a space, which counts towards their 75 octets. An escape
    such as '\\,' stays on one line, for readers that unfold carelessly.
    """
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for unit in re.findall(r"\\.|.", line, re.DOTALL):
        width = len(unit.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74
        current += unit
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _ics_date(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y%m%d")


def _event_lines(milestone: Milestone, stamp: str) -> list[str]:
    m = milestone
    lines = ["BEGIN:VEVENT", f"UID:{m.id}@evcompare", f"DTSTAMP:{stamp}",
             f"DTSTART;VALUE=DATE:{_ics_date(m.timestamp)}"]
    end = m.end_timestamp
    if end is not None:
        lines.append(f"DTEND;VALUE=DATE:{_ics_date(end + timedelta(days=1))}")  # DTEND is exclusive
    lines.append(f"SUMMARY:{_ics_text(m.title)}")
    details = [m.description] if m.description else []
    if m.date_precision == "month":
        details.append(f"Date known to the month only ({m.date}).")
    if m.units is not None:
        details.append(f"{m.units:,} units ({m.basis or 'basis not stated'}).")
    if m.source_title or m.source_url:
        details.append("Source: " + " — ".join(p for p in (m.source_title, m.source_url) if p))
    if details:
        lines.append(f"DESCRIPTION:{_ics_text(chr(10).join(details))}")
    if m.source_url:
        lines.append(f"URL:{m.source_url}")
    lines += [f"CATEGORIES:{_ics_text(m.category.upper())}",
              f"STATUS:{'TENTATIVE' if m.status == 'planned' else 'CONFIRMED'}", "END:VEVENT"]
    return lines


def milestones_to_ics(milestones: Iterable[Milestone], now: datetime | None = None) -> str:
    """An iCalendar file with one all-day VEVENT per milestone (CRLF lines, folded)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//evcompare//milestones//EN", "CALSCALE:GREGORIAN"]
    for milestone in milestones:
        lines += _event_lines(milestone, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def write_milestones_ics(path: str | os.PathLike[str], milestones: Iterable[Milestone]) -> None:
    write_atomic(path, milestones_to_ics(milestones))


def write_milestones(path: str | os.PathLike[str], milestones: Iterable[Milestone]) -> None:
    """Write CSV or iCalendar, chosen by the file's suffix (.ics is iCalendar)."""
    if re.search(r"\.ics$", str(path), re.IGNORECASE):
        write_milestones_ics(path, milestones)
    else:
        write_milestones_csv(path, milestones)

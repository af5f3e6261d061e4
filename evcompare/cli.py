"""The scriptable command line: tables, targets, milestones and the race as text, CSV or JSON,
file validation, and the two ways into the desktop app.

Columns and exit codes are a stable interface for scripts: 0 success, 1 invalid data or
files, 2 bad arguments. Qt is imported only on the GUI paths so every other command starts
fast and runs on machines without a display.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TextIO

import evcompare
from evcompare.export_cli import add_export_command
from evcompare.io import paths
from evcompare.io.dataset_loader import load_dataset
from evcompare.io.project_file import ProjectFileError, load_project
from evcompare.io.schema import Problem, ValidationError, read_table
from evcompare.io.tabular_import import guess_mapping, import_rows, read_rows, tree_resolver
from evcompare.model import figures as fig
from evcompare.model import metrics
from evcompare.model.dataset import Dataset
from evcompare.model.entities import EntityTree
from evcompare.model.figures import Figure
from evcompare.model.milestones import CATEGORIES
from evcompare.model.periods import FREQUENCIES
from evcompare.model.race import days_to
from evcompare.startup import app_module

FORMATS = ("text", "csv", "json")
DEFAULT_ENTITIES = "Xiaomi,HIMA"
DEFAULT_UNITS = "10000,100000,500000,1000000"
SIGNED_METRICS = {"yoy", "mom"}
THEMES = ("light", "dark")
VIEWS = ("default", "race", "side-by-side", "overlay", "multiples")  # app.VIEWS, without importing Qt
SIZE_LIMITS = (100, 10000)
COMMANDS = ("table", "targets", "milestones", "race", "check", "screenshot", "export", "open")

QUALIFIER_LEGEND = "≥ = source says 'more than' (lower bound); ≈ = approximate"
TABLE_LEGEND = f"{QUALIFIER_LEGEND}; coverage = months with figures / months in period"

TABLE_COLUMNS = ("entity", "period", "value", "qualifier", "unit", "coverage", "conflicts", "note",
                 "sources")
TARGET_COLUMNS = ("entity", "year", "kind", "announced", "target", "target_qualifier", "actual",
                  "actual_qualifier", "attainment_pct", "attainment_qualifier", "sources")
MILESTONE_COLUMNS = ("id", "date", "entity", "category", "title", "units", "basis", "source_title",
                     "source_url", "flags")
RACE_COLUMNS = ("entity", "units", "launch", "date", "days", "method", "basis", "qualifier",
                "source")


class CliError(Exception):
    """A problem the user can fix: printed as one 'evcompare: error:' message, no traceback."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# --- output -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """A figure in an output cell: a plain number in CSV/JSON, with its qualifier sign in text."""

    figure: Figure
    percent: bool = False
    signed: bool = False

    def plain(self) -> int | float | None:
        value = self.figure.value
        if self.figure.missing:
            return None
        if self.percent:
            return round(value, 1)
        return int(value) if value.is_integer() else round(value, 2)

    def text(self) -> str:
        if self.percent:
            return metrics.percent_text(self.figure, signed=self.signed)
        value = self.figure.value
        return self.figure.display(0 if value.is_integer() or abs(value) >= 1000 else 2)


@dataclass(frozen=True)
class Output:
    """Rows of cells (str, int, None for missing, a list of URLs, or a `Shown` figure)."""

    columns: Sequence[str]
    rows: list[dict[str, object]]
    legend: str = ""


def _plain(cell: object) -> object:
    return cell.plain() if isinstance(cell, Shown) else cell


def _flat(cell: object) -> str:
    value = _plain(cell)
    if value is None:
        return ""
    return "; ".join(value) if isinstance(value, list) else str(value)


def _text(cell: object) -> str:
    if _plain(cell) is None:
        return "—"
    return cell.text() if isinstance(cell, Shown) else _flat(cell)


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _write_text(output: Output, stream: TextIO) -> None:
    lines = [list(output.columns)] + [[_text(row[c]) for c in output.columns] for row in output.rows]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(output.columns))]
    right = [any(isinstance(row[c], Shown | int) for row in output.rows) for c in output.columns]
    lines.insert(1, ["-" * w for w in widths])
    for line in lines:
        stream.write("  ".join(_pad(t, w, r) for t, w, r in zip(line, widths, right, strict=True))
                     .rstrip() + "\n")
    if not output.rows:
        stream.write("(no rows)\n")
    if output.legend:
        stream.write(output.legend + "\n")


def _write_csv(output: Output, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(output.columns)
    writer.writerows([_flat(row[c]) for c in output.columns] for row in output.rows)


def _write_json(output: Output, stream: TextIO) -> None:
    records = [{c: _plain(row[c]) for c in output.columns} for row in output.rows]
    json.dump(records, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


WRITERS: dict[str, Callable[[Output, TextIO], None]] = {
    "text": _write_text, "csv": _write_csv, "json": _write_json,
}


def emit(output: Output, fmt: str) -> int:
    WRITERS[fmt](output, sys.stdout)
    return 0


def _qualifier(figure: Figure) -> str:
    return "" if figure.missing else figure.qualifier


def _urls(sources: Sequence[fig.Source]) -> list[str]:
    return [s.url for s in sources]


# --- arguments --------------------------------------------------------------------------

def _month(text: str) -> str:
    match = re.fullmatch(r"\d{4}-(\d{2})", text)
    if not match or not 1 <= int(match[1]) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (expected YYYY-MM, e.g. 2025-07)")
    return text


def _units(text: str) -> list[int]:
    try:
        units = [int(part) for part in text.split(",")]
    except ValueError:
        units = []
    if not units or min(units) <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of vehicle counts (expected e.g. 100000,500000)")
    return units


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)[xX×](\d+)", text.strip())
    low, high = SIZE_LIMITS
    if match and all(low <= int(side) <= high for side in match.groups()):
        return int(match[1]), int(match[2])
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a size WxH with both sides {low}..{high} (e.g. 1600x1000)")


def _add_entities(parser: argparse.ArgumentParser, default: str | None) -> None:
    shown = default or "every entity"
    parser.add_argument("--entities", default=default, metavar="NAMES",
                        help=f"comma-separated names in English or Chinese (default: {shown})")


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (aligned, for reading), csv or json (for scripts)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evcompare", usage="%(prog)s [-h] [--version] [--smoke-test] [COMMAND [options] | FILE ...]",
        description="Xiaomi EV against Huawei's HIMA alliance, every figure traced to its source. "
                    "Without a command, opens the desktop app (with any FILEs given).")
    parser.add_argument("--version", action="store_true",
                        help="print the version and the dataset's as-of date")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window headless, draw every view, export a PNG; exit 0 if all works")
    parser.set_defaults(run=cmd_open, files=[])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    table = sub.add_parser("table", help="a metric per entity and period, with qualifiers and sources")
    _add_entities(table, DEFAULT_ENTITIES)
    table.add_argument("--measure", default="deliveries", help="what is counted (default: deliveries)")
    table.add_argument("--metric", choices=metrics.METRICS, default="total")
    table.add_argument("--freq", choices=FREQUENCIES, default="month")
    table.add_argument("--from", dest="start", type=_month, metavar="YYYY-MM")
    table.add_argument("--to", dest="end", type=_month, metavar="YYYY-MM")
    _add_format(table)
    table.set_defaults(run=cmd_table)

    targets = sub.add_parser("targets", help="announced annual targets and their attainment")
    _add_entities(targets, None)
    _add_format(targets)
    targets.set_defaults(run=cmd_targets)

    stones = sub.add_parser("milestones", help="dated events; a group includes its brands and models")
    _add_entities(stones, None)
    stones.add_argument("--category", choices=CATEGORIES)
    _add_format(stones)
    stones.set_defaults(run=cmd_milestones)

    race = sub.add_parser("race", help="days from first launch to N vehicles")
    _add_entities(race, DEFAULT_ENTITIES)
    race.add_argument("--units", type=_units, default=DEFAULT_UNITS, metavar="N,N,...",
                      help=f"vehicle counts (default: {DEFAULT_UNITS})")
    _add_format(race)
    race.set_defaults(run=cmd_race)

    check = sub.add_parser("check", help="validate data files; one file:row:column line per problem")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=cmd_check)

    shot = sub.add_parser("screenshot", help="render the app to an image without showing a window")
    shot.add_argument("--out", required=True, metavar="FILE.png")
    shot.add_argument("--size", type=_size, default=(1600, 1000), metavar="WxH")
    shot.add_argument("--theme", choices=THEMES, default="light")
    shot.add_argument("--view", choices=VIEWS, default="default")
    shot.add_argument("--timeline", action="store_true",
                      help="show the milestone timeline under the charts (instead of the data table)")
    shot.set_defaults(run=cmd_screenshot)

    gui = sub.add_parser("open", help="open the desktop app (the default without a command)")
    gui.add_argument("files", nargs="*", metavar="FILE")
    gui.set_defaults(run=cmd_open)
    add_export_command(sub)
    return parser


def _dataset() -> Dataset:
    try:
        return load_dataset()
    except ValidationError as error:
        raise CliError(f"the bundled dataset is invalid:\n{error}", code=1) from None
    except OSError as error:
        raise CliError(str(error), code=1) from None


def _entity_ids(tree: EntityTree, text: str) -> list[str]:
    names = [name.strip() for name in re.split(r"[,，]", text) if name.strip()]
    if not names:
        raise CliError("--entities is empty (expected names such as Xiaomi,HIMA)")
    try:
        found = tree.resolve(names)
    except KeyError as error:
        raise CliError(error.args[0]) from None
    return list(dict.fromkeys(e.id for e in found))


def _lineage(tree: EntityTree, ident: str) -> list[str]:
    """The entity and its ancestors, so a group selects its brands and models."""
    chain = []
    while ident in tree:
        chain.append(ident)
        ident = tree[ident].parent
    return chain


# --- commands ---------------------------------------------------------------------------

def cmd_table(args: argparse.Namespace) -> int:
    ds = _dataset()
    entities = _entity_ids(ds.entities, args.entities)
    if args.measure not in ds.measures():
        raise CliError(f"unknown measure {args.measure!r} (known: {', '.join(ds.measures())})")
    if args.start and args.end and args.start > args.end:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    frame = metrics.table(ds, entities, args.measure, args.metric, args.freq, args.start, args.end)
    percent = args.metric in metrics.PERCENT_METRICS
    rows = [{
        "entity": r.entity, "period": r.period,
        "value": Shown(r.figure, percent, args.metric in SIGNED_METRICS),
        "qualifier": r.qualifier,
        "unit": metrics.metric_unit(args.metric, ds.unit(r.entity, args.measure)),
        "coverage": r.coverage, "conflicts": int(r.conflicts), "note": r.note,
        "sources": _urls(r.figure.sources),
    } for r in frame.itertuples()]
    return emit(Output(TABLE_COLUMNS, rows, TABLE_LEGEND), args.format)


def cmd_targets(args: argparse.Namespace) -> int:
    ds = _dataset()
    entities = _entity_ids(ds.entities, args.entities) if args.entities else [e.id for e in ds.entities]
    rows = [{
        "entity": t.entity, "year": t.year, "kind": t.kind, "announced": t.announced,
        "target": Shown(t.target), "target_qualifier": _qualifier(t.target),
        "actual": Shown(t.actual), "actual_qualifier": _qualifier(t.actual),
        "attainment_pct": Shown(t.attainment, percent=True),
        "attainment_qualifier": _qualifier(t.attainment),
        "sources": _urls(fig.merge_sources([t.target, t.actual])),
    } for t in metrics.target_history(ds, entities)]
    return emit(Output(TARGET_COLUMNS, rows, QUALIFIER_LEGEND), args.format)


def cmd_milestones(args: argparse.Namespace) -> int:
    ds = _dataset()
    chosen = set(_entity_ids(ds.entities, args.entities)) if args.entities else None
    stones = sorted((m for m in ds.milestones
                     if (chosen is None or chosen & set(_lineage(ds.entities, m.entity)))
                     and args.category in (None, m.category)), key=lambda m: (m.day, m.id))
    rows = [{
        "id": m.id, "date": m.date, "entity": m.entity, "category": m.category, "title": m.title,
        "units": m.units, "basis": m.basis, "source_title": m.source_title,
        "source_url": m.source_url,
        "flags": " ".join(flag for flag, on in (("doubt", m.doubt), ("seed", m.seed)) if on),
    } for m in stones]
    return emit(Output(MILESTONE_COLUMNS, rows), args.format)


def cmd_race(args: argparse.Namespace) -> int:
    ds = _dataset()
    results = [days_to(ds, entity, units) for entity in _entity_ids(ds.entities, args.entities)
               for units in args.units]
    rows = [{
        "entity": r.entity, "units": r.units, "launch": r.launch or None, "date": r.date or None,
        "days": Shown(Figure(float("nan") if r.days is None else float(r.days),
                             qualifier=r.qualifier or "exact")),
        "method": r.method, "basis": r.basis, "qualifier": r.qualifier, "source": r.source_url,
    } for r in results]
    return emit(Output(RACE_COLUMNS, rows, QUALIFIER_LEGEND), args.format)


def _read_csv(path: str) -> tuple[str, int]:
    schema, frame = read_table(path)
    return schema, len(frame)


def _read_import_table(path: str) -> tuple[str, int]:
    """An Excel table as File ▸ Import data reads it with the guessed columns: each bad cell a
    problem (names outside the entity list are the table's own entities, as in the app)."""
    table = read_rows(path)
    result = import_rows(table, guess_mapping(table.header, table.rows), tree_resolver(_dataset().entities),
                         allow_new_entities=True)
    if result.problems:
        raise ValidationError(result.problems)
    return "import", len(result.rows)


def _read_project(path: str) -> tuple[str, int]:
    """A project file against the bundled dataset; its user figures (overrides and layer rows)
    are the rows counted. The problem's column is the place in the JSON document."""
    try:
        project = load_project(path, _dataset())
    except ProjectFileError as error:
        raise ValidationError([Problem(path, 0, error.where or "-", error.detail)]) from None
    return "project", len(project.overrides) + sum(len(layer.observations) for layer in project.layers)


# One reader per file suffix: (schema name, row count), or ValidationError naming each problem.
READERS: dict[str, Callable[[str], tuple[str, int]]] = {
    ".csv": _read_csv, ".xlsx": _read_import_table, ".evcompare": _read_project,
}


def check_file(path: str) -> str:
    """The 'ok' line for a valid file; ValidationError with every problem otherwise."""
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        reason = "not a file" if Path(path).exists() else "no such file"
        raise ValidationError([Problem(path, 0, "-", reason)])
    if suffix not in READERS:
        expected = ", ".join(READERS)
        raise ValidationError([Problem(path, 0, "-",
                                       f"unsupported file type {suffix or path!r} (expected {expected})")])
    schema, count = READERS[suffix](path)
    return f"{path}: ok ({count} row{'' if count == 1 else 's'}, {schema} table)"


def cmd_check(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            print(check_file(path))
        except ValidationError as error:
            failed = True
            print("\n".join(str(problem) for problem in error.problems))
    return 1 if failed else 0


def _app() -> ModuleType:
    """The desktop app's module (see `evcompare.startup`), or why it cannot start."""
    try:
        return app_module()
    except ImportError as error:
        raise CliError(f"the desktop app cannot start ({error})", code=1) from None


def cmd_open(args: argparse.Namespace) -> int:
    return _app().run_gui(list(args.files))


def cmd_screenshot(args: argparse.Namespace) -> int:
    return _app().screenshot(args.out, args.size, args.theme, args.view, args.timeline)


def version_text() -> str:
    try:
        manifest = json.loads((paths.data_dir() / "manifest.json").read_text("utf-8"))
        as_of = manifest.get("as_of", "unknown")
    except (OSError, ValueError):
        as_of = "unknown"
    return f"evcompare {evcompare.__version__} (dataset as of {as_of})"


# --- entry point ------------------------------------------------------------------------

def _utf8_stdout() -> None:
    """Chinese names must print even where stdout is ASCII (a pipe under LANG=C)."""
    try:
        "问界".encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")


def _with_command(argv: list[str]) -> list[str]:
    """`evcompare FILE...` means `evcompare open FILE...`; a mistyped command stays an error."""
    first = argv[0] if argv else ""
    is_file = first and not first.startswith("-") and first not in COMMANDS
    return ["open", *argv] if is_file and (Path(first).suffix or Path(first).exists()) else argv


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 invalid data or files, 2 bad arguments)."""
    parser = build_parser()
    try:
        args = parser.parse_args(_with_command(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    _utf8_stdout()
    try:
        if args.version:
            print(version_text())
            return 0
        if args.smoke_test:
            from evcompare.smoke import run_smoke_test
            return run_smoke_test()
        code = args.run(args)
        sys.stdout.flush()
        return code
    except CliError as error:
        print(f"evcompare: error: {error}", file=sys.stderr)
        return error.code
    except BrokenPipeError:
        # The reader (`| head`) stopped early: not an error, and no traceback at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1

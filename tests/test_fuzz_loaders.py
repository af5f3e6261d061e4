"""Fuzzing the loaders that read files a user hands us: whatever the bytes, the CSV and Excel
importers return rows and problems (or refuse the file with one Problem), and the project loader
returns a Project or raises ProjectFileError with a message; nothing else escapes and nothing
already open changes.

Hypothesis drives each test; every example builds a batch of cases from a Random it seeds (a
failure reports the example, which replays the whole batch), because Hypothesis's own overhead
per example would otherwise cost more than the loaders. The cases run per loader are printed at
the end of the module.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import math
import random
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evcompare.io.project_file import ProjectFileError, load_project
from evcompare.io.schema import ValidationError
from evcompare.io.tabular_import import (
    guess_mapping,
    import_rows,
    parse_period,
    parse_value,
    read_rows,
    tree_resolver,
)
from evcompare.model.dataset import Dataset
from evcompare.model.figures import QUALIFIERS
from evcompare.model.periods import parse_period as period_span
from evcompare.model.project import Project

FIXTURE = Path(__file__).parent / "data" / "project_v1.evcompare"
CASES: Counter[str] = Counter()
BATCH = 20


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


seeds = st.randoms(use_true_random=True)


@pytest.fixture(scope="module", autouse=True)
def _report_cases(pytestconfig: pytest.Config):
    yield
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(CASES.items()))
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nfuzz cases run: {counts} (total {sum(CASES.values())})")


def _put(path: Path, content: bytes) -> None:
    """Overwrite the file in place: truncating it to nothing on every case is slow on some file
    systems (ext4 mounted with discard) and would dominate the run."""
    with path.open("r+b" if path.exists() else "wb") as handle:
        handle.write(content)
        handle.truncate()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# Values people type, values that break naive parsers, and noise.
TRICKY = [
    "超过4万", "4万以上", "约4.1万", "1.2亿", "４０,０００", "40,000+", "over 40,000", "~41000", "4,5",
    "1e999", "1e308k", "NaN", "-inf", "=1+2", "@SUM(A1)", "2025-02-30", "2025年13月", "2025Q5", "Q1 2025",
    "2025年第一季度", "Mar 2025", "", " ", "-", "—", "\u00a0", "9" * 400, "0.1.2", "about over 5", "Xiaomi",
    "问界", "HIMA", "小米汽车", "deliveries", "销量", "exact", "约", ">", "https://example.com", "ftp://x",
    "2025/7/1", "2025-03", "2025-03-31 00:00:00", "40 000", "12.5%", "1,2,3", "1e-400", "+", "0x1F", "١٢٣",
    "½", "\ufeff40000",
]
ALPHABET = "0123456789,.;:万亿千约超过以上余+-~≈≥%年月日季度第一Qqk /\\\"'\n\r\té问界小米Ωabz𝟘\u3000"
PERIODS = ["2025-03", "2025/3", "2025年3月", "Mar 2025", "2025-03-31", "2025Q1", "2025年第一季度", "2025H1",
           "2025", "2025-13", "2025-02-30", "Q5 2025", ""]
ENTITIES = ["Xiaomi", "小米汽车", "问界", "HIMA", "Aito", "AITO", "Luxeed", "特斯拉", "", " xiaomi "]
VALUES = ["40000", "40,000", "超过4万", "约4.1万", "40,000+", "1.2亿", "12.5%", "-3", "4,5", "", "40000.5",
          "1e999", "over 40,000", "４０,０００"]
# The columns of a user's table, each with the values people put in it.
COLUMNS = {
    "月份": PERIODS, "Month": PERIODS, "Date": PERIODS, "品牌": ENTITIES, "Brand": ENTITIES, "车企": ENTITIES,
    "交付量": VALUES, "销量": VALUES, "Deliveries": VALUES, "Value": VALUES,
    "Qualifier": ["exact", "over", "approx", "约", "maybe", ""], "Unit": ["辆", "vehicles", "%", "", "kg"],
    "Measure": ["deliveries", "销量", "sales", "", "?!"], "来源": ["官方微博", ""], "Source": ["Reuters", ""],
    "链接": ["https://x.cn/1", "x.cn", ""], "URL": ["https://example.com", "ftp://x", ""],
    "Published": ["2025-07-01", "2025/7", "July", ""], "备注": ["季度", ""], "": TRICKY,
}


def _header(rng: random.Random) -> list[str]:
    """Usually a period, an entity and a value column among others; sometimes anything."""
    if rng.random() < 0.2:
        return [rng.choice(list(COLUMNS)) if rng.random() < 0.7 else _text(rng)
                for _ in range(rng.randint(0, 7))]
    header = [rng.choice(["月份", "Month", "Date"]), rng.choice(["品牌", "Brand", "车企"]),
              rng.choice(["交付量", "销量", "Deliveries", "Value"])]
    header += rng.sample([c for c in COLUMNS if c not in header], rng.randint(0, 4))
    rng.shuffle(header)
    return header


def _cells(rng: random.Random, header: list[str]) -> list[str]:
    """A row: mostly values fit for each column, some noise, sometimes too short or too long."""
    width = len(header) + rng.choice([0, 0, 0, -1, 1])
    return [rng.choice(COLUMNS[header[i]]) if i < len(header) and header[i] in COLUMNS and rng.random() < 0.8
            else _text(rng) for i in range(max(width, 0))]


def _text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(TRICKY)
    if roll < 0.55:
        return rng.choice(TRICKY) + rng.choice(TRICKY)
    if roll < 0.65:
        return repr(rng.choice([rng.uniform(-1e6, 1e6), 1e308, -0.0, math.nan, math.inf, 5e-324]))
    if roll < 0.75:
        return str(rng.randint(-(10**30), 10**30))
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def _check_import(path: Path, dataset: Dataset, allow_new: bool) -> None:
    """What every import must satisfy, whatever the input."""
    try:
        table = read_rows(path)
    except ValidationError as exc:
        assert [p.row for p in exc.problems] == [1] and exc.problems[0].message
        return
    result = import_rows(table, guess_mapping(table.header), tree_resolver(dataset.entities),
                         allow_new_entities=allow_new)
    assert len(result.rows) <= len(table.rows)
    for problem in result.problems:
        assert problem.file == table.file and problem.row >= 1 and problem.message
        assert problem.column == "-" or problem.column in table.header
    for row in result.rows:
        assert math.isfinite(row.value) and row.qualifier in QUALIFIERS and row.user
        assert period_span(row.period).label == row.period
        assert allow_new or row.entity in dataset.entities


def _csv_bytes(rng: random.Random) -> bytes:
    if rng.random() < 0.05:
        return rng.randbytes(rng.randint(0, 300))
    header = _header(rng)
    rows = [_cells(rng, header) for _ in range(rng.randint(0, 8))]
    text = io.StringIO()
    csv.writer(text, delimiter=rng.choice([",", ";", "\t"])).writerows([header, *rows])
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "latin-1"])
    return text.getvalue().encode(encoding, errors="replace")


@fuzz(75)
@given(rng=seeds)
def test_csv_importer_never_fails_unexpectedly(dataset: Dataset, workdir: Path, rng: random.Random) -> None:
    path = workdir / "fuzz.csv"
    for _ in range(BATCH):
        _put(path, _csv_bytes(rng))
        _check_import(path, dataset, rng.random() < 0.5)
        CASES["csv importer"] += 1


def _excel_value(rng: random.Random) -> object:
    return rng.choice([
        lambda: None, lambda: rng.random() < 0.5, lambda: rng.randint(-(10**20), 10**20),
        lambda: rng.choice([math.nan, math.inf, -math.inf, 1e308, rng.uniform(-1e9, 1e9)]),
        lambda: ILLEGAL_CHARACTERS_RE.sub("", _text(rng)),
        lambda: dt.datetime(1900, 3, 1) + dt.timedelta(seconds=rng.randint(0, 6_000_000_000)),
        lambda: dt.date(1900, 3, 1) + dt.timedelta(days=rng.randint(0, 70_000)),
    ])()


def _workbook_bytes(rng: random.Random) -> bytes:
    """A workbook of 0-2 sheets, usually each with a header the importer knows."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for index in range(rng.choice([0, 1, 1, 1, 2])):
        sheet = workbook.create_sheet(f"S{index}")
        header = _header(rng) if rng.random() < 0.9 else []
        sheet.append(header)
        for _ in range(rng.randint(0, 6)):
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if rng.random() < 0.85 else _excel_value(rng)
                          for cell in _cells(rng, header)])
    if not workbook.worksheets:
        workbook.create_sheet("empty")  # openpyxl cannot save a workbook without a sheet
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@fuzz(30)
@given(rng=seeds)
def test_xlsx_importer_never_fails_unexpectedly(dataset: Dataset, workdir: Path, rng: random.Random) -> None:
    path = workdir / "fuzz.xlsx"
    for _ in range(BATCH // 4):
        saved = _workbook_bytes(rng)
        at, junk = rng.randint(0, len(saved)), rng.randbytes(rng.randint(1, 8))
        for content in (saved, saved[:at], saved[:at] + junk + saved[at + len(junk):]):  # whole, cut, spliced
            _put(path, content)
            _check_import(path, dataset, rng.random() < 0.5)
            CASES["xlsx importer"] += 1


@fuzz(150)
@given(written=st.text(max_size=20), rng=seeds)
def test_value_and_period_parsers_raise_only_value_error(written: str, rng: random.Random) -> None:
    for text in [written] + [_text(rng) for _ in range(BATCH)]:
        try:
            value, qualifier = parse_value(text)
            assert math.isfinite(value) and qualifier in QUALIFIERS
        except ValueError as exc:
            assert str(exc)
        try:
            label = parse_period(text)
            assert period_span(label).label == label
        except ValueError as exc:
            assert "expected a period" in str(exc)
        CASES["value/period parsers"] += 1


# Project files ---------------------------------------------------------------------------

BASE = json.loads(FIXTURE.read_text("utf-8"))


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path in the document, containers included."""
    found = [prefix] if prefix else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += _paths(child, (*prefix, key))
    return found


PATHS = _paths(BASE)
PLAUSIBLE = ["2025-01", "2025-13", "2026-01-15T09:30:00", "1e400", "exact", "month", "Xiaomi", "../x.csv",
             "/etc/x", "C:\\x", "m-20b735757c", "deliveries", "2025Q3", "", "user", "bundled", "day"]


def _json_value(rng: random.Random, depth: int = 0) -> object:
    roll = rng.random()
    if depth < 2 and roll < 0.15:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 2 and roll < 0.25:
        return {_text(rng)[:6]: _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return rng.choice([
        None, True, False, 0, -1, 1, 2, 10**40, -(10**40), 1e308, -1e-308, math.nan, math.inf,
        rng.randint(-(10**6), 10**6), rng.uniform(-1e6, 1e6), rng.choice(PLAUSIBLE), _text(rng),
    ])


def _project_bytes(rng: random.Random) -> bytes:
    """A damaged project file: changed or removed values, a cut, another encoding, deep nesting,
    or plain junk."""
    kind = rng.choice(["changed", "changed", "cut", "encoding", "nested", "junk"])
    if kind == "junk":
        return rng.randbytes(rng.randint(0, 400))
    doc = copy.deepcopy(BASE)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(PATHS)
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if rng.random() < 0.75:
                parent[path[-1]] = _json_value(rng)
            elif isinstance(parent, dict):
                del parent[path[-1]]
        except (KeyError, IndexError, TypeError):  # an earlier change removed or retyped the path
            continue
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    if kind == "cut":
        text = text[:rng.randint(0, len(text))]
    elif kind == "nested":
        depth = rng.choice([10, 500, 5_000, 20_000])
        text = text.replace('"views": []', '"views": ' + "[" * depth + "]" * depth)
    encoding = rng.choice(["utf-16", "gb18030", "latin-1"]) if kind == "encoding" else "utf-8"
    return text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def open_project(dataset: Dataset) -> Project:
    return load_project(FIXTURE, dataset)


def _state(project: Project) -> tuple:
    return (project.comparison, list(project.milestones), project.layers, project.overrides,
            project.views, project.visual, project.dataset_note, list(project.dataset.observations))


@fuzz(100)
@given(rng=seeds)
def test_project_loader_raises_only_its_error_and_changes_nothing(dataset: Dataset, workdir: Path,
                                                                  open_project: Project,
                                                                  rng: random.Random) -> None:
    before, bundled = _state(open_project), list(dataset.observations)
    path = workdir / "fuzz.evcompare"
    for _ in range(BATCH):
        _put(path, _project_bytes(rng))
        try:
            loaded = load_project(path, dataset)
        except ProjectFileError as exc:
            assert str(exc).startswith(f"{path}: ") and exc.detail
        else:
            assert loaded is not open_project and loaded.comparison.problems() == []
            assert all(math.isfinite(o.value) for layer in loaded.layers for o in layer.observations)
        CASES["project loader"] += 1
    assert _state(open_project) == before
    assert dataset.observations == bundled

"""Import the user's own figures from CSV and Excel files as observations.

Pure: reading a file changes nothing; the caller decides whether the rows become a data layer.
Every cell that cannot be used is reported with its spreadsheet row (the header is row 1), its
column and the reason, and the rows without problems are kept, so a file is fixed in one pass.
Values are read the way people write them in reports: '4.1万', '超过4万', 'over 40,000',
'40,000+', '约41,000', '４０,０００', and the qualifier (exact / over / approx) is kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from evcompare.io.schema import Problem, ValidationError
from evcompare.model.entities import EntityTree
from evcompare.model.figures import Observation, Source
from evcompare.model.periods import parse_period as period_span

FIELDS = ("entity", "period", "value", "measure", "qualifier", "unit", "source_title", "source_url",
          "source_published", "notes")
REQUIRED = ("entity", "period", "value")
COUNT_MEASURES = ("deliveries", "sales", "production", "insurance_registrations")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
MAX_VEHICLES = 1_000_000_000

EntityResolver = Callable[[str], str | None]


@dataclass
class RawTable:
    """A sheet as text: the header and the non-empty rows, each padded to the header's width."""

    file: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]  # the spreadsheet row of each row (the header is row 1)
    sheet: str = ""


@dataclass
class ImportResult:
    rows: list[Observation]
    problems: list[Problem]
    new_entities: list[str] = field(default_factory=list)  # accepted as the layer's own entities


# Reading ---------------------------------------------------------------------------------

def _fail(file: str, message: str) -> ValidationError:
    return ValidationError([Problem(file, 1, "-", message)])


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode text'), else GBK/GB18030."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _fail(file, "not text in UTF-8, UTF-16 or GBK/GB18030; save it as 'CSV UTF-8'")


def _delimiter(text: str) -> str:
    """The separator the header line uses most: comma, semicolon or tab (comma on a tie)."""
    line = next((candidate for candidate in text.splitlines() if candidate.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", line)
    return max((",", ";", "\t"), key=unquoted.count)


def _csv_records(path: Path, file: str) -> list[list[str]]:
    text = _decode(path.read_bytes(), file)
    if "\x00" in text:
        raise _fail(file, "not a text table (the file contains NUL bytes)")
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise _fail(file, f"not a readable CSV table ({exc})") from None


def _cell_text(value: object) -> str:
    """An Excel cell as the text a user sees: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value).strip()


def _excel_records(path: Path, file: str, sheet: str | None) -> tuple[list[list[str]], str]:
    import openpyxl  # the import costs a quarter of a second; only Excel imports pay it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file can fail anywhere in zip/XML/openpyxl
        raise _fail(file, f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise _fail(file, f"no sheet named {sheet!r} (sheets: {', '.join(names)})")
        if not workbook.worksheets:
            raise _fail(file, "the workbook has no worksheet")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        records = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
        return records, worksheet.title
    except ValidationError:
        raise
    except Exception as exc:  # as above: cells of a damaged sheet are parsed lazily
        raise _fail(file, f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def _unique_header(cells: list[str]) -> list[str]:
    """Blank headers become 'column N' and repeated ones 'name (2)', so every column has a name."""
    header: list[str] = []
    for index, cell in enumerate(cells):
        name = cell or f"column {index + 1}"
        candidate, count = name, 1
        while candidate in header:
            count += 1
            candidate = f"{name} ({count})"
        header.append(candidate)
    return header


def read_rows(path: str | os.PathLike[str], sheet: str | None = None) -> RawTable:
    """The first (or the named) sheet of an Excel workbook, or a CSV file, as text.

    The header is the first non-empty row; empty rows are skipped but keep their numbers.
    Raises ValidationError (one Problem at row 1) when the file cannot be read as a table.
    """
    file = os.fspath(path)
    source = Path(file)
    suffix = source.suffix.lower()
    if suffix == ".xls":
        raise _fail(file, "the old Excel .xls format is not read; save it as .xlsx or CSV")
    try:
        with source.open("rb") as handle:
            excel = suffix in EXCEL_SUFFIXES or handle.read(4) == b"PK\x03\x04"
        records, title = _excel_records(source, file, sheet) if excel else (_csv_records(source, file), "")
    except OSError as exc:
        raise _fail(file, f"cannot read the file ({exc.strerror or exc})") from None
    numbered = [(number, [cell.strip() for cell in record]) for number, record in enumerate(records, 1)]
    numbered = [(number, cells) for number, cells in numbered if any(cells)]
    if not numbered:
        raise _fail(file, "the table is empty")
    (_, first), data = numbered[0], numbered[1:]
    width = max(len(cells) for _, cells in numbered)
    header = _unique_header(first + [""] * (width - len(first)))
    return RawTable(file, header, [cells + [""] * (width - len(cells)) for _, cells in data],
                    [number for number, _ in data], title)


# Reading columns, values and periods ------------------------------------------------------

def _normal(text: str) -> str:
    """Full-width characters folded to ASCII, lower case, outer space removed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


# In priority order: a 'source URL' column is a URL, a 'publication date' is not the period.
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("source_url", ("链接", "网址", "url", "link", "href")),
    ("source_published", ("发布日期", "发布时间", "发表", "published", "publication", "publish date")),
    ("source_title", ("来源", "出处", "source", "reference")),
    ("qualifier", ("限定", "精度", "qualifier")),
    ("measure", ("指标", "口径", "measure", "metric")),
    ("notes", ("备注", "说明", "注释", "note", "notes", "comment", "comments", "remark", "remarks")),
    ("period", ("月份", "日期", "时间", "期间", "年月", "季度", "年份", "period", "month", "date", "time",
                "quarter", "year")),
    ("entity", ("品牌", "车企", "企业", "厂商", "公司", "车型", "brand", "entity", "maker", "make", "company",
                "manufacturer", "oem", "model")),
    ("value", ("交付量", "交付", "销量", "销售", "产量", "上险", "数量", "数值", "deliveries", "delivery",
               "delivered", "sales", "sold", "volume", "value", "units", "production", "registrations")),
)
_UNIT_HEADERS = ("unit", "单位", "计量单位")


def _header_words(header: str) -> str:
    """A header without bracketed notes ('交付量（辆）' -> '交付量'), words separated by spaces."""
    text = re.sub(r"[(\[【].*?[)\]】]", " ", _normal(header))
    return " ".join(re.split(r"[\s_\-/:.]+", text)).strip()


def _has_keyword(words: str, keyword: str) -> bool:
    if keyword.isascii():
        return re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", words) is not None
    return keyword in words


def guess_mapping(header: list[str], rows: Sequence[Sequence[str]] = ()) -> dict[str, str]:
    """Which column holds which field, from English or Chinese header names; each field and each
    column is used once, the leftmost column winning. With the `rows`, a 'Source' column that
    holds only web addresses is taken for the source URL (when no column is named as one)."""
    mapping: dict[str, str] = {}
    for column in header:
        words = _header_words(column)
        if words in _UNIT_HEADERS:
            found = "unit"
        else:
            found = next((name for name, keywords in _KEYWORDS if name not in mapping
                          and any(_has_keyword(words, k) for k in keywords)), None)
        if found and found not in mapping:
            mapping[found] = column
    title = mapping.get("source_title")
    if title is not None and "source_url" not in mapping and rows:
        cells = [row[header.index(title)].strip() for row in rows]
        if any(cells) and all(_WEB_ADDRESS.fullmatch(cell) for cell in cells if cell):
            mapping["source_url"] = mapping.pop("source_title")
    return mapping


_WEB_ADDRESS = re.compile(r"https?://\S+")


_MEASURE_WORDS = (("交付", "deliveries"), ("deliver", "deliveries"), ("销量", "sales"), ("销售", "sales"),
                  ("sales", "sales"), ("sold", "sales"), ("产量", "production"), ("生产", "production"),
                  ("produc", "production"), ("上险", "insurance_registrations"),
                  ("registration", "insurance_registrations"))


def guess_measure(text: str) -> str | None:
    """The measure a header or cell names: 交付/deliveries -> deliveries, 销量/sales -> sales, ..."""
    words = _normal(text)
    return next((measure for word, measure in _MEASURE_WORDS if word in words), None)


_OVER_PREFIXES = ("more than", "at least", "greater than", "over", "above", ">=", "≥", ">", "超过", "不少于",
                  "至少", "多于", "突破", "逾", "超")
_OVER_SUFFIXES = ("+", "以上", "多", "余", "plus")
_APPROX_PREFIXES = ("approximately", "approx.", "approx", "about", "around", "roughly", "nearly", "almost",
                    "circa", "~", "≈", "大约", "约", "将近", "接近", "近")
_APPROX_SUFFIXES = ("左右", "上下")
_SCALES = (("亿", 100_000_000), ("万", 10_000), ("千", 1_000), ("billion", 1_000_000_000),
           ("bn", 1_000_000_000), ("million", 1_000_000), ("mn", 1_000_000), ("thousand", 1_000),
           ("k", 1_000))
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d{1,3})?")


def _strip_words(text: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> tuple[str, bool]:
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix):].strip(), True
    for suffix in suffixes:
        if text.endswith(suffix):
            return text[:-len(suffix)].strip(), True
    return text, False


def _number_text(text: str) -> str:
    """Digits with thousands separators removed ('40,000', '40 000', "40'000"); a comma that is not
    a thousands separator (a decimal comma: '4,5') is refused rather than guessed."""
    grouped = re.fullmatch(r"([+-]?\d{1,3})((?:[, '\u00a0\u2009\u202f]\d{3})+)(\.\d*)?", text)
    if grouped:
        separators = set(grouped[2][::4])
        if len(separators) == 1:
            return grouped[1] + grouped[2].replace(separators.pop(), "") + (grouped[3] or "")
    if "," in text:
        raise ValueError(f"unclear comma in {text!r} (write 4.5 for a decimal, 40,000 for thousands)")
    return text


def _value_parts(text: str) -> tuple[float, str, bool]:
    """(value, qualifier, written as a percentage) of a figure as people write it."""
    rest = _normal(text)
    over = approx = percent = False
    changed = True
    while changed and rest:
        rest, is_over = _strip_words(rest, _OVER_PREFIXES, _OVER_SUFFIXES)
        rest, is_approx = _strip_words(rest, _APPROX_PREFIXES, _APPROX_SUFFIXES)
        rest, is_unit = _strip_words(rest, (), _UNIT_NAMES["vehicles"])
        rest, is_percent = _strip_words(rest, (), ("%", "percent"))
        over, approx, percent = over or is_over, approx or is_approx, percent or is_percent
        changed = is_over or is_approx or is_unit or is_percent
    if over and approx:
        raise ValueError(f"both a lower bound and an approximation in {text!r}")
    scale = 1
    for word, factor in _SCALES:
        if rest.endswith(word) and rest[:-len(word)].strip():
            rest, scale = rest[:-len(word)].strip(), factor
            break
    digits = _number_text(rest)
    if not _NUMBER.fullmatch(digits):
        raise ValueError(f"not a number: {text!r}" if text.strip() else "empty; a value is required")
    value = float(Decimal(digits) * scale)
    if not math.isfinite(value):
        raise ValueError(f"too large a number: {text!r}")
    return value, "over" if over else "approx" if approx else "exact", percent


def parse_value(text: str) -> tuple[float, str]:
    """A figure as written in reports -> (value, qualifier exact/over/approx); ValueError saying why.

    '超过4万' -> (40000, 'over'); '约4.1万' -> (41000, 'approx'); '1.2亿' -> 120000000;
    '45.2%' -> 45.2 (a percentage keeps its number).
    """
    value, qualifier, _ = _value_parts(text)
    return value, qualifier


_MONTH_NAMES = {name: number for number in range(1, 13)
                for name in (dt.date(2000, number, 1).strftime("%b").lower(),
                             dt.date(2000, number, 1).strftime("%B").lower())} | {"sept": 9}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


_DATE_PATTERNS = tuple(re.compile(pattern) for pattern in (
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)?",
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月份?(?:\s*(?P<d>\d{1,2})\s*[日号])?",
    r"(?P<y>\d{4})(?P<m>\d{2})",
    r"(?P<m>\d{1,2})[-/.](?P<y>\d{4})",
    r"(?P<name>[a-z]+)\.?[\s\-,]*(?P<y>\d{4})",
    r"(?P<y>\d{4})[\s\-,]*(?P<name>[a-z]+)\.?",
))


def _calendar_date(text: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) of '2025-03', '2025/3', '2025年3月', '2025-03-31 00:00', 'Mar 2025',
    '3/2025'; None for anything else (a day-first or month-first date is ambiguous)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        parts = match.groupdict() if match else {}
        month = _MONTH_NAMES.get(parts["name"]) if "name" in parts else parts.get("m") and int(parts["m"])
        if not month:
            continue
        year, day = int(parts["y"]), int(parts["d"]) if parts.get("d") else None
        try:
            dt.date(year, month, day or 1)
        except ValueError:
            return None
        return year, month, day
    return None


def parse_period(text: str) -> str:
    """A period as written -> its label ('2025-03', '2025Q1', '2025H1', '2025'); ValueError otherwise.

    Accepts '2025-03', '2025/3', '2025年3月', 'Mar 2025', '2025-03-31' (its month), '2025Q1',
    'Q1 2025', '2025年第一季度', '2025年上半年', '2025H1', '2025', '2025年'.
    """
    words = _normal(text)
    label = None
    if date := _calendar_date(words):
        label = f"{date[0]}-{date[1]:02d}"
    elif m := re.fullmatch(r"(\d{4})\s*年?\s*[-/]?\s*(?:q([1-4])|第?([一二三四1-4])季度?)", words):
        label = f"{m[1]}Q{m[2] or _CN_DIGITS[m[3]]}"
    elif m := re.fullmatch(r"q([1-4])\s*[-/]?\s*(\d{4})", words):
        label = f"{m[2]}Q{m[1]}"
    elif m := re.fullmatch(r"(\d{4})\s*年?\s*(?:h([12])|([上下])半年)", words):
        label = f"{m[1]}H{m[2] or (1 if m[3] == '上' else 2)}"
    elif m := re.fullmatch(r"(\d{4})\s*(?:年|年度|年全年|全年|fy)?", words):
        label = m[1]
    if label is None or not 1900 <= int(label[:4]) <= 2100:
        raise ValueError(f"expected a period like 2025-03, 2025Q1, 2025年3月 or Mar 2025, got {text!r}")
    return period_span(label).label


def _published(text: str) -> str:
    """A source's publication date as YYYY-MM-DD or YYYY-MM; ValueError otherwise."""
    date = _calendar_date(_normal(text))
    if date is None:
        raise ValueError(f"expected a date like 2025-03-31 or 2025-03, got {text!r}")
    year, month, day = date
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")


_UNIT_NAMES = {"vehicles": ("vehicles", "vehicle", "units", "unit", "cars", "辆", "台"),
               "percent": ("percent", "%", "百分比")}


def _unit_name(text: str) -> str:
    """The dataset's name for a unit written in a cell ('辆' -> vehicles, '%' -> percent)."""
    words = _normal(text)
    return next((unit for unit, names in _UNIT_NAMES.items() if words in names), text)


_QUALIFIER_WORDS = {
    "exact": ("exact", "精确", "准确", "="),
    "over": ("over", "more than", "at least", "lower bound", ">", "≥", "超过", "以上", "下限"),
    "approx": ("approx", "approximately", "about", "~", "≈", "约", "大约"),
}


def _qualifier(text: str) -> str:
    words = _normal(text)
    for qualifier, names in _QUALIFIER_WORDS.items():
        if words in names:
            return qualifier
    raise ValueError(f"expected exact, over or approx, got {text!r}")


# Importing -------------------------------------------------------------------------------

def tree_resolver(tree: EntityTree) -> EntityResolver:
    """Entity names resolved through the bundled tree (English or Chinese, any case)."""
    def resolve(name: str) -> str | None:
        entity = tree.find(name)
        return entity.id if entity else None
    return resolve


@dataclass
class _Defaults:
    measure: str | None
    unit: str | None
    allow_new_entities: bool
    resolver: EntityResolver


def _mapping_problems(table: RawTable, mapping: Mapping[str, str]) -> list[Problem]:
    problems = [Problem(table.file, 1, column, f"{name!r} is not a field ({', '.join(FIELDS)})")
                for name, column in mapping.items() if name not in FIELDS]
    problems += [Problem(table.file, 1, column, f"no such column for {name} (columns: "
                         f"{', '.join(table.header)})")
                 for name, column in mapping.items() if name in FIELDS and column not in table.header]
    problems += [Problem(table.file, 1, "-", f"no column chosen for {name}")
                 for name in REQUIRED if name not in mapping]
    return problems


def _row(table: RawTable, cells: dict[str, str], number: int, mapping: Mapping[str, str],
         defaults: _Defaults, new_entities: set[str]) -> tuple[Observation | None, list[Problem]]:
    """One row as an observation, or the problems of each of its bad cells."""
    problems: list[Problem] = []

    def check(name: str, read: Callable[[str], object]) -> object:
        try:
            return read(cells[name])
        except ValueError as exc:
            problems.append(Problem(table.file, number, mapping.get(name, "-"), str(exc)))
            return None

    def entity_id(name: str) -> str:
        if not name:
            raise ValueError("empty; an entity name is required")
        found = defaults.resolver(name)
        if found is None and not defaults.allow_new_entities:
            raise ValueError(f"unknown entity {name!r} (not in the entity list)")
        if found is None:
            new_entities.add(name)
        return found or name

    def measure_name(text: str) -> str:
        if not text:
            if defaults.measure is None:
                raise ValueError("empty; name the measure (deliveries, sales, ...)")
            return defaults.measure
        named = guess_measure(text) or _normal(text).replace(" ", "_")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", named):
            raise ValueError(f"expected a measure such as deliveries or sales, got {text!r}")
        return named

    def url(text: str) -> str:
        if text and not re.fullmatch(r"https?://\S+", text):
            raise ValueError(f"expected an http or https URL, got {text!r}")
        return text

    entity = check("entity", entity_id)
    period = check("period", parse_period)
    value_parts = check("value", _value_parts)
    measure = check("measure", measure_name)
    stated = check("qualifier", lambda text: _qualifier(text) if text else None)
    published = check("source_published", lambda text: _published(text) if text else "")
    link = check("source_url", url)
    if problems or value_parts is None:
        return None, problems
    value, qualifier, percent = value_parts
    unit = _unit_name(cells["unit"]) or defaults.unit or (
        "percent" if percent else "vehicles" if measure in COUNT_MEASURES else "")
    if stated and qualifier != "exact" and stated != qualifier:
        problems.append(Problem(table.file, number, mapping["qualifier"],
                                f"says {stated} but the value {cells['value']!r} says {qualifier}"))
    if unit == "vehicles" and (percent or value < 0 or value > MAX_VEHICLES or not value.is_integer()):
        problems.append(Problem(table.file, number, mapping["value"], "expected a whole number of vehicles "
                                f"from 0 to 1,000,000,000, got {cells['value']!r}"))
    if problems:
        return None, problems
    title = cells["source_title"] or f"{Path(table.file).name}, row {number}"
    return Observation(
        entity=str(entity), measure=str(measure), period=str(period), value=value, unit=unit,
        qualifier=qualifier if qualifier != "exact" else (stated or "exact"),
        source=Source(title, str(link), str(published)), notes=cells["notes"], user=True,
    ), []


def import_rows(table: RawTable, mapping: Mapping[str, str], entity_resolver: EntityResolver, *,
                measure: str | None = None, unit: str | None = None,
                allow_new_entities: bool = False) -> ImportResult:
    """The observations in a table read by `read_rows`; see `import_table`."""
    problems = _mapping_problems(table, mapping)
    measure = measure or (guess_measure(mapping["value"]) if "value" in mapping else None)
    if "measure" not in mapping and measure is None:
        problems.append(Problem(table.file, 1, mapping.get("value", "-"),
                                "cannot tell the measure (deliveries, sales, ...): "
                                "choose one or map a measure column"))
    if problems:
        return ImportResult([], problems)
    index = {name: table.header.index(column) for name, column in mapping.items()}
    defaults = _Defaults(measure, unit, allow_new_entities, entity_resolver)
    rows: list[Observation] = []
    new_entities: set[str] = set()
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        named = {name: cells[index[name]] if name in index else "" for name in FIELDS}
        observation, found = _row(table, named, number, mapping, defaults, new_entities)
        problems += sorted(found, key=lambda p: table.header.index(p.column)  # left to right
                           if p.column in table.header else -1)
        if observation is not None:
            rows.append(observation)
    return ImportResult(rows, problems, sorted(new_entities & {o.entity for o in rows}))


def import_table(path: str | os.PathLike[str], mapping: Mapping[str, str], entity_resolver: EntityResolver,
                 *, sheet: str | None = None, measure: str | None = None, unit: str | None = None,
                 allow_new_entities: bool = False) -> ImportResult:
    """User observations (user=True) from a CSV or Excel file, and every problem found.

    `mapping` says which column holds each field (see `guess_mapping`); entity names go through
    `entity_resolver` (`tree_resolver(dataset.entities)`), and names it does not know are
    problems unless `allow_new_entities`, when they become the layer's own entities. The
    measure comes from a measure column, else `measure`, else the value column's name
    ('交付量' -> deliveries). The source is the source columns, else the file name and row.
    """
    try:
        table = read_rows(path, sheet)
    except ValidationError as exc:
        return ImportResult([], list(exc.problems))
    return import_rows(table, mapping, entity_resolver, measure=measure, unit=unit,
                       allow_new_entities=allow_new_entities)

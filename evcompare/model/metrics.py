"""Metrics over the dataset: every value is a `Figure` that carries its pedigree.

`series()` computes one entity's metric per calendar period; `table()` flattens several
entities into the tidy frame that the command line, the chart and the data table all show
(`table_columns()` gives its columns as arrays, for a redraw).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evcompare.model import figures as fig
from evcompare.model.dataset import Dataset, Target
from evcompare.model.figures import Figure
from evcompare.model.periods import (
    Span,
    month,
    parse_period,
    periods_between,
    span_of,
    trailing,
    year_to_date,
)

METRICS = ("total", "cumulative", "ytd", "yoy", "mom", "share", "run_rate", "attainment",
           "pace", "asp")
PERCENT_METRICS = {"yoy", "mom", "share", "attainment"}
Columns = dict[str, np.ndarray]  # TABLE_COLUMNS, one array each
TABLE_COLUMNS = ["entity", "period", "start", "value", "qualifier", "lower_bound", "derived",
                 "coverage", "measure_unclear", "conflicts", "sources", "source_titles", "note",
                 "figure"]


def metric_unit(metric: str, base_unit: str) -> str:
    if metric in PERCENT_METRICS:
        return "%"
    if metric == "asp":
        return "CNY per vehicle"
    if metric in ("run_rate", "pace"):
        return f"{base_unit} per month"
    return base_unit


def _constant(value: float) -> Figure:
    return Figure(float(value), derived=False)


def launch_month(ds: Dataset, entity: str, measure: str) -> pd.Period | None:
    """Where cumulative counts start: the launch milestone's month, else the first data."""
    ident = ds.entities[entity].launch_milestone
    for stone in ds.milestones:
        if stone.id == ident:
            return month(stone.date[:7])
    bounds = ds.months_with_data(entity, measure)
    return bounds[0] if bounds else None


def target_in_force(ds: Dataset, entity: str, year: int, on: pd.Timestamp) -> Target | None:
    """The latest target revision announced by `on` (the initial one before any was)."""
    revisions = [t for t in ds.targets if t.entity == entity and t.year == year
                 and t.kind in ("initial", "revised") and not t.doubt]
    if not revisions:
        return None
    revisions.sort(key=lambda t: (t.announced, t.kind != "initial"))
    day = f"{on.year:04d}-{on.month:02d}-{on.day:02d}"  # ISO dates compare as text
    announced = [t for t in revisions if t.announced and (
        t.announced if len(t.announced) == 10 else t.announced + "-01") <= day]
    return announced[-1] if announced else revisions[0]


def target_figure(target: Target) -> Figure:
    return Figure(target.value, qualifier=target.qualifier,
                  lower_bound=target.qualifier == "over", sources=(target.source,))


def _ytd(ds: Dataset, entity: str, measure: str, period: Span) -> Figure:
    return ds.span(entity, measure, year_to_date(period.end))


def value_at(ds: Dataset, entity: str, measure: str, metric: str, period: Span) -> Figure:
    """One metric for one period (cumulative needs the whole series: see `series`)."""
    if metric == "total":
        return ds.span(entity, measure, period)
    if metric == "ytd":
        return _ytd(ds, entity, measure, period)
    if metric in ("yoy", "mom"):
        shift = 12 if metric == "yoy" else period.months
        base = ds.span(entity, measure, period.shift_months(-shift))
        return fig.ratio(ds.span(entity, measure, period), base, scale=100.0, offset=-100.0)
    if metric == "share":
        return _share(ds, entity, measure, period)
    if metric == "run_rate":
        last_three = ds.span(entity, measure, trailing(period.end, 3))
        return fig.ratio(last_three, _constant(3), note="trailing 3 months / 3")
    if metric in ("attainment", "pace"):
        return _against_target(ds, entity, measure, metric, period)
    if metric == "asp":
        revenue = ds.span(entity, "smart_ev_revenue", period)
        return fig.ratio(revenue, ds.span(entity, "deliveries", period), scale=1e9,
                         note="smart-EV revenue / deliveries")
    raise ValueError(f"unknown metric {metric!r} (expected one of {', '.join(METRICS)})")


def _share(ds: Dataset, entity: str, measure: str, period: Span) -> Figure:
    member = ds.entities[entity]
    joined = member.joined_month
    if not ds.entities.is_hima_member(entity):
        return fig.missing(note="share of the alliance applies to HIMA brands and models")
    if joined is not None and joined > period.start:
        return fig.missing(note=f"not a HIMA member until {member.joined_hima}")
    return fig.ratio(ds.span(entity, measure, period), ds.span("HIMA", measure, period),
                     scale=100.0, note="share of HIMA's reported total")


def _against_target(ds: Dataset, entity: str, measure: str, metric: str, period: Span) -> Figure:
    target = target_in_force(ds, entity, period.end.year, period.end_time)
    if target is None:
        return fig.missing(note=f"no {period.end.year} target")
    ytd = _ytd(ds, entity, measure, period)
    goal = target_figure(target)
    label = f"{target.kind} target {target.value:,.0f} ({target.announced})"
    if metric == "attainment":
        return fig.ratio(ytd, goal, scale=100.0, note=label)
    remaining = 12 - period.end.month
    if remaining == 0 or ytd.missing:
        return fig.missing(note="year complete" if remaining == 0 else "no YTD figure")
    left = Figure(goal.value - ytd.value, qualifier="approx" if ytd.lower_bound or
                  goal.qualifier != "exact" else "exact", covered=ytd.covered,
                  expected=ytd.expected, derived=True, sources=fig.merge_sources([ytd, goal]), user=ytd.user)
    return fig.ratio(left, _constant(remaining), note=f"{label}; {remaining} months left")


def series(ds: Dataset, entity: str, measure: str, metric: str, freq: str,
           start: pd.Period, end: pd.Period) -> list[tuple[Span, Figure]]:
    """The metric for every calendar period of `freq` between two months."""
    spans = periods_between(start, end, freq)
    if metric != "cumulative":
        return [(s, value_at(ds, entity, measure, metric, s)) for s in spans]
    first = launch_month(ds, entity, measure)
    if first is None:
        return [(s, fig.missing(note="no data")) for s in spans]
    note = f"since {first.strftime('%Y-%m')}"
    out = []
    for s in spans:
        if s.end < first:
            out.append((s, fig.missing(note="before launch")))
        else:
            since = ds.span(entity, measure, span_of(first, s.end))
            out.append((s, replace(since, derived=True, note=note)))
    return out


def table(ds: Dataset, entities: Iterable[str], measure: str = "deliveries",
          metric: str = "total", freq: str = "month", start: str | None = None,
          end: str | None = None) -> pd.DataFrame:
    """One row per entity and period: value, qualifier, coverage, sources, conflicts."""
    return frame_of(table_columns(ds, entities, measure, metric, freq, start, end))


def table_columns(ds: Dataset, entities: Iterable[str], measure: str = "deliveries",
                  metric: str = "total", freq: str = "month", start: str | None = None,
                  end: str | None = None) -> Columns:
    """`table`'s rows as one array per column: a redraw reads them without building a frame."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r} (expected one of {', '.join(METRICS)})")
    rows: list[tuple[str, Span, Figure]] = []
    for entity in entities:
        first, last = _window(ds, entity, measure, start, end)
        if first is None:
            continue
        rows += [(entity, span, figure)
                 for span, figure in series(ds, entity, measure, metric, freq, first, last)]
    return _columns(rows)


def frame_of(columns: Columns) -> pd.DataFrame:
    """The `table` frame of `table_columns` (joined ones too)."""
    if not len(columns["entity"]):
        return pd.DataFrame(columns=TABLE_COLUMNS)
    return pd.DataFrame(columns, columns=TABLE_COLUMNS)


def join_columns(parts: Sequence[Columns]) -> Columns:
    """Several `table_columns` as one, rows in order."""
    if not parts:
        return _columns([])
    return {name: np.concatenate([part[name] for part in parts]) for name in TABLE_COLUMNS}


def _window(ds: Dataset, entity: str, measure: str, start: str | None,
            end: str | None) -> tuple[pd.Period | None, pd.Period | None]:
    bounds = ds.months_with_data(entity, measure)
    if bounds is None and (start is None or end is None):
        return None, None
    first = month(start) if start else bounds[0]
    last = month(end) if end else bounds[1]
    return first, last


def _columns(rows: list[tuple[str, Span, Figure]]) -> Columns:
    """The table column by column, as typed arrays: a frame is built from them several times
    faster than from one dict per row, and a redraw reads them as they are."""
    spans = [span for _, span, _ in rows]
    figures = [figure for _, _, figure in rows]

    def texts(values: Iterable[str]) -> np.ndarray:
        return np.array(list(values), dtype=object)

    def flags(values: Iterable[bool]) -> np.ndarray:
        return np.array(list(values), dtype=bool)

    months = np.array([span.start.ordinal for span in spans], dtype="datetime64[M]")
    return {
        "entity": texts(entity for entity, _, _ in rows),
        "period": texts(span.label for span in spans),
        "start": months.astype("datetime64[us]"),  # as pandas makes of Period.start_time
        "value": np.array([f.value for f in figures], dtype=float),
        "qualifier": texts("" if f.missing else f.qualifier for f in figures),
        "lower_bound": flags(f.lower_bound for f in figures),
        "derived": flags(f.derived for f in figures),
        "coverage": texts(f.coverage for f in figures),
        "measure_unclear": flags(f.measure_unclear for f in figures),
        "conflicts": np.array([len(f.conflicts) for f in figures], dtype=np.int64),
        "sources": texts("; ".join(s.url for s in f.sources) for f in figures),
        "source_titles": texts("; ".join(s.title for s in f.sources) for f in figures),
        "note": texts(f.note for f in figures),
        "figure": _objects(figures),
    }


def _objects(values: list) -> np.ndarray:
    """An object array of `values` as they are (numpy would unpack sequences)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(frozen=True)
class TargetRow:
    entity: str
    year: int
    kind: str
    announced: str
    target: Figure
    actual: Figure
    attainment: Figure


def target_history(ds: Dataset, entities: Iterable[str]) -> list[TargetRow]:
    """Each target revision with the year's actual and the attainment against it."""
    rows = []
    for entity in entities:
        revisions: dict[tuple[int, str, float], Target] = {}
        for target in sorted((t for t in ds.targets if t.entity == entity
                              and t.kind != "actual"), key=lambda t: (t.seed, t.doubt)):
            revisions.setdefault((target.year, target.kind, target.value), target)
        for target in sorted(revisions.values(), key=lambda t: (t.year, t.announced)):
            year = parse_period(str(target.year))
            actual = ds.span(entity, "deliveries", year)
            goal = target_figure(target)
            rows.append(TargetRow(entity, target.year, target.kind, target.announced, goal,
                                  actual, fig.ratio(actual, goal, scale=100.0)))
    return rows


def percent_text(figure: Figure, signed: bool = False) -> str:
    if figure.missing or math.isnan(figure.value):
        return "—"
    sign = fig.QUALIFIER_SIGN[figure.qualifier]
    number = f"{figure.value:+.1f}" if signed else f"{figure.value:.1f}"
    return f"{sign}{number} %"

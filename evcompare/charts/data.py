"""What one refresh draws, computed once: the table frame and per-entity x/y arrays.

The chart, the data table and the KPI cards all follow the same frame, so a row in the table
is a point on the chart. Time charts put each figure at its period's start (UTC epoch
seconds); the race puts cumulative units at each month end, in days since launch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from evcompare.model import metrics
from evcompare.model.comparison import Comparison
from evcompare.model.entities import EntityTree
from evcompare.model.figures import Figure
from evcompare.model.project import Project
from evcompare.model.race import RaceResult, days_to, launch_milestone, race_curve

_EPOCH = pd.Timestamp(0)
_SECOND = pd.Timedelta(seconds=1)
DAY = 86_400.0  # a day on a time axis (epoch seconds)
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def epoch_seconds(times: pd.Series | pd.Timestamp) -> np.ndarray | float:
    """Naive timestamps as UTC epoch seconds, what `DateAxisItem(utcOffset=0)` expects."""
    seconds = (times - _EPOCH) / _SECOND
    return seconds.to_numpy(dtype=float) if isinstance(seconds, pd.Series) else float(seconds)


def day_of(x: float) -> int:
    """The day (days since 1970-01-01) nearest to a time-axis position: drags snap to it."""
    return round(x / DAY)


def date_text(x: float) -> str:
    """The date ('YYYY-MM-DD') of the day nearest to a time-axis position."""
    return pd.Timestamp(day_of(x) * DAY, unit="s").strftime("%Y-%m-%d")


@dataclass(frozen=True)
class EntityRows:
    """One entity's points in drawing order; `width` is each period's length in x units.

    `qualifiers` (exact / over / approx, '' for a gap), `disputed` (sources disagree) and `user`
    (the user's own figures; None: none is) repeat what the figures say as arrays, so drawing
    never walks the figures one by one.
    """

    entity: str
    periods: list[str]
    x: np.ndarray
    y: np.ndarray
    width: np.ndarray
    figures: Sequence[Figure]
    qualifiers: np.ndarray
    disputed: np.ndarray
    user: np.ndarray | None = None

    def index(self, period: str) -> int | None:
        try:
            return self.periods.index(period)
        except ValueError:
            return None


@dataclass(frozen=True)
class ChartData:
    comparison: Comparison
    columns: metrics.Columns  # the data table's rows (metrics.TABLE_COLUMNS)
    rows: dict[str, EntityRows]
    unit: str
    percent: bool
    crossings: dict[str, list[RaceResult]] = field(default_factory=dict)
    entities: EntityTree | None = None  # the dataset's, with its layers' own entities

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The data table's rows as `metrics.table`'s frame, for exports (made when asked)."""
        return metrics.frame_of(self.columns)

    @property
    def has_user_figures(self) -> bool:
        """Whether any point drawn is a user figure (the legend then explains its symbol)."""
        return any(r.user is not None and (r.user & np.isfinite(r.y)).any() for r in self.rows.values())


def chart_data(project: Project) -> ChartData:
    """Everything the views need for the project's current comparison (one metrics pass)."""
    c = project.comparison
    ds = project.dataset
    drawable = _drawable(project)
    unit = next((u for e in drawable if (u := ds.unit(e, c.measure))), "")
    if c.chart == "race":
        return _race_data(project, unit)
    columns = metrics.table_columns(ds, drawable, c.measure, c.metric, c.freq, c.start,
                                    c.end or project.latest_month())
    months = columns["start"].astype("datetime64[M]")
    starts = months.astype("datetime64[s]").astype(float)
    widths = (months + _MONTHS[c.freq]).astype("datetime64[s]").astype(float) - starts
    entities, periods, figures = columns["entity"], columns["period"].tolist(), columns["figure"].tolist()
    disputed = columns["conflicts"] > 0
    user = np.fromiter((f.user for f in figures), dtype=bool, count=len(figures))
    rows = {}
    for entity in dict.fromkeys(entities):
        at = np.flatnonzero(entities == entity)
        part = slice(at[0], at[-1] + 1)  # metrics.table keeps each entity's rows together
        rows[entity] = EntityRows(entity, periods[part], starts[part], columns["value"][part], widths[part],
                                  figures[part], columns["qualifier"][part], disputed[part], user[part])
    return ChartData(c, columns, rows, unit, c.metric in metrics.PERCENT_METRICS, entities=ds.entities)


def _drawable(project: Project) -> list[str]:
    """The comparison's entities the data has: one a data layer named is gone with the layer
    (or its file's new version) until undo brings it back."""
    known = project.dataset.entities
    return [e for e in project.comparison.entities if e in known]


def _race_data(project: Project, unit: str) -> ChartData:
    c = project.comparison
    ds = project.dataset
    stones = list(project.milestones)
    parts, rows, crossings = [], {}, {}
    for entity in _drawable(project):
        launch = launch_milestone(ds, entity, stones)
        curve = race_curve(ds, entity, c.measure, stones)
        if launch is None or curve.empty:
            continue
        part = metrics.table_columns(ds, [entity], c.measure, "cumulative", "month", launch.date[:7])
        days = curve["days"].to_numpy(dtype=float)
        figures = curve["figure"].tolist()
        qualifiers = np.array(["" if f.missing else f.qualifier for f in figures], dtype=object)
        disputed = np.array([bool(f.conflicts) for f in figures], dtype=bool)
        user = np.array([f.user for f in figures], dtype=bool)
        rows[entity] = EntityRows(entity, part["period"].tolist(), days,
                                  curve["value"].to_numpy(dtype=float),
                                  np.diff(days, prepend=days[0] - 30.0), figures, qualifiers, disputed,
                                  user)
        crossings[entity] = [days_to(ds, entity, units, c.measure, stones) for units in c.race_units]
        parts.append(part)
    return ChartData(c, metrics.join_columns(parts), rows, unit, False, crossings, ds.entities)

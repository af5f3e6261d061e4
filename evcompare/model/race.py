"""The race: how many days each entity took from its first launch to N units.

A figure comes from an exact 'N-th vehicle' milestone where one exists; otherwise from the
first month-end at which cumulative deliveries reach N, labelled as such (with lower-bound
monthly figures the true crossing may be earlier, so that figure is approximate).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evcompare.model.dataset import Dataset
from evcompare.model.metrics import launch_month, series
from evcompare.model.milestones import Milestone


@dataclass(frozen=True)
class RaceResult:
    entity: str
    units: int
    launch: str  # day 0
    days: int | None
    date: str
    method: str  # milestone / month-end crossing / not reached
    basis: str
    qualifier: str
    source_title: str = ""
    source_url: str = ""


def launch_milestone(ds: Dataset, entity: str,
                     milestones: list[Milestone] | None = None) -> Milestone | None:
    ident = ds.entities[entity].launch_milestone
    for stone in milestones if milestones is not None else ds.milestones:
        if stone.id == ident:
            return stone
    return None


def _counts_for(ds: Dataset, entity: str, stones: list[Milestone]) -> dict[str, pd.Timestamp]:
    """Whose 'N-th vehicle' milestones count as the entity's own, and until when.

    The entity's own always do. A child's count as the parent's only while that child was
    the parent's only launched model (the SU7's 100,000th was Xiaomi's 100,000th; Maextro's
    10,000th is not HIMA's). A child without a launch milestone is taken as always launched.
    """
    counts = {entity: pd.Timestamp.max}
    kids = ds.entities.children(entity)
    launches = {}
    for kid in kids:
        stone = launch_milestone(ds, kid.id, stones)
        launches[kid.id] = stone.timestamp if stone is not None else pd.Timestamp.min
    for kid in kids:
        others = [t for k, t in launches.items() if k != kid.id]
        counts[kid.id] = min(others, default=pd.Timestamp.max)
    return counts


def days_to(ds: Dataset, entity: str, units: int, measure: str = "deliveries",
            milestones: list[Milestone] | None = None) -> RaceResult:
    stones = milestones if milestones is not None else ds.milestones
    launch = launch_milestone(ds, entity, stones)
    if launch is None:
        return RaceResult(entity, units, "", None, "", "no launch milestone", "", "")
    day0 = launch.timestamp
    counts = _counts_for(ds, entity, stones)
    exact = sorted(
        (m for m in stones if m.entity in counts and m.timestamp < counts[m.entity]
         and m.units == units and not m.doubt
         and m.date_precision == "day" and m.basis in ("production", "deliveries")),
        key=lambda m: m.timestamp)
    if exact:
        hit = exact[0]
        return RaceResult(entity, units, launch.date, (hit.timestamp - day0).days, hit.date,
                          "milestone", hit.basis, "exact", hit.source_title, hit.source_url)
    end = ds.months_with_data(entity, measure)
    if end is None:
        return RaceResult(entity, units, launch.date, None, "", "not reached", measure, "")
    start = launch_month(ds, entity, measure)
    for span, figure in series(ds, entity, measure, "cumulative", "month", start, end[1]):
        if not figure.missing and figure.value >= units:
            when = span.end_time
            src = figure.sources[-1] if figure.sources else None
            return RaceResult(entity, units, launch.date, (when - day0).days,
                              when.strftime("%Y-%m-%d"), "month-end crossing", measure,
                              "exact" if figure.qualifier == "exact" else "approx",
                              src.title if src else "", src.url if src else "")
    return RaceResult(entity, units, launch.date, None, "", "not reached", measure, "")


def race_curve(ds: Dataset, entity: str, measure: str = "deliveries",
               milestones: list[Milestone] | None = None) -> pd.DataFrame:
    """Cumulative units at each month end against days since launch (for the race chart)."""
    launch = launch_milestone(ds, entity, milestones)
    bounds = ds.months_with_data(entity, measure)
    if launch is None or bounds is None:
        return pd.DataFrame(columns=["days", "value", "figure"])
    day0 = launch.timestamp
    rows = [{"days": (span.end_time - day0).days, "value": figure.value, "figure": figure}
            for span, figure in series(ds, entity, measure, "cumulative", "month",
                                       month(launch.date[:7]), bounds[1])]
    return pd.DataFrame(rows)


def month(text: str) -> pd.Period:
    return pd.Period(text, freq="M")

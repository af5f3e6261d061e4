"""Axes and ranges: calendar time in UTC for time charts, plain days for the race.

Ranges are computed from the data once per refresh and set once per panel, instead of letting
pyqtgraph auto-range after every setData (which walks every item each time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

TIME = "time"
DAYS = "days"


class NumberAxis(pg.AxisItem):
    """Ticks as '500,000': thousands separators, never SI prefixes or exponents."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        step = spacing * scale
        places = max(0, math.ceil(-math.log10(step))) if step > 0 else 0
        return [f"{value * scale:,.{places}f}" for value in values]


def bottom_axis(kind: str) -> pg.AxisItem:
    """A date axis (x = UTC epoch seconds) or a day-count axis for the race."""
    if kind == TIME:
        return pg.DateAxisItem(orientation="bottom", utcOffset=0)
    axis = NumberAxis("bottom")
    axis.setLabel(QCoreApplication.translate("ChartAxes", "Days since launch"))
    return axis


def span(values: Iterable[np.ndarray]) -> tuple[float, float] | None:
    """Smallest and largest finite value over several arrays (None when there is none)."""
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return None
    joined = np.concatenate(finite)
    return float(joined.min()), float(joined.max())


def value_range(values: Iterable[np.ndarray]) -> tuple[float, float]:
    """A value axis range that includes zero, so bar heights and areas are not exaggerated."""
    found = span(values) or (0.0, 1.0)
    low, high = min(0.0, found[0]), max(0.0, found[1])
    if high == low:
        high = low + 1.0
    return low, high + 0.06 * (high - low)


def union(ranges: Iterable[tuple[float, float]]) -> tuple[float, float]:
    ranges = list(ranges)
    return min(r[0] for r in ranges), max(r[1] for r in ranges)

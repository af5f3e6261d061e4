"""What of a long series is drawn: the points in view, and their extremes per pixel column.

Ten years of daily figures are thousands of points to a panel a thousand pixels wide. Drawing
only those in view, reduced to each pixel column's smallest and largest figure, looks the same
(a one-day spike is never averaged away, a gap stays a gap) at a fraction of the cost.
"""

from __future__ import annotations

import numpy as np


def visible_slice(x: np.ndarray, x0: float, x1: float) -> slice:
    """The points of sorted `x` within x0..x1 and one either side, so a line runs to the edges."""
    start = max(int(np.searchsorted(x, x0, "left")) - 1, 0)
    stop = min(int(np.searchsorted(x, x1, "right")) + 1, len(x))
    return slice(start, stop)


def peak_downsample(x: np.ndarray, y: np.ndarray, x0: float, x1: float,
                    columns: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of sorted points reduced to the extremes of each of `columns` pixel columns over x0..x1.

    Each occupied column gives four points: its smallest and largest figure, framed by two
    copies of them, or by NaN breaks where the column holds a gap, so that a line is never drawn
    across a missing figure from or to the next column. A column with no figure at all is a gap.
    `y` may hold one row per series over the same x: all are reduced at once.
    """
    column = np.floor((x - x0) * (columns / (x1 - x0))).astype(np.int64)
    starts = np.flatnonzero(np.diff(column, prepend=column[0] - 1))
    ends = np.append(starts[1:], len(x)) - 1
    gaps = np.logical_or.reduceat(np.isnan(y), starts, axis=-1)
    low = np.fmin.reduceat(y, starts, axis=-1)  # NaN only where the whole column is
    high = np.fmax.reduceat(y, starts, axis=-1)
    xs = np.stack([x[starts], x[starts], x[ends], x[ends]], axis=-1).ravel()
    ys = np.stack([np.where(gaps, np.nan, low), low, high, np.where(gaps, np.nan, high)], axis=-1)
    return xs, ys.reshape(*y.shape[:-1], -1)

"""A series' line, stroked in device pixels.

Qt's raster engine strokes an antialiased 2 px line about five times faster as separate
segments in device pixels (its rasterizer has a path for single thick lines) than as a path,
or than as segments under the plot's data-to-pixel scaling, where both go through its general
stroker: six monthly series spent ~2 ms of a redraw there. `Line` maps its points itself and
draws the segments between finite points (a gap stays a gap) with one drawLines. A series with
more points than two a pixel column (daily figures over years) is first cut to the points in
view and reduced to each column's extremes, so a pan never strokes thousands of segments and no
spike is averaged away. SVG, PDF, printers and exports get pyqtgraph's path, as vectors.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from evcompare.charts.device_cache import device_xy, rasters
from evcompare.charts.sampling import peak_downsample, visible_slice

POINTS_PER_COLUMN = 2  # beyond this many points a pixel column, a line is reduced to its extremes


class Line(pg.PlotCurveItem):
    """A PlotCurveItem (data, pen, bounds, fills between curves) that paints segments in pixels."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._segments = internals.PrimitiveArray(QLineF, 4)  # reused: drawLines reads it in place

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pen = self.opts["pen"]
        opts = self.opts
        plain = (opts["fillLevel"] is None and opts["shadowPen"] is None and not opts["stepMode"]
                 and opts["connect"] in ("finite", "all") and pen.style() == Qt.PenStyle.SolidLine)
        if not (plain and rasters(p) and self._exportOpts is False) or self.xData is None:
            super().paint(p, option, widget)
            return
        to_device = p.transform()
        x, y = self.shown_data(to_device)
        px, py = device_xy(to_device, x, y)
        finite = np.isfinite(px) & np.isfinite(py)
        joined = np.flatnonzero(finite[:-1] & finite[1:])
        if not len(joined):
            return
        self._segments.resize(len(joined))
        ends = self._segments.ndarray()  # x1, y1, x2, y2 of each segment
        ends[:, 0], ends[:, 1] = px[joined], py[joined]
        ends[:, 2], ends[:, 3] = px[joined + 1], py[joined + 1]
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(opts["antialias"]))
        p.setPen(pen)
        p.drawLines(*self._segments.drawargs())
        p.restore()

    def shown_data(self, to_device: QTransform) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) the line passes through: all its points, or, when they are more than two a
        pixel column of the view, those in view reduced to each column's extremes."""
        x, y = self.xData, self.yData
        view = self.viewRect()
        columns = abs(to_device.m11()) * view.width() if view is not None else 0.0
        if not columns or len(x) <= POINTS_PER_COLUMN * columns:
            return x, y
        part = visible_slice(x, view.left(), view.right())
        x, y = x[part], y[part]
        span = columns * (x[-1] - x[0]) / view.width()  # the pixel columns the part spans
        if len(x) < 3 or len(x) <= POINTS_PER_COLUMN * span:
            return x, y
        return peak_downsample(x, y, x[0], x[-1], max(1, int(span)))

"""Axes and ranges: calendar time in UTC for time charts, plain days for the race.

Ranges are computed from the data once per refresh and set once per panel, instead of letting
pyqtgraph auto-range after every setData (which walks every item each time). Ticks and grid
lines are filled rather than stroked (`RectTicks`): the grid is repainted with the whole chart
on every change, and stroking its translucent lines cost more than the rest of the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pyqtgraph as pg
import pyqtgraph.graphicsItems.DateAxisItem as date_axis
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QPen, QPicture, QTransform

from evcompare.charts.device_cache import DeviceImage, rasters

TIME = "time"
DAYS = "days"


TickSpec = tuple[QPen, QPointF, QPointF]


class RectTicks(pg.AxisItem):
    """An axis that fills its straight ticks and grid lines instead of stroking them.

    Qt's raster engine blends a translucent one-pixel line (every grid line) pixel by pixel,
    and a vertical one even as a filled rectangle. Horizontal lines are filled rectangles here;
    vertical ones are one row of device pixels repeated down the view as a texture, which the
    engine blends a whole row at a time: ~10x faster. Both are placed on the device pixels the
    strokes would cover, so the picture is the same.
    """

    _offset: QPointF | None = None  # item to device pixels while recording; None: stroke all
    _recorded_for: tuple[float, ...] | None = None  # the offset's fractions the picture fits
    _played: QPicture | None = None  # the picture last replayed on screen
    _played_count = 0  # how many pictures were: what its pixels are kept for
    _pixels: DeviceImage | None = None  # and its pixels, once it is painted a second time
    _label_html: str | None = None  # the title's rich text as last laid out

    def _updateLabel(self) -> None:
        """pyqtgraph lays out the title's rich text again on every range, pen or style change
        (~40 times per panel while a chart is built): only when its text really changed."""
        html = self.labelString()
        if html != self._label_html:
            self._label_html = html
            self.label.setHtml(html)
        self._adjustSize()
        self.picture = None
        self.update()

    def paint(self, p: QPainter, *args: object) -> None:
        """Record the picture for this painter: fills need a raster device at 1:1 (an SVG, PDF or
        2x export gets the strokes) and the offset of the pixel grid.

        A picture painted again unchanged (the time axis when only values changed) is blitted
        from its pixels: replaying its tick texts cost more than the rest of the axis. A new
        picture is replayed the first time, so an axis that changes every frame (a pan) makes
        no image."""
        moved = p.deviceTransform()
        plain = moved.type().value <= QTransform.TransformationType.TxTranslate.value
        self._offset = QPointF(moved.dx(), moved.dy()) if plain and rasters(p) else None
        recorded_for = () if self._offset is None else (round(moved.dx() % 1, 6), round(moved.dy() % 1, 6))
        if recorded_for != self._recorded_for:
            self._recorded_for = recorded_for
            self.picture = None
        picture = self.picture
        if picture is not None and picture is self._played and self._offset is not None:
            if self._pixels is None:
                self._pixels = DeviceImage()
            self._pixels.draw(p, self.boundingRect(), self._played_count, picture.play)
            return
        super().paint(p, *args)
        self._played = self.picture if self._offset is not None else None
        self._played_count += 1

    def drawPicture(self, p: QPainter, axisSpec: TickSpec, tickSpecs: list[TickSpec],
                    textSpecs: list) -> None:
        offset = self._offset
        if offset is None:
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        lines: list[TickSpec] = []
        columns: dict[tuple[float, float], list[tuple[float, QPen]]] = {}
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # as the strokes were drawn
        for pen, start, end in tickSpecs:
            half = _half_width(pen)  # and the square cap's reach past each end
            if start.x() == end.x() and start.y() != end.y():
                extent = (min(start.y(), end.y()) - half, max(start.y(), end.y()) + half)
                columns.setdefault(extent, []).append((start.x(), pen))
            elif start.y() == end.y() and start.x() != end.x():
                p.fillRect(_pixels(offset, min(start.x(), end.x()) - half, start.y() - half,
                                   max(start.x(), end.x()) + half, start.y() + half), pen.color())
            else:
                lines.append((pen, start, end))
        for (top, bottom), marks in columns.items():
            _fill_columns(p, top, bottom, marks, offset)
        super().drawPicture(p, axisSpec, lines, textSpecs)


def _half_width(pen: QPen) -> float:
    return max(pen.widthF(), 1.0) / 2


def _pixel(value: float) -> int:
    """The device pixel edge Qt rounds a fill's edge to (half up)."""
    return math.floor(value + 0.5)


def _pixels(offset: QPointF, left: float, top: float, right: float, bottom: float) -> QRectF:
    """The item rectangle covering exactly the device pixels a fill of (left, top, right,
    bottom) covers: edges on whole pixels, which a picture then replays without rounding."""
    x0, y0 = _pixel(left + offset.x()), _pixel(top + offset.y())
    x1, y1 = max(x0 + 1, _pixel(right + offset.x())), max(y0 + 1, _pixel(bottom + offset.y()))
    return QRectF(x0 - offset.x(), y0 - offset.y(), x1 - x0, y1 - y0)


def _fill_columns(p: QPainter, top: float, bottom: float, marks: list[tuple[float, QPen]],
                  offset: QPointF) -> None:
    """Vertical lines from `top` to `bottom` at each (x, pen), as one texture-filled rectangle."""
    spans = [_pixels(offset, x - _half_width(pen), top, x + _half_width(pen), bottom) for x, pen in marks]
    area = QRectF(spans[0])
    for span in spans[1:]:
        area = area.united(span)
    row = QImage(round(area.width()), 1, QImage.Format.Format_ARGB32_Premultiplied)
    row.fill(Qt.GlobalColor.transparent)
    painter = QPainter(row)
    for span, (_x, pen) in zip(spans, marks, strict=True):
        painter.fillRect(round(span.left() - area.left()), 0, round(span.width()), 1, pen.color())
    painter.end()
    p.save()
    p.setBrushOrigin(area.topLeft())
    p.fillRect(area, QBrush(row))
    p.restore()


class NumberAxis(RectTicks):
    """Ticks as '500,000': thousands separators, never SI prefixes or exponents."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        step = spacing * scale
        places = max(0, math.ceil(-math.log10(step))) if step > 0 else 0
        return [f"{value * scale:,.{places}f}" for value in values]


class _UtcZoomLevel(date_axis.ZoomLevel):
    """pyqtgraph's zoom level on an axis in UTC. With the offset fixed at 0, pyqtgraph moves
    each day-or-longer tick by 0, but works that 0 out by asking Qt for the local time zone
    at every tick: ~8 ms on the first paint (Qt loads the zone database), and more per pan."""

    def moveTicksToLocalTimeCoords(self, ticks: np.ndarray, spacing: int, skipFactor: int) -> np.ndarray:
        hours = date_axis.HOUR_SPACING
        if self.utcOffset == 0 and (spacing > hours or (spacing == hours and skipFactor > 1)):
            return ticks
        return super().moveTicksToLocalTimeCoords(ticks, spacing, skipFactor)


class DateAxis(RectTicks, pg.DateAxisItem):
    """Calendar ticks for x = UTC epoch seconds.

    Panels with a linked time axis show the same dates at the same width: their ticks and tick
    texts (slow to work out in pyqtgraph) are computed once and shared.
    """

    _font_key = ""
    _utc_levels: dict[float, _UtcZoomLevel] = {}  # pyqtgraph's levels, as UTC ones, for every axis

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation=orientation, utcOffset=0)
        if not DateAxis._utc_levels:
            DateAxis._utc_levels = {spacing: _UtcZoomLevel(level.tickSpecs, level.exampleText)
                                    for spacing, level in self.zoomLevels.items()}
        self.zoomLevels = dict(DateAxis._utc_levels)

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:
        self._font_key = (self.style["tickFont"] or p.font()).key()  # what tick sizes depend on
        return super().generateDrawSpecs(p)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        key = ("values", minVal, maxVal, size, self._font_key, self.utcOffset)
        found = _shared(key, lambda: (super(DateAxis, self).tickValues(minVal, maxVal, size),
                                      self.zoomLevel, self.minSpacing))
        levels, self.zoomLevel, self.minSpacing = found
        return [(spacing, np.array(ticks)) for spacing, ticks in levels]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        key = ("strings", tuple(values), scale, spacing, id(self.zoomLevel), self.utcOffset)
        return list(_shared(key, lambda: super(DateAxis, self).tickStrings(values, scale, spacing)))


_SHARED: dict[tuple, object] = {}
_SHARED_KEPT = 512


def _shared(key: tuple, make: Callable[[], object]) -> object:
    """`make()`'s result, remembered under `key` (forgetting all once there are many)."""
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_KEPT:
            _SHARED.clear()
        found = _SHARED[key] = make()
    return found


def bottom_axis(kind: str) -> pg.AxisItem:
    """A date axis (x = UTC epoch seconds) or a day-count axis for the race."""
    if kind == TIME:
        return DateAxis("bottom")
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

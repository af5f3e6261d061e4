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
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPicture, QTransform

from evcompare.charts.device_cache import DeviceImage, rasters

TIME = "time"
DAYS = "days"


TickSpec = tuple[QPen, QPointF, QPointF]
# pyqtgraph's tick text flags, as ints (combining Qt's flags in Python is slow)
_LEFT_AXIS_TEXT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip)
_BOTTOM_AXIS_TEXT = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip)


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

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:
        """pyqtgraph's specs for a left or bottom axis with computed ticks, worked out with
        plain numbers and each tick text measured once per font: pyqtgraph makes ~80 Point
        objects and lays out every candidate text (~40) again on each new range, most of what
        a value axis costs per change. `test_charts` checks both give the same specs."""
        plain = self.orientation in ("left", "bottom") and not any(self.style["stopAxisAtTick"])
        if not plain or self._tickLevels is not None or self.logMode:
            return super().generateDrawSpecs(p)
        style = self.style
        if style["tickFont"] is not None:
            p.setFont(style["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        view = self.linkedView()
        grid = view is not None and self.grid is not False
        reach = view.mapRectToItem(self, view.boundingRect()) if grid else bounds
        vertical = self.orientation == "left"
        if vertical:  # ticks run left from the view to the axis' right edge
            ends = (bounds.topRight() + QPointF(-1, -1), bounds.bottomRight() + QPointF(-1, 1))
            tick_start, tick_stop, direction = reach.right(), bounds.right(), -1
        else:  # down from the view to the axis' top edge
            ends = (bounds.topLeft() + QPointF(-1, 1), bounds.topRight() + QPointF(1, 1))
            tick_start, tick_stop, direction = reach.top(), bounds.top(), 1
        device = [self.mapToDevice(point) for point in ends]
        if None in device:
            return None
        length = math.dist((device[0].x(), device[0].y()), (device[1].x(), device[1].y()))
        if length == 0:
            return None
        levels = self.tickValues(self.range[0], self.range[1], length)
        low, high = self.range
        extent = bounds.height() if vertical else bounds.width()
        scale = 1.0 if high == low else (-extent if vertical else extent) / (high - low)
        shift = 0.0 if high == low else low * scale - (extent if vertical else 0.0)
        first, last = sorted((low * scale - shift, high * scale - shift))
        positions: list[list[float | None]] = []
        tick_specs: list[TickSpec] = []
        for level, (_spacing, values) in enumerate(levels):
            pen = self._level_pen(level, len(values), length)
            stop = tick_stop
            if self.grid is False:  # a tick, shorter at each level
                stop += style["tickLength"] / (level * 0.5 + 1.0) * direction
            shown = [x if first <= x <= last else None for x in (v * scale - shift for v in values)]
            positions.append(shown)
            for x in shown:
                if x is not None:
                    tick_specs.append((pen, QPointF(tick_start, x), QPointF(stop, x)) if vertical
                                      else (pen, QPointF(x, tick_start), QPointF(x, stop)))
        axis_spec = (self.pen(), *ends)
        if not style["showValues"]:
            return axis_spec, tick_specs, []
        return axis_spec, tick_specs, self._text_specs(p, levels, positions, length, tick_stop)

    def _level_pen(self, level: int, ticks: int, length: float) -> QPen:
        """The tick pen of one level, faded as pyqtgraph fades it (by level, and by density
        when the ticks are grid lines)."""
        alpha = self.style["tickAlpha"]
        if alpha is None:
            alpha = 255 / (level + 1)
            if self.grid is not False:
                alpha *= self.grid / 255.0 * min(max(0.05 * length / (ticks + 1), 0.0), 1.0)
        elif isinstance(alpha, float):
            alpha = min(255, max(0, round(alpha * 255)))
        pen = self.tickPen()
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            pen = QPen(pen)
            colour = QColor(pen.color())
            colour.setAlpha(int(alpha))
            pen.setColor(colour)
        return pen

    def _text_specs(self, p: QPainter, levels: list, positions: list[list[float | None]],
                    length: float, tick_stop: float) -> list:
        """Tick texts level by level until they crowd (pyqtgraph's textFillLimits)."""
        style = self.style
        vertical = self.orientation == "left"
        gap = max(0, style["tickLength"]) + style["tickTextOffset"][0 if vertical else 1]
        fits_left, fits_top, fits_right, fits_bottom = self.boundingRect().getCoords()
        text_size = _text_sizes(p)
        sizes: list[tuple[float, float]] = []
        specs: list = []
        last_size = 0.0
        for level in range(min(len(levels), style["maxTextLevel"] + 1)):
            spacing, values = levels[level]
            strings = self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            if not strings:
                continue
            shown = [(x, text, text_size(text)) for x, text in zip(positions[level], strings, strict=True)
                     if x is not None]
            sizes += [size for _x, _text, size in shown]
            along = sum(h if vertical else w for w, h in sizes)
            across = max((w if vertical else h for w, h in sizes), default=0.0)
            if level > 0 and any(len(specs) >= count and along / length >= limit
                                 for count, limit in style["textFillLimits"]):
                break
            last_size = across
            for x, text, (width, height) in shown:
                if vertical:
                    left, top, flags = tick_stop - gap - width, x - height / 2, _LEFT_AXIS_TEXT
                else:
                    left, top, flags = x - width / 2.0, tick_stop + gap, _BOTTOM_AXIS_TEXT
                if fits_left <= left and left + width <= fits_right and fits_top <= top \
                        and top + height <= fits_bottom:  # inside the axis' box
                    specs.append((QRectF(left, top, width, height), flags, text))
        self._updateMaxTextSize(last_size)
        return specs

    def drawPicture(self, p: QPainter, axisSpec: TickSpec, tickSpecs: list[TickSpec],
                    textSpecs: list) -> None:
        offset = self._offset
        if offset is None:
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        lines: list[TickSpec] = []
        columns: dict[tuple[float, float], list[tuple[float, float, QColor]]] = {}
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # as the strokes were drawn
        dx, dy = offset.x(), offset.y()
        pens: dict[int, tuple[float, QColor]] = {}  # a level's pen: its half width, its colour
        for pen, start, end in tickSpecs:
            known = pens.get(id(pen))
            if known is None:
                known = pens[id(pen)] = (_half_width(pen), pen.color())
            half, colour = known  # the half width: the square cap's reach past each end, too
            x0, y0, x1, y1 = start.x(), start.y(), end.x(), end.y()
            if x0 == x1 and y0 != y1:
                columns.setdefault((min(y0, y1) - half, max(y0, y1) + half), []).append((x0, half, colour))
            elif y0 == y1 and x0 != x1:
                p.fillRect(_pixels(dx, dy, min(x0, x1) - half, y0 - half, max(x0, x1) + half, y0 + half),
                           colour)
            else:
                lines.append((pen, start, end))
        for (top, bottom), marks in columns.items():
            _fill_columns(p, top, bottom, marks, dx, dy)
        super().drawPicture(p, axisSpec, lines, textSpecs)


_TEXT_SIZES: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}
_TEXT_SIZES_KEPT = 4096  # texts per font


def _text_sizes(p: QPainter) -> Callable[[str], tuple[float, float]]:
    """(width, height) pyqtgraph gives a tick text in the painter's font: its bounding box,
    0.8 of its height (the box is a little tall); remembered per font and resolution."""
    known = _TEXT_SIZES.setdefault((p.font().key(), p.device().logicalDpiY()), {})
    if len(known) >= _TEXT_SIZES_KEPT:
        known.clear()

    def size(text: str) -> tuple[float, float]:
        found = known.get(text)
        if found is None:
            box = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            found = known[text] = (box.width(), box.height() * 0.8)
        return found

    return size


def _half_width(pen: QPen) -> float:
    return max(pen.widthF(), 1.0) / 2


def _pixel(value: float) -> int:
    """The device pixel edge Qt rounds a fill's edge to (half up)."""
    return math.floor(value + 0.5)


def _pixels(dx: float, dy: float, left: float, top: float, right: float, bottom: float) -> QRectF:
    """The item rectangle covering exactly the device pixels a fill of (left, top, right,
    bottom) covers, the item being offset by (dx, dy) device pixels: edges on whole pixels,
    which a picture then replays without rounding."""
    x0, y0 = _pixel(left + dx), _pixel(top + dy)
    x1, y1 = max(x0 + 1, _pixel(right + dx)), max(y0 + 1, _pixel(bottom + dy))
    return QRectF(x0 - dx, y0 - dy, x1 - x0, y1 - y0)


def _fill_columns(p: QPainter, top: float, bottom: float, marks: list[tuple[float, float, QColor]],
                  dx: float, dy: float) -> None:
    """Vertical lines from `top` to `bottom` at each (x, half width, colour), as one texture-filled
    rectangle, the item being offset by (dx, dy) device pixels. Each line covers the device
    pixels its fill would (see `_pixels`): worked out in whole pixels, as a row of the texture."""
    y0 = _pixel(top + dy)
    y1 = max(y0 + 1, _pixel(bottom + dy))
    spans = []
    for x, half, colour in marks:
        x0 = _pixel(x - half + dx)
        spans.append((x0, max(x0 + 1, _pixel(x + half + dx)), colour))
    left, right = min(span[0] for span in spans), max(span[1] for span in spans)
    row = QImage(right - left, 1, QImage.Format.Format_ARGB32_Premultiplied)
    row.fill(Qt.GlobalColor.transparent)
    painter = QPainter(row)
    for x0, x1, colour in spans:
        painter.fillRect(x0 - left, 0, x1 - x0, 1, colour)
    painter.end()
    area = QRectF(left - dx, y0 - dy, right - left, y1 - y0)
    p.save()
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # on whole pixels: the same, faster
    p.setBrushOrigin(area.topLeft())
    p.fillRect(area, QBrush(row))
    p.restore()


class NumberAxis(RectTicks):
    """Ticks as '500,000': thousands separators, never SI prefixes or exponents.

    Ticks for a range and length are worked out once for every axis: panels sharing a value
    scale show the same ones, and switching back to a metric shows its range again
    (pyqtgraph's are numpy work per level, ~0.3 ms an axis)."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        key = ("numbers", minVal, maxVal, size, self.scale, self.logMode, repr(self._tickSpacing),
               self.style["maxTickLevel"])
        levels = _shared(key, lambda: super(NumberAxis, self).tickValues(minVal, maxVal, size))
        return [(spacing, list(values)) for spacing, values in levels]

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
        """What pyqtgraph's date axis does first (RectTicks works out the rest): its zoom levels
        are measured with the painter's font."""
        if self.style["tickFont"] is not None:
            p.setFont(self.style["tickFont"])
        self.fontMetrics = p.fontMetrics()
        self._font_key = p.font().key()  # what tick sizes depend on
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

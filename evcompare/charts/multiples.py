"""Many small multiples as one graphics item that draws every panel itself.

A pyqtgraph panel costs four axes, a view and a menu (~11 ms), and an entity's series items
another ~7 ms: a hundred brands of ten years' daily figures took seconds to show and ~0.5 s a
pan frame, each frame re-rendering two hundred axes. `MultiplesCanvas` draws the same cells
with QPainter: a frame, the entity's name, a compact value scale, dates under the bottom cell
of each column, the milestone lines, and each series clipped to the one shared time window and
peak-downsampled to two points per pixel column (`peak_downsample`: a one-day spike is never
averaged away, and a gap stays a gap). Titles and value scales are laid out once per size; a
pan recomputes only the mapped paths (numpy) and the dates.

Points keep their honest symbols as `ChartSeries` draws them (qualifier, the user's own figure,
a ring where sources disagree) whenever a cell shows few enough points to tell them apart; a
long or crowded series marks only its figures that are not exact, or are the user's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseClickEvent, MouseDragEvent
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QRegion,
)
from PySide6.QtWidgets import QGraphicsSceneWheelEvent, QMenu, QSizePolicy

from evcompare.charts import axes
from evcompare.charts.data import EntityRows
from evcompare.charts.panels import grid_columns
from evcompare.charts.sampling import peak_downsample, visible_slice
from evcompare.charts.series import LONG_SERIES, USER_EXTRA_PX, SeriesContext, point_tooltip, user_pen_brush
from evcompare.ui.theming import Theme, point_pen_brush

POINT_PX = 6  # a cell marks every point only while it has at least this many pixels per point
HOVER_PX = 6.0  # how near the pointer must be to a point to show its tooltip or click it
CELL_GAP_PX = 10.0  # between cells, left and right of a plot and under it
DATE_ROW = 1.6  # text lines under the bottom cells: the dates clear the scale's lowest label
WHEEL_STEP = 1.02  # zoom per 1/8 degree of wheel turn, as a pyqtgraph view zooms


def _within(indices: np.ndarray, part: slice) -> np.ndarray:
    """The sorted `indices` inside `part`."""
    if not len(indices):
        return indices
    return indices[np.searchsorted(indices, part.start):np.searchsorted(indices, part.stop)]


@dataclass(frozen=True)
class Cell:
    """One panel of the canvas: the entity it draws, its name, colour and milestone lines."""

    entity: str
    title: str
    colour: str  # the entity's colour, readable on the theme's background
    rows: EntityRows  # x sorted (a time chart's periods in order)
    context: SeriesContext  # what the tooltips say besides the figure
    milestones: tuple[tuple[str, float, str], ...] = ()  # (id, x, colour) of each line to draw


@dataclass(eq=False)  # one layout is the same object: the cached image of its texts says which
class _Geometry:
    """Where everything but the data goes, for one size, set of cells and theme."""

    font: QFont
    metrics: QFontMetricsF
    gutter: float  # the value scale's width, left of each plot
    caption: QPointF  # the value title's baseline
    plots: list[QRectF]  # each cell's plotting area
    titles: list[tuple[QPointF, str]]  # each cell's name (elided to fit) and its baseline
    y_ticks: list[list[tuple[float, str]]]  # each cell's scale: (pixel y, label; '' for a line only)
    dated: list[bool]  # the cells with dates under them (the bottom one of each column)
    empty: list[bool]  # the cells with no figure at all: no scale, a note instead


@dataclass
class _Group:
    """Cells over the same x (the same periods): sliced and downsampled together."""

    x: np.ndarray
    cells: list[int]
    y: np.ndarray  # one row per cell


@dataclass(frozen=True)
class _Points:
    """Which of a cell's rows can get a symbol (finite), must get one even in a crowded cell
    (not exact, or the user's), and get a ring (their sources disagree): sorted row indices."""

    finite: np.ndarray
    notable: np.ndarray
    disputed: np.ndarray

    @classmethod
    def of(cls, rows: EntityRows) -> _Points:
        finite = np.isfinite(rows.y)
        user = rows.user if rows.user is not None else False
        return cls(np.flatnonzero(finite), np.flatnonzero(finite & ((rows.qualifiers != "exact") | user)),
                   np.flatnonzero(finite & rows.disputed))


@dataclass
class _Drawn:
    """A cell's part of a frame: what its line passes through, which points get a symbol or a ring."""

    x: np.ndarray  # what the line passes through (data units, after downsampling)
    y: np.ndarray
    marked: np.ndarray  # row indices drawn with a symbol
    rings: np.ndarray  # row indices ringed: their sources disagree


@dataclass
class _Frame:
    """Everything that moves with the time window."""

    drawn: list[_Drawn]
    # The lines of all cells as one path a colour; downsampled ones are thin and all inside
    # their plots, the others are clipped to them: (colour, downsampled, path).
    lines: list[tuple[str, bool, QPainterPath]]
    dates: list[tuple[float, str]]  # (pixels right of a plot's left edge, text) under the bottom cells
    grid: list[float]  # the same offsets of the vertical grid lines
    milestones: list[list[tuple[str, float, str]]]  # each cell's (id, x, colour) in the window


class MultiplesCanvas(pg.GraphicsWidget):
    """Every small multiple in one item: cells in a near-square grid sharing one time window.

    Each cell's value scale is its own range over ALL its figures (not just those in view), so
    it stays put while panning; with `shared_y` every cell has the union of them. Left-drag pans
    and the wheel zooms the time axis of all cells together (never the values).
    """

    xRangeChanged = Signal(float, float)  # the window moved (by the user or by `set_window`)
    pointClicked = Signal(str, str)  # entity, period

    def __init__(self, theme: Theme, actions: list[QAction] | None = None) -> None:
        super().__init__()
        self.theme = theme
        self.menu_actions = actions if actions is not None else []  # the right-click menu's (shared list)
        self.cells: list[Cell] = []
        self.window = (0.0, 1.0)
        self.value_title = ""
        self._y_ranges: list[tuple[float, float]] = []
        self._groups: list[_Group] = []
        self._points: list[_Points] = []
        self._previews: dict[str, float] = {}  # milestone id -> x while a timeline drags it
        self._highlight: tuple[int, int] | None = None  # (cell, row index) ringed
        self._tip_for: tuple[int, int] | None = None
        self._geometry: _Geometry | None = None
        self._frame: _Frame | None = None
        self._menu: QMenu | None = None
        self._layer: tuple[tuple, QImage] | None = None  # (what it was made for, the image)
        self._date_axis = axes.DateAxis("bottom")  # picks and writes the dates; never shown
        self._number_axis = axes.NumberAxis("left")  # picks and writes the value scale
        self._number_axis.setStyle(maxTickLevel=0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSizeF(100, 100))
        self.setAcceptHoverEvents(True)

    # --- data ------------------------------------------------------------------------------

    def set_data(self, cells: list[Cell], window: tuple[float, float], shared_y: bool, value_title: str,
                 theme: Theme) -> None:
        """Draw `cells` over the time `window` (epoch seconds); `shared_y`: one value range for all."""
        self.cells = list(cells)
        self.theme = theme
        self.value_title = value_title
        self._y_ranges = [axes.value_range([cell.rows.y]) for cell in cells]
        if shared_y and cells:
            self._y_ranges = [axes.union(self._y_ranges)] * len(cells)
        self._points = [_Points.of(cell.rows) for cell in cells]
        self._groups = []
        for index, cell in enumerate(cells):
            x = cell.rows.x
            group = next((g for g in self._groups if g.x is x or (
                len(g.x) == len(x) and np.array_equal(g.x, x))), None)
            if group is None:
                group = _Group(x, [], np.empty(0))
                self._groups.append(group)
            group.cells.append(index)
        for group in self._groups:
            group.y = np.vstack([cells[i].rows.y for i in group.cells])
        self._highlight = self._tip_for = None
        self._previews.clear()
        self._geometry = self._frame = None
        self.update()
        self.set_window(*window)

    def set_window(self, x0: float, x1: float) -> None:
        """Show x0..x1 in every cell (and say so with `xRangeChanged`)."""
        if not x1 > x0:
            return
        if (x0, x1) != self.window:
            self.window = (x0, x1)
            self._frame = None
            self.update()
            self.xRangeChanged.emit(x0, x1)

    def has_milestones(self) -> bool:
        return any(cell.milestones for cell in self.cells)

    def preview_milestone(self, ident: str, x: float) -> None:
        """Draw a milestone's line at x while it is dragged elsewhere (NaN: where it is stored)."""
        if math.isnan(x):
            self._previews.pop(ident, None)
        else:
            self._previews[ident] = x
        self._frame = None
        self.update()

    # --- what is drawn (for the chart's selection and for tests) ---------------------------

    def cell_names(self) -> list[str]:
        return [cell.title for cell in self.cells]

    def cell_points(self, entity: str) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) the entity's line passes through in the current window, after downsampling
        (data units; NaN where the line is broken)."""
        drawn = self._drawn()[self._index(entity)]
        return drawn.x, drawn.y

    def cell_milestones(self, entity: str) -> list[str]:
        """The ids of the milestone lines drawn in the entity's cell (those in the window)."""
        return [ident for ident, _x, _colour in self._frame_now().milestones[self._index(entity)]]

    def cell_symbols(self, entity: str) -> dict[str, str]:
        """The period and pyqtgraph symbol name of each point drawn with a symbol."""
        index = self._index(entity)
        rows = self.cells[index].rows
        return {rows.periods[i]: self._style(index, i)[0] for i in self._drawn()[index].marked}

    def point_position(self, entity: str, period: str) -> QPointF | None:
        """Where a figure is drawn (item coordinates), None when it is a gap or not in view."""
        index = self._index(entity)
        at = self.cells[index].rows.index(period)
        if at is None:
            return None
        point = self._map(index, at)
        inside = point is not None and self._geometry_now().plots[index].contains(point)
        return point if inside else None

    def tooltip_at(self, pos: QPointF) -> str:
        """What hovering at `pos` shows: the nearest point's value, qualifier and sources, or ''."""
        found = self.point_at(pos)
        if found is None:
            return ""
        cell = self.cells[found[0]]
        return point_tooltip(cell.context, cell.rows.periods[found[1]], cell.rows.figures[found[1]])

    def point_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(cell, row index) of the drawn point within HOVER_PX of `pos`, nearest first."""
        geometry = self._geometry_now()
        index = next((i for i, plot in enumerate(geometry.plots)
                      if plot.adjusted(-HOVER_PX, -HOVER_PX, HOVER_PX, HOVER_PX).contains(pos)), None)
        if index is None:
            return None
        rows = self.cells[index].rows
        plot = geometry.plots[index]
        x0, x1 = self.window
        per_px = (x1 - x0) / plot.width()
        near = slice(int(np.searchsorted(rows.x, self._x_at(plot, pos.x() - HOVER_PX), "left")),
                     int(np.searchsorted(rows.x, self._x_at(plot, pos.x() + HOVER_PX), "right")))
        candidates = np.arange(len(rows.x))[near]
        px = plot.left() + (rows.x[near] - x0) / per_px
        py = self._y_pixels(index, rows.y[near])
        with np.errstate(invalid="ignore"):
            distance = np.hypot(px - pos.x(), py - pos.y())
            close = np.flatnonzero(distance <= HOVER_PX)
        if not len(close):
            return None
        return index, int(candidates[close[np.argmin(distance[close])]])

    # --- selection -------------------------------------------------------------------------

    def highlight(self, entity: str, period: str) -> bool:
        """Ring one point; False (and no ring) when it is not drawn or a gap."""
        index = next((i for i, c in enumerate(self.cells) if c.entity == entity), None)
        at = self.cells[index].rows.index(period) if index is not None else None
        found = (index, at) if at is not None and math.isfinite(self.cells[index].rows.y[at]) else None
        if found != self._highlight:
            self._highlight = found
            self.update()
        return found is not None

    def highlighted(self) -> tuple[str, float, float] | None:
        if self._highlight is None:
            return None
        index, at = self._highlight
        rows = self.cells[index].rows
        return self.cells[index].entity, float(rows.x[at]), float(rows.y[at])

    # --- layout ----------------------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._geometry = None
        self._frame = None

    def _geometry_now(self) -> _Geometry:
        if self._geometry is None:
            self._geometry = self._lay_out()
        return self._geometry

    def _lay_out(self) -> _Geometry:
        """Cells in a grid of equal cells: a title row, a value scale left of the plot, and a
        row of dates under the lowest cell of each column."""
        font = QFont()
        font.setPointSize(self.theme.font_pt)
        metrics = QFontMetricsF(font)
        line = metrics.height()
        bounds = self.rect()
        count = len(self.cells)
        columns = grid_columns(max(count, 1))
        rows = math.ceil(count / columns) if count else 1
        caption_h = line + 2 if self.value_title else 0.0
        width = (bounds.width() - CELL_GAP_PX) / columns
        height = (bounds.height() - caption_h - DATE_ROW * line) / rows
        plot_h = max(10.0, round(height - line - 3 - CELL_GAP_PX))
        empty = [not len(points.finite) for points in self._points]
        scales = [[] if empty[i] else self._scale(i, plot_h) for i in range(count)]
        gutter = max((metrics.horizontalAdvance(text) for scale in scales for _v, text in scale),
                     default=0.0) + 6
        plots, titles, y_ticks = [], [], []
        for i, cell in enumerate(self.cells):
            row, column = divmod(i, columns)
            left = bounds.left() + column * width
            top = bounds.top() + caption_h + row * height
            plot = QRectF(round(left + gutter), round(top + line + 3),
                          max(10.0, round(width - gutter - CELL_GAP_PX)), plot_h)
            plots.append(plot)
            title = metrics.elidedText(cell.title, Qt.TextElideMode.ElideRight, plot.right() - left)
            titles.append((QPointF(left + 2, top + metrics.ascent() + 1), title))
            pixels = _to_pixels(plot, self._y_ranges[i], np.array([v for v, _text in scales[i]]))
            y_ticks.append(_thin_labels([(float(y), text) for y, (_v, text) in zip(pixels, scales[i],
                                                                                   strict=True)], line))
        dated = [i + columns >= count for i in range(count)]
        return _Geometry(font, metrics, gutter, QPointF(bounds.left() + 2, bounds.top() + metrics.ascent()),
                         plots, titles, y_ticks, dated, empty)

    def _scale(self, index: int, height: float) -> list[tuple[float, str]]:
        """(value, label) of a cell's value scale: the major ticks of a nice range."""
        low, high = self._y_ranges[index]
        levels = self._number_axis.tickValues(low, high, height)
        if not levels:
            return []
        spacing, values = levels[0]
        values = [v for v in values if low <= v <= high]
        return list(zip(values, self._number_axis.tickStrings(values, 1.0, spacing), strict=True))

    # --- the window's frame ----------------------------------------------------------------

    def _drawn(self) -> list[_Drawn]:
        return self._frame_now().drawn

    def _frame_now(self) -> _Frame:
        if self._frame is None:
            self._frame = self._compute_frame()
        return self._frame

    def _compute_frame(self) -> _Frame:
        geometry = self._geometry_now()
        x0, x1 = self.window
        drawn: dict[int, _Drawn] = {}
        lines: dict[tuple[str, bool], list[tuple[np.ndarray, np.ndarray]]] = {}
        for group in self._groups:
            self._draw_group(group, geometry.plots, drawn, lines)
        paths = [(colour, downsampled, pg.arrayToQPath(np.concatenate([px for px, _py in parts]),
                                                       np.concatenate([py for _px, py in parts]),
                                                       connect="finite"))
                 for (colour, downsampled), parts in lines.items()]
        dates, grid = self._dates(x0, x1, geometry) if geometry.plots else ([], [])
        milestones = []
        for cell in self.cells:
            marks = [(ident, self._previews.get(ident, x), colour) for ident, x, colour in cell.milestones]
            milestones.append([mark for mark in marks if x0 <= mark[1] <= x1])
        return _Frame([drawn[i] for i in range(len(self.cells))], paths, dates, grid, milestones)

    def _draw_group(self, group: _Group, plots: list[QRectF], drawn: dict[int, _Drawn],
                    lines: dict[tuple[str, bool], list[tuple[np.ndarray, np.ndarray]]]) -> None:
        """The group's visible figures, downsampled when there are more than two a pixel column;
        which of them get a symbol or a ring; their lines in pixels, added to `lines` by colour
        (each cell's ended by a NaN break)."""
        x0, x1 = self.window
        width = plots[group.cells[0]].width()  # every plot is as wide
        part = visible_slice(group.x, x0, x1)
        downsampled = part.stop - part.start > 2 * width
        if downsampled:  # only what is inside: a line then never leaves its plot
            inner = slice(part.start + (group.x[part.start] < x0), part.stop - (group.x[part.stop - 1] > x1))
            x, ys = peak_downsample(group.x[inner], group.y[:, inner], x0, x1, max(1, int(width)))
        else:
            x, ys = group.x[part], group.y[:, part]
        frames = [plots[i] for i in group.cells]
        lefts, bottoms, heights = (np.array([[f(plot)] for plot in frames])
                                   for f in (QRectF.left, QRectF.bottom, QRectF.height))
        lows, highs = np.array([self._y_ranges[i] for i in group.cells]).T[:, :, None]
        breaks = np.full((len(frames), 1), np.nan)
        px = np.hstack([lefts + (x - x0) * (width / (x1 - x0)), breaks])
        py = np.hstack([_y_to_pixels(bottoms, heights, lows, highs, ys), breaks])
        crowded = len(group.x) > LONG_SERIES or part.stop - part.start > width / POINT_PX
        for k, index in enumerate(group.cells):
            cell = self.cells[index]
            points = self._points[index]
            marked = _within(points.notable if crowded else points.finite, part)
            drawn[index] = _Drawn(x, ys[k], marked, _within(points.disputed, part))
            lines.setdefault((cell.colour, downsampled), []).append((px[k], py[k]))

    def _dates(self, x0: float, x1: float,
               geometry: _Geometry) -> tuple[list[tuple[float, str]], list[float]]:
        """The dates written under a plot, coarsest level first as the date axis writes them
        (years, then months) while they fit, and where the coarsest level's grid lines go."""
        axis = self._date_axis
        metrics = geometry.metrics
        axis.fontMetrics = metrics
        axis._font_key = geometry.font.key()  # what its cached tick choice depends on
        width = geometry.plots[0].width()
        slack = (CELL_GAP_PX + geometry.gutter) / 2  # how far a date may reach past its plot
        scale = width / (x1 - x0)
        placed: list[tuple[float, str, float]] = []  # (offset, text, half its width)
        grid: list[float] | None = None
        for spacing, values in axis.tickValues(x0, x1, width):
            shown = [v for v in values if x0 <= v <= x1]
            level = [((v - x0) * scale, text, metrics.horizontalAdvance(text) / 2 + 4)
                     for v, text in zip(shown, axis.tickStrings(shown, 1.0, spacing), strict=True)]
            if grid is None:
                grid = [offset for offset, _text, _half in level]
            level = [t for t in level if t[2] - slack <= t[0] <= width + slack - t[2]
                     and all(abs(t[0] - other[0]) > 1 for other in placed)]
            ordered = sorted(placed + level)
            if any(b[0] - a[0] < a[2] + b[2] for a, b in zip(ordered, ordered[1:], strict=False)):
                break
            placed = ordered
        return [(offset, text) for offset, text, _half in placed], grid or []

    # --- mapping ---------------------------------------------------------------------------

    def _index(self, entity: str) -> int:
        return next(i for i, cell in enumerate(self.cells) if cell.entity == entity)

    def _y_pixels(self, index: int, y: np.ndarray) -> np.ndarray:
        return _to_pixels(self._geometry_now().plots[index], self._y_ranges[index], y)

    def _x_at(self, plot: QRectF, px: float) -> float:
        x0, x1 = self.window
        return x0 + (px - plot.left()) * (x1 - x0) / plot.width()

    def _map(self, index: int, at: int) -> QPointF | None:
        rows = self.cells[index].rows
        if not math.isfinite(rows.y[at]):
            return None
        plot = self._geometry_now().plots[index]
        x0, x1 = self.window
        return QPointF(plot.left() + (rows.x[at] - x0) * plot.width() / (x1 - x0),
                       float(self._y_pixels(index, rows.y[at:at + 1])[0]))

    def _style(self, index: int, at: int) -> tuple[str, QPen, object, int]:
        """(symbol, pen, brush, size) of a point, as `ChartSeries` draws it."""
        cell = self.cells[index]
        rows = cell.rows
        mine = rows.user is not None and bool(rows.user[at])
        style = (user_pen_brush if mine else point_pen_brush)(rows.qualifiers[at], cell.colour, self.theme)
        return (*style, self.theme.marker_size + (USER_EXTRA_PX if mine else 0))

    # --- painting --------------------------------------------------------------------------

    def paint(self, p: QPainter, *args: object) -> None:
        if not self.cells:
            return
        geometry = self._geometry_now()
        frame = self._frame_now()
        theme = self.theme
        p.setFont(geometry.font)
        if not self._blit_layer(p, geometry):
            self._paint_layer(p, geometry)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        grid = _grid_colour(theme)
        for plot in geometry.plots:
            for offset in frame.grid:
                p.fillRect(QRectF(round(plot.left() + offset), plot.top(), 1, plot.height()), grid)
        self._paint_dates(p, geometry, frame)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for index, plot in enumerate(geometry.plots):
            self._paint_milestones(p, plot, frame.milestones[index])
        self._paint_lines(p, geometry, frame)
        for index, plot in enumerate(geometry.plots):
            self._paint_points(p, index, plot, frame.drawn[index])
        if self._highlight is not None:
            point = self._map(*self._highlight)
            if point is not None and geometry.plots[self._highlight[0]].contains(point):
                self._symbol(p, point, "o", _pen(theme.accent, 3.0), Qt.BrushStyle.NoBrush,
                             theme.marker_size + 12)

    def _blit_layer(self, p: QPainter, geometry: _Geometry) -> bool:
        """Draw what stays put while panning from an image made once per layout: ~400 texts
        are a third of a frame. Only onto a raster device with no rotation or shear, placed on
        the same device pixels (False: paint it directly, as for an SVG or PDF)."""
        moved = p.deviceTransform()
        scale = moved.m11()
        if (p.paintEngine().type() != QPaintEngine.Type.Raster or moved.m12() or moved.m21()
                or moved.m22() != scale or scale <= 0):
            return False
        bounds = self.rect()
        origin = moved.map(bounds.topLeft())
        shift = QPointF(origin.x() % 1, origin.y() % 1)  # of the pixel grid, in device pixels
        key = (geometry, scale, round(shift.x(), 3), round(shift.y(), 3))
        if self._layer is None or self._layer[0] != key:
            image = QImage(math.ceil(bounds.width() * scale) + 1, math.ceil(bounds.height() * scale) + 1,
                           QImage.Format.Format_RGB32)
            image.fill(QColor(self.theme.plot_background))
            painter = QPainter(image)
            painter.translate(shift)
            painter.scale(scale, scale)
            painter.translate(-bounds.topLeft())
            painter.setFont(geometry.font)
            self._paint_layer(painter, geometry)
            painter.end()
            image.setDevicePixelRatio(scale)
            self._layer = (key, image)
        p.drawImage(bounds.topLeft() - shift / scale, self._layer[1])
        return True

    def _paint_layer(self, p: QPainter, geometry: _Geometry) -> None:
        """The value title, each cell's frame, value scale and name."""
        theme = self.theme
        metrics = geometry.metrics
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        grid = _grid_colour(theme)
        p.setPen(QColor(theme.grid))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for index, plot in enumerate(geometry.plots):
            for y, _text in geometry.y_ticks[index]:
                p.fillRect(QRectF(plot.left(), round(y), plot.width(), 1), grid)
            p.drawRect(plot)
        if self.value_title:
            p.setPen(QColor(theme.text_muted))
            p.drawText(geometry.caption, self.value_title)
        p.setPen(QColor(theme.plot_foreground))
        for at, title in geometry.titles:
            p.drawText(at, title)
        p.setPen(QColor(theme.text_muted))
        middle = metrics.ascent() / 2 - 1  # from a label's baseline to its middle, on its tick
        nothing = self.tr("No figures")
        for index, plot in enumerate(geometry.plots):
            highest = plot.top() + metrics.ascent() - 2  # any higher would touch the cell's name
            for y, text in geometry.y_ticks[index]:
                if text:
                    baseline = max(y + middle, highest)
                    p.drawText(QPointF(plot.left() - 4 - metrics.horizontalAdvance(text), baseline), text)
            if geometry.empty[index]:
                p.drawText(plot, Qt.AlignmentFlag.AlignCenter, nothing)

    def _paint_dates(self, p: QPainter, geometry: _Geometry, frame: _Frame) -> None:
        """The dates under the lowest cell of each column."""
        metrics = geometry.metrics
        p.setPen(QColor(self.theme.text_muted))
        texts = [(offset - metrics.horizontalAdvance(text) / 2, text) for offset, text in frame.dates]
        for index, plot in enumerate(geometry.plots):
            if geometry.dated[index]:
                base = plot.bottom() + (DATE_ROW - 1) * metrics.height() + metrics.ascent()
                for offset, text in texts:
                    p.drawText(QPointF(plot.left() + offset, base), text)

    def _paint_milestones(self, p: QPainter, plot: QRectF, lines: list[tuple[str, float, str]]) -> None:
        if not lines:
            return
        x0, x1 = self.window
        scale = plot.width() / (x1 - x0)
        for _ident, x, colour in lines:
            p.setPen(_milestone_pen(colour))
            px = plot.left() + (x - x0) * scale
            p.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()))

    def _paint_lines(self, p: QPainter, geometry: _Geometry, frame: _Frame) -> None:
        """Every cell's line, one path a colour: thin where downsampled (a column of extremes
        reads as a band), clipped to the plots where a line runs on to a point out of view."""
        clip = QRegion()
        if not all(downsampled for _colour, downsampled, _path in frame.lines):
            for plot in geometry.plots:
                clip += plot.adjusted(-1, -1, 1, 1).toAlignedRect()
        p.setBrush(Qt.BrushStyle.NoBrush)
        for colour, downsampled, path in frame.lines:
            if downsampled:
                p.setClipping(False)
            else:
                p.setClipRegion(clip)
            p.setPen(_pen(colour, 1.0 if downsampled else self.theme.series_pen_width))
            p.drawPath(path)
        p.setClipping(False)

    def _paint_points(self, p: QPainter, index: int, plot: QRectF, drawn: _Drawn) -> None:
        """The cell's symbols and rings."""
        for at in drawn.marked:
            point = self._map(index, at)
            if point is not None and plot.contains(point):
                symbol, pen, brush, size = self._style(index, at)
                self._symbol(p, point, symbol, pen, brush, size)
        ring = _pen(self.theme.plot_foreground, 1.2)
        for at in drawn.rings:
            point = self._map(index, at)
            if point is not None and plot.contains(point):
                self._symbol(p, point, "o", ring, Qt.BrushStyle.NoBrush, self.theme.marker_size + 7)

    @staticmethod
    def _symbol(p: QPainter, at: QPointF, symbol: str, pen: QPen, brush: object, size: float) -> None:
        p.save()
        p.translate(at)
        drawSymbol(p, symbol, size, pen, brush)
        p.restore()

    # --- interaction -----------------------------------------------------------------------

    def hoverEvent(self, event: HoverEvent) -> None:
        found = None if event.isExit() else self.point_at(event.pos())
        if found != self._tip_for:
            self._tip_for = found
            self.setToolTip(self.tooltip_at(event.pos()) if found is not None else "")

    def mouseClickEvent(self, event: MouseClickEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton and self.menu_actions:
            event.accept()
            if self._menu is None:
                self._menu = QMenu()
            self._menu.clear()
            self._menu.addActions(self.menu_actions)
            self._menu.popup(event.screenPos().toPoint())
            return
        found = self.point_at(event.pos()) if event.button() == Qt.MouseButton.LeftButton else None
        if found is None:
            event.ignore()
            return
        event.accept()
        cell = self.cells[found[0]]
        self.pointClicked.emit(cell.entity, cell.rows.periods[found[1]])

    def mouseDragEvent(self, event: MouseDragEvent) -> None:
        """Left-drag moves the time window of every cell with the pointer."""
        if event.button() != Qt.MouseButton.LeftButton or not self.cells:
            event.ignore()
            return
        event.accept()
        width = self._geometry_now().plots[0].width()
        x0, x1 = self.window
        shift = -(event.pos().x() - event.lastPos().x()) * (x1 - x0) / width
        self.set_window(x0 + shift, x1 + shift)

    def wheelEvent(self, event: QGraphicsSceneWheelEvent) -> None:
        """Zoom the time window of every cell about the date under the pointer."""
        plot = next((r for r in self._geometry_now().plots if r.contains(event.pos())), None)
        if plot is None or not event.delta():
            event.ignore()
            return
        event.accept()
        factor = WHEEL_STEP ** (-event.delta() / 8)
        centre = self._x_at(plot, event.pos().x())
        x0, x1 = self.window
        self.set_window(centre + (x0 - centre) * factor, centre + (x1 - centre) * factor)


def _to_pixels(plot: QRectF, y_range: tuple[float, float], y: np.ndarray) -> np.ndarray:
    return _y_to_pixels(plot.bottom(), plot.height(), *y_range, y)


def _y_to_pixels(bottom: float | np.ndarray, height: float | np.ndarray, low: float | np.ndarray,
                 high: float | np.ndarray, y: np.ndarray) -> np.ndarray:
    """Where values `y` go in plots `height` pixels tall over low..high (arrays: one row a plot)."""
    return bottom - (y - low) * (height / (high - low))


def _thin_labels(ticks: list[tuple[float, str]], line: float) -> list[tuple[float, str]]:
    """Label the lowest and highest ticks, and those between with a text line's room; the rest
    are grid lines only ('' label)."""
    shown: list[int] = []
    for k in [0, len(ticks) - 1, *range(1, len(ticks) - 1)] if ticks else []:
        if all(abs(ticks[k][0] - ticks[j][0]) >= line for j in shown):
            shown.append(k)
    return [(y, text if k in shown else "") for k, (y, text) in enumerate(ticks)]


@cache
def _pen(colour: str, width: float) -> QPen:
    return pg.mkPen(colour, width=width)


@cache
def _milestone_pen(colour: str) -> QPen:
    """Thin, dashed and half transparent: a cell is too small for a milestone's label, and
    its lines should not outweigh the figures."""
    shown = QColor(colour)
    shown.setAlphaF(0.55)
    return pg.mkPen(shown, width=1.0, style=Qt.PenStyle.DashLine)


@cache
def _grid_colour(theme: Theme) -> QColor:
    colour = QColor(theme.axis)
    colour.setAlphaF(theme.grid_alpha * 0.6)
    return colour

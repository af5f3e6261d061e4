"""Symbols at points: the part of pyqtgraph's ScatterPlotItem the charts use, at a fraction of its cost.

ScatterPlotItem was a quarter of a chart's redraw: it keeps a record and a style lookup per
point, refills its symbol atlas on every new style, and masks its points against the view on
every paint. `Marks` keeps x, y, each point's data and the index of its style (symbol, size,
pen, brush). On a raster device it blits each style's symbol from an image made once per style
and pixel ratio; onto an SVG, a PDF or a printer, or in export mode, it draws every symbol as a
shape, so exports stay sharp vectors. Hovering shows the points' tips on the view, as
ScatterPlotItem does; clicking emits `sigClicked(item, spots, event)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseClickEvent
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QImage, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from evcompare.charts.device_cache import device_xy, rasters

RECORD = np.dtype([("x", float), ("y", float), ("data", object)])
TIPS_SHOWN = 3  # points whose tips a hover shows at once, as ScatterPlotItem does
MAX_SPRITES = 64  # symbol images an item keeps (a series has a handful a theme)
FAR_PX = 2.0**24  # beyond this many pixels a point is off any screen (and Qt's fixed-point range)

Style = tuple[str, float, QPen, QBrush]  # symbol, size in pixels, pen, brush


def _pen(value: object) -> QPen:
    return value if isinstance(value, QPen) else pg.mkPen(value)


def _brush(value: object) -> QBrush:
    return value if isinstance(value, QBrush) else pg.mkBrush(value)


def _each(value: object) -> bool:
    """Whether a style argument gives one value per point (a list, tuple or array)."""
    return isinstance(value, list | tuple | np.ndarray)


def _look(style: Style) -> tuple:
    """What a style's symbol image depends on, as a key (QPen and QBrush cannot be hashed)."""
    symbol, size, pen, brush = style
    return (symbol, size, pen.color().rgba(), pen.widthF(), pen.style(), brush.color().rgba(), brush.style())


@dataclass(frozen=True)
class Spot:
    """One drawn point, read the way pyqtgraph's SpotItem is."""

    item: Marks
    index: int

    def pos(self) -> QPointF:
        record = self.item.data[self.index]
        return QPointF(float(record["x"]), float(record["y"]))

    def data(self) -> object:
        return self.item.data[self.index]["data"]

    def style(self) -> Style:
        return self.item.style_of(self.index)

    def symbol(self) -> str:
        return self.style()[0]

    def size(self) -> float:
        return self.style()[1]

    def pen(self) -> QPen:
        return self.style()[2]

    def brush(self) -> QBrush:
        return self.style()[3]


class Marks(pg.GraphicsObject):
    """Symbols of a few styles at points of a plot, sized in pixels."""

    sigClicked = Signal(object, object, object)  # this item, the clicked spots, the mouse event

    def __init__(self, symbol: str = "o", size: float = 7.0, pen: object = (200, 200, 200),
                 brush: object = (100, 100, 150), tip: Callable[..., str] | None = None,
                 hoverable: bool = False) -> None:
        super().__init__()
        self.opts = {"symbol": symbol, "size": float(size), "pen": _pen(pen), "brush": _brush(brush),
                     "tip": tip, "hoverable": hoverable}
        self.data = np.empty(0, RECORD)
        self._styles: list[Style] = []
        self._style_index = np.empty(0, dtype=np.intp)
        self._looks: list[tuple] = []  # what each style's image depends on
        self._sprites: dict[tuple[tuple, float], QImage] = {}  # (look, pixel ratio) -> image
        self._data_rect = QRectF()
        self._rect: QRectF | None = None
        self._tip_shown = False

    # --- data and style --------------------------------------------------------------------

    def setData(self, x: Sequence[float], y: Sequence[float], data: Sequence[object] | None = None,
                size: float | Sequence[float] | None = None, symbol: str | Sequence[str] | None = None,
                pen: object = None, brush: object = None) -> None:
        """Draw points at (x, y), each with its `data` (what tips and clicks report). A style
        argument is one value for all points or a sequence of one per point; None: the item's own."""
        records = np.empty(len(x), RECORD)
        records["x"] = x
        records["y"] = y
        records["data"] = None if data is None else list(data)
        self.data = records
        given = {"symbol": symbol, "size": size, "pen": pen, "brush": brush}
        columns = {key: self.opts[key] if value is None else value for key, value in given.items()}
        if not any(_each(value) for value in columns.values()):
            self._set_styles([self._style(**columns)], np.zeros(len(records), dtype=np.intp))
        else:
            self._set_per_point(columns, len(records))
        finite = np.isfinite(records["x"]) & np.isfinite(records["y"])
        if finite.any():
            xs, ys = records["x"][finite], records["y"][finite]
            self._data_rect = QRectF(QPointF(xs.min(), ys.min()), QPointF(xs.max(), ys.max()))
        else:
            self._data_rect = QRectF()
        self._moved()

    def _set_per_point(self, columns: dict[str, object], count: int) -> None:
        """Give each point the index of its style, one style per distinct combination."""
        spread = {key: value if _each(value) else [value] * count for key, value in columns.items()}
        pens = [_pen(p) for p in spread["pen"]]
        brushes = [_brush(b) for b in spread["brush"]]
        found: dict[tuple, int] = {}
        styles: list[Style] = []
        index = np.empty(count, dtype=np.intp)
        for i, (symbol, size, pen, brush) in enumerate(zip(spread["symbol"], spread["size"], pens, brushes,
                                                           strict=True)):
            key = (symbol, float(size), id(pen), id(brush))
            if key not in found:
                found[key] = len(styles)
                styles.append((symbol, float(size), pen, brush))
            index[i] = found[key]
        self._set_styles(styles, index)

    @staticmethod
    def _style(symbol: str, size: float, pen: object, brush: object) -> Style:
        return symbol, float(size), _pen(pen), _brush(brush)

    def _set_styles(self, styles: list[Style], index: np.ndarray) -> None:
        self._styles = styles
        self._style_index = index
        self._looks = [_look(style) for style in styles]
        if len(self._sprites) > MAX_SPRITES:  # styles of past themes and metrics
            self._sprites.clear()

    def style_of(self, index: int) -> Style:
        """(symbol, size, pen, brush) of point `index`."""
        return self._styles[self._style_index[index]]

    def _restyle(self, key: str, value: object) -> None:
        """Set one part of the item's style, and of every point's, as ScatterPlotItem's setters do."""
        self.opts[key] = value
        part = ("symbol", "size", "pen", "brush").index(key)
        styles = [(*s[:part], value, *s[part + 1:]) for s in self._styles]
        self._set_styles(styles, self._style_index)  # type: ignore[arg-type]
        self._moved()

    def setPen(self, pen: object) -> None:
        self._restyle("pen", _pen(pen))

    def setBrush(self, brush: object) -> None:
        self._restyle("brush", _brush(brush))

    def setSize(self, size: float) -> None:
        self._restyle("size", float(size))

    def points(self) -> list[Spot]:
        return [Spot(self, i) for i in range(len(self.data))]

    # --- geometry --------------------------------------------------------------------------

    def _moved(self) -> None:
        self._rect = None
        self.prepareGeometryChange()
        self.update()

    def viewTransformChanged(self) -> None:  # the pixel padding, in data units, changed
        self._rect = None
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def _reach_px(self) -> float:
        """How far any symbol reaches from its point, in pixels."""
        return max((size / 2 + pen.widthF() for _symbol, size, pen, _brush in self._styles), default=0.0)

    def boundingRect(self) -> QRectF:
        """The points' extent, widened by the symbols' size in pixels: computed once per change
        (Qt asks several times a frame)."""
        if self._rect is None:
            rect = QRectF(self._data_rect)
            along_x, along_y = self.pixelVectors()
            if len(self.data) and along_x is not None and along_y is not None:
                reach = self._reach_px()
                pad_x, pad_y = reach * abs(along_x.x()), reach * abs(along_y.y())
                rect.adjust(-pad_x, -pad_y, pad_x, pad_y)
            self._rect = rect
        return self._rect

    # --- drawing ---------------------------------------------------------------------------

    def paint(self, p: QPainter, _option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not len(self.data):
            return
        to_device = p.transform()
        x, y = self.data["x"], self.data["y"]
        px, py = device_xy(to_device, x, y)
        with np.errstate(invalid="ignore"):
            shown = np.flatnonzero((np.abs(px) < FAR_PX) & (np.abs(py) < FAR_PX))
        p.save()
        p.resetTransform()
        if rasters(p) and self._exportOpts is False:
            self._blit(p, px, py, shown)
        else:
            antialias = self._exportOpts.get("antialias", True) if self._exportOpts else True
            p.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            for i in shown:
                p.resetTransform()
                p.translate(px[i], py[i])
                symbol, size, pen, brush = self.style_of(i)
                drawSymbol(p, symbol, size, pen, brush)
        p.restore()

    def _blit(self, p: QPainter, px: np.ndarray, py: np.ndarray, shown: np.ndarray) -> None:
        """Each shown point's symbol image, centred on it, in the order of the points."""
        ratio = p.device().devicePixelRatioF()
        images = [self._sprite(style, ratio) for style in range(len(self._styles))]
        halves = [image.width() / ratio / 2 for image in images]
        for i, style in zip(shown, self._style_index[shown], strict=True):
            p.drawImage(QPointF(px[i] - halves[style], py[i] - halves[style]), images[style])

    def _sprite(self, style: int, ratio: float) -> QImage:
        """Style `style`'s symbol drawn once, centred on a transparent square, at `ratio` pixels a point."""
        key = (self._looks[style], ratio)
        image = self._sprites.get(key)
        if image is None:
            symbol, size, pen, brush = self._styles[style]
            side = math.ceil((size + max(math.ceil(pen.widthF()), 1)) * ratio)  # as pyqtgraph's atlas
            image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)  # the painter's units are then points, as the pen's
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.translate(side / ratio / 2, side / ratio / 2)
            drawSymbol(painter, symbol, size, pen, brush)
            painter.end()
            self._sprites[key] = image
        return image

    # --- interaction -----------------------------------------------------------------------

    def spots_at(self, pos: QPointF) -> list[Spot]:
        """The points whose symbol covers `pos` (item coordinates), topmost (last drawn) first."""
        if not len(self.data):
            return []
        along_x, along_y = self.pixelVectors()
        if along_x is None or along_y is None or not along_x.x() or not along_y.y():
            return []
        dx = (self.data["x"] - pos.x()) / abs(along_x.x())
        dy = (self.data["y"] - pos.y()) / abs(along_y.y())
        sizes = np.array([style[1] for style in self._styles])[self._style_index]
        with np.errstate(invalid="ignore"):
            inside = np.flatnonzero((np.abs(dx) <= sizes / 2) & (np.abs(dy) <= sizes / 2))
        return [Spot(self, int(i)) for i in inside[::-1]]

    def mouseClickEvent(self, event: MouseClickEvent) -> None:
        spots = self.spots_at(event.pos()) if event.button() == Qt.MouseButton.LeftButton else []
        if not spots:
            event.ignore()
            return
        event.accept()
        self.sigClicked.emit(self, spots, event)

    def hoverEvent(self, event: HoverEvent) -> None:
        """Show the tips of the points under the pointer on the view, as ScatterPlotItem does."""
        view = self.getViewBox()
        tip = self.opts["tip"]
        if not self.opts["hoverable"] or view is None or tip is None:
            return
        spots = [] if event.isExit() else self.spots_at(event.pos())
        if spots:
            texts = [tip(x=s.pos().x(), y=s.pos().y(), data=s.data()) for s in spots[:TIPS_SHOWN]]
            if len(spots) > TIPS_SHOWN:
                texts.append(self.tr("({count} others…)").format(count=len(spots) - TIPS_SHOWN))
            view.setToolTip("\n\n".join(texts))
            self._tip_shown = True
        elif self._tip_shown:
            view.setToolTip("")
            self._tip_shown = False

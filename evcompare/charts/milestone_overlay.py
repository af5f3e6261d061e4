"""Milestones on a time chart: a dashed vertical line per event, coloured by its entity.

All lines of a plot, their category symbols and their labels are one graphics item
(`MilestoneLines`): pyqtgraph re-computes every line or text item's geometry whenever the view
moves, which with ~35 lines a panel cost more than the rest of a redraw. Each milestone has a
`MilestoneMark` saying where its line is, its hover text and whether it is labelled; hovering
near a line thickens it and shows the details. Labels are placed greedily so they never
overlap: the more telling events (launches, then 'N-th vehicle' counts) get a label first, and
a line whose label would collide keeps just its tooltip. Labels sit in pixels at the top of
the view, so a new value range (another metric) leaves the picture of the lines as it was.

A line can be dragged: it snaps to whole days and shows the date while it moves
(`milestoneDragged`, a preview nothing stores), and on release the overlay sends the intent
`milestoneMoved(id, date)`; the window turns it into one undoable command. Charts never change
the milestones themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cache

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseDragEvent
from PySide6.QtCore import QCoreApplication, QLineF, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)

from evcompare.charts.data import DAY, date_text, day_of, epoch_seconds
from evcompare.charts.device_cache import DeviceImage, rasters
from evcompare.charts.labels import category_labels
from evcompare.charts.symbols import category_shape
from evcompare.model.milestones import Milestone
from evcompare.ui.theming import Theme

LABEL_CHARS = 22
LABEL_GAP_PX = 22.0  # a vertical label is one text line wide; keep a line's width between them
LABEL_PAD_PX = 2.0  # around a label's text
HOVER_PX = 4.0  # how near the pointer must be to a line to hover it
SYMBOL_RADIUS = 4.0  # the category symbol at the top of a line, in pixels
LABEL_TOP_PX = 2 * SYMBOL_RADIUS + 6  # a label starts under its line's symbol
_CATEGORY_RANK = {"launch": 0, "production": 1, "financial": 2, "target": 2, "alliance": 3, "corporate": 3}


def _tr(text: str) -> str:
    return QCoreApplication.translate("MilestoneOverlay", text)


@cache
def milestone_x(milestone: Milestone) -> float:
    """Where a milestone sits on a time axis (cached: parsing its date is slow for a redraw)."""
    return epoch_seconds(milestone.timestamp)


def drawn_for(milestone: Milestone, family: set[str], categories: set[str]) -> bool:
    """Whether a panel of `family` (an entity and those below it) draws the milestone: one of
    the shown categories, and not a doubtful one."""
    return milestone.entity in family and milestone.category in categories and not milestone.doubt


def short_title(milestone: Milestone, language: str) -> str:
    title = milestone.title_zh if language == "zh" and milestone.title_zh else milestone.title
    return title if len(title) <= LABEL_CHARS else title[:LABEL_CHARS - 1] + "…"


def milestone_details(milestone: Milestone, entity_label: str) -> str:
    """The hover text: date, entity, title, what it counts and where it comes from."""
    category = category_labels().get(milestone.category, milestone.category)
    lines = [f"{milestone.date} · {entity_label} · {category}", milestone.title]
    if milestone.title_zh:
        lines.append(milestone.title_zh)
    if milestone.units:
        lines.append(_tr("{units} units ({basis})").format(units=f"{milestone.units:,}",
                                                          basis=milestone.basis or _tr("basis not stated")))
    if milestone.description:
        lines.append(milestone.description)
    if milestone.source_title:
        dated = f" ({milestone.source_published})" if milestone.source_published else ""
        lines.append(_tr("Source: {title}").format(title=milestone.source_title + dated))
    return "\n".join(lines)


def _label_rank(milestone: Milestone) -> tuple:
    return (milestone.seed, milestone.units is None, _CATEGORY_RANK.get(milestone.category, 4),
            milestone.date)


@cache
def line_pens(colour: str) -> tuple[QPen, QPen]:
    """(pen, hover pen) of a milestone line in an entity's colour."""
    return pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine), pg.mkPen(colour, width=2.5)


class MilestoneMark:
    """One milestone on a plot: its line's place, colour and hover text, and its label."""

    def __init__(self, milestone: Milestone) -> None:
        self.milestone = milestone
        self.x = milestone_x(milestone)
        self.colour = ""
        self.title = ""
        self.details = ""
        self.visible = False
        self.labelled = False  # given a label by the last placement
        self.dragged_to = ""  # the date a drag shows it at ('' when not dragged)
        self._text_for: tuple = ()  # (milestone, language, entity name) the texts were made for

    def value(self) -> float:
        return self.x

    def toolTip(self) -> str:
        return self.details

    def isVisible(self) -> bool:
        return self.visible

    @property
    def label_text(self) -> str:
        """What its label says: the short title, and while dragged the date it would move to."""
        if self.dragged_to:
            return _tr("{date} · {title}").format(date=self.dragged_to, title=self.title)
        return self.title

    def set_text(self, milestone: Milestone, language: str, entity_label: str) -> None:
        if (milestone, language, entity_label) == self._text_for:
            return
        self._text_for = (milestone, language, entity_label)
        self.milestone, self.x = milestone, milestone_x(milestone)
        self.title = short_title(milestone, language)
        self.details = milestone_details(milestone, entity_label)


class MilestoneLines(pg.GraphicsObject):
    """Every milestone line of one plot, drawn by one item across the whole height of the view.

    A line being dragged (`moving`) is drawn on its own over the picture of the others, so a
    drag step repaints one line, not all of them.
    """

    dragged = Signal(object, float, bool)  # mark, x the pointer dragged it to, whether released

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[MilestoneMark] = []
        self.hovered: MilestoneMark | None = None
        self.moving: MilestoneMark | None = None
        self._grab: tuple[MilestoneMark, float] | None = None  # the dragged mark, its offset from the pointer
        self._xs = np.empty(0)
        self._rect: QRectF | None = None
        self._image = DeviceImage()  # the lines as last drawn, in device pixels
        self.label_colour = QColor("#666666")
        self.font = QFont()
        self._metrics = QFontMetricsF(self.font)
        self.setZValue(-5)

    def set_label_colour(self, colour: str) -> None:
        if QColor(colour) != self.label_colour:
            self.label_colour = QColor(colour)
            self.update()

    def label_size(self, mark: MilestoneMark) -> tuple[float, float]:
        """(length, thickness) in pixels of a mark's label, which reads upwards along its line."""
        return (self._metrics.horizontalAdvance(mark.label_text) + 2 * LABEL_PAD_PX,
                self._metrics.height() + LABEL_PAD_PX)

    def label_rect(self, mark: MilestoneMark) -> QRectF:
        """Where a labelled mark's label is, in scene coordinates (empty when it has none)."""
        view = self.getViewBox()
        if not (mark.labelled or mark is self.moving) or view is None:
            return QRectF()
        top = view.mapViewToScene(QPointF(mark.x, view.viewRange()[1][1]))
        length, thickness = self.label_size(mark)
        return QRectF(round(top.x()) - thickness - 1, top.y() + LABEL_TOP_PX, thickness, length)

    def set_marks(self, marks: list[MilestoneMark]) -> None:
        self.marks = sorted(marks, key=lambda mark: mark.x)
        self._xs = np.array([mark.x for mark in self.marks], dtype=float)
        self._hover(None)
        self.update()

    def set_moving(self, mark: MilestoneMark | None) -> None:
        """Draw `mark` (whose x is being changed) on its own; None when no line moves."""
        self.moving = mark
        self._xs = np.array([m.x for m in self.marks], dtype=float)
        self.update()

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self._rect = None
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            view = self.viewRect()
            self._rect = QRectF() if view is None else QRectF(view)
        return self._rect

    def shape(self) -> QPainterPath:
        """Thin strips around the lines: what hovering and tooltips respond to."""
        path = QPainterPath()
        rect, half = self.boundingRect(), HOVER_PX * self.pixelWidth()
        for x in self._xs:
            path.addRect(QRectF(x - half, rect.top(), 2 * half, rect.height()))
        return path

    def paint(self, painter: QPainter, *args: object) -> None:
        """Draw the lines, on screen from a picture of them kept in device pixels.

        The lines span the view, so they do not change when only the value range does (a new
        metric) and are blitted then; stroking ~35 antialiased dashed lines costs more.
        """
        if not self.marks:
            return
        rect = self.boundingRect()
        to_device = painter.deviceTransform()
        scale = self._pixel_scale(to_device)
        if not rasters(painter):  # SVG, print: keep vectors
            self._stroke(painter, rect, scale)
            return
        marks = tuple((m.x, m.colour, m.milestone.category, m.milestone.status, m.labelled and m.label_text)
                      for m in self.marks if m is not self.moving)
        key = (to_device.dx(), self.label_colour.rgba(), marks, self.hovered)
        self._image.draw(painter, rect, key, lambda cache: self._stroke(cache, rect, scale, skip=self.moving))
        if self.moving is not None:
            self._draw_mark(painter, self.moving, rect, scale, hovered=True)

    def _pixel_scale(self, to_device: QTransform) -> float:
        """Device pixels per scene pixel (2 on a HiDPI screen or a 2x export)."""
        scene = self.sceneTransform().m22()
        return abs(to_device.m22() / scene) if scene else 1.0

    def _stroke(self, painter: QPainter, rect: QRectF, scale: float,
                skip: MilestoneMark | None = None) -> None:
        for mark in self.marks:
            if mark is not skip:
                hovered = mark is self.hovered or mark is self.moving
                self._draw_mark(painter, mark, rect, scale, hovered)

    def _draw_mark(self, painter: QPainter, mark: MilestoneMark, rect: QRectF, scale: float,
                   hovered: bool) -> None:
        """The line across the view and, at its top, in pixels (the same size at any zoom), its
        category's symbol (hollow when planned) and its label reading upwards on its left."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp, on whole pixels
        pen, hover = line_pens(mark.colour)
        painter.setPen(hover if hovered else pen)
        painter.drawLine(QLineF(mark.x, rect.top(), mark.x, rect.bottom()))
        top = painter.transform().map(QPointF(mark.x, rect.bottom()))
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.translate(round(top.x()) + 0.5, top.y())
        painter.scale(scale, scale)
        colour = QColor(mark.colour)
        painter.setPen(QPen(colour, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush if mark.milestone.status == "planned" else colour)
        symbol = category_shape(mark.milestone.category, SYMBOL_RADIUS)
        painter.drawPath(symbol.translated(0, SYMBOL_RADIUS + 2))
        if mark.labelled or mark is self.moving:
            length, thickness = self.label_size(mark)
            painter.rotate(-90)  # x now runs up the screen, y to the right
            painter.setFont(self.font)
            painter.setPen(self.label_colour)
            painter.drawText(QRectF(-LABEL_TOP_PX - length, -thickness - 1, length, thickness),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, mark.label_text)
        painter.restore()

    def nearest(self, x: float) -> MilestoneMark | None:
        """The line within HOVER_PX pixels of `x` (view coordinates), if any."""
        if not len(self._xs):
            return None
        at = int(np.argmin(np.abs(self._xs - x)))
        return self.marks[at] if abs(self._xs[at] - x) <= HOVER_PX * self.pixelWidth() else None

    def hoverEvent(self, event: HoverEvent) -> None:
        mark = None if event.isExit() else self.nearest(event.pos().x())
        if mark is not None:
            event.acceptDrags(Qt.MouseButton.LeftButton)  # a press here drags the line, not the view
        self._hover(mark)

    def _hover(self, mark: MilestoneMark | None) -> None:
        if mark is not self.hovered:
            self.hovered = mark
            self.setToolTip(mark.details + "\n" + _tr("Drag to move it") if mark is not None else "")
            if mark is None:
                self.unsetCursor()
            else:
                self.setCursor(Qt.CursorShape.SizeHorCursor)
            self.update()

    def mouseDragEvent(self, event: MouseDragEvent) -> None:
        """Drag the line pressed on (left button); a press away from every line pans the view."""
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        if event.isStart():
            mark = self.nearest(event.buttonDownPos().x())
            self._grab = None if mark is None else (mark, mark.x - event.buttonDownPos().x())
        if self._grab is None:
            event.ignore()
            return
        event.accept()
        mark, offset = self._grab
        if event.isFinish():
            self._grab = None
        self.dragged.emit(mark, event.pos().x() + offset, event.isFinish())


class MilestoneOverlay(QObject):
    """The milestone lines of one plot."""

    milestoneDragged = Signal(str, float)  # id, the day (x) a line is dragged to; NaN: back (a preview)
    milestoneMoved = Signal(str, str)  # id, the new date 'YYYY-MM-DD' a drag ended on (intent)

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        super().__init__()
        self.plot = plot
        self.theme = theme
        self.lines = MilestoneLines()
        self.lines.dragged.connect(self._on_line_dragged)
        plot.addItem(self.lines, ignoreBounds=True)
        self._marks: dict[str, MilestoneMark] = {}
        self._shown: list[Milestone] = []
        self._ranked: list[MilestoneMark] = []
        self._drawn: list[tuple[Milestone, str]] = []
        self._asked: tuple = ()
        self._placed: tuple = ()
        view = plot.getViewBox()
        view.sigRangeChanged.connect(self.place_labels)
        view.sigResized.connect(self.place_labels)

    def shown(self) -> list[Milestone]:
        return list(self._shown)

    def line(self, ident: str) -> MilestoneMark:
        return self._marks[ident]

    # --- dragging ------------------------------------------------------------------------------

    def drag(self, ident: str, x: float) -> float:
        """Show the milestone's line on the day nearest `x`, with that date in its label, and
        announce it (`milestoneDragged`); returns the snapped x."""
        snapped = day_of(x) * DAY
        if self.preview(ident, snapped):
            self.milestoneDragged.emit(ident, snapped)
        return snapped

    def finish_drag(self, ident: str, x: float) -> None:
        """End a drag at `x`: the line shows the stored date again and, when the day changed,
        the intent `milestoneMoved` asks for the move (the command then redraws the line)."""
        snapped = self.drag(ident, x)
        mark = self._marks.get(ident)
        if mark is None:
            return
        self.preview(ident, math.nan)
        self.milestoneDragged.emit(ident, math.nan)
        if day_of(snapped) != day_of(milestone_x(mark.milestone)):
            self.milestoneMoved.emit(ident, date_text(snapped))

    def preview(self, ident: str, x: float) -> bool:
        """Show a milestone's line at `x` while it is dragged, here or in another view; NaN puts
        it back at its stored date. False when this plot does not show the milestone."""
        mark = self._marks.get(ident)
        if mark is None or not mark.visible:
            return False
        if math.isnan(x):
            mark.x, mark.dragged_to = milestone_x(mark.milestone), ""
            self.lines.set_moving(None)
            self._placed = ()
            self.place_labels()
            return True
        mark.x, mark.dragged_to = x, date_text(x)
        self.lines.set_moving(mark)
        return True

    def _on_line_dragged(self, mark: MilestoneMark, x: float, finished: bool) -> None:
        ident = mark.milestone.id
        if finished:
            self.finish_drag(ident, x)
        else:
            self.drag(ident, x)

    def update(self, milestones: Iterable[Milestone], family: set[str], categories: Iterable[str],
               window: tuple[float, float] | None, colours: dict[str, str], labels: dict[str, str],
               language: str, theme: Theme) -> None:
        """Show the milestones of `family` in `categories` inside `window` (None hides all).

        Only what differs from the last call is touched: this runs on every redraw.
        """
        milestones = tuple(milestones)
        asked = (milestones, frozenset(family), tuple(categories), window, tuple(colours.items()),
                 tuple(labels.items()), language, theme)
        if asked == self._asked:
            return  # the same request as the last redraw (a change of metric, say)
        self._asked = asked
        wanted = set(categories)
        shown = [] if window is None else [
            m for m in milestones
            if drawn_for(m, family, wanted) and window[0] <= milestone_x(m) <= window[1]]
        self.theme = theme
        self.lines.set_label_colour(theme.text_muted)
        marks = []
        for stone in shown:
            mark = self._marks.get(stone.id)
            if mark is None:
                mark = self._marks[stone.id] = MilestoneMark(stone)
            mark.set_text(stone, language, labels.get(stone.entity, stone.entity))
            mark.colour = colours.get(stone.entity, theme.axis)
            marks.append(mark)
        keep = {m.id for m in shown}
        for ident, mark in self._marks.items():
            mark.visible = ident in keep
            mark.labelled = mark.labelled and mark.visible
        drawn = [(mark.milestone, mark.colour) for mark in marks]
        if drawn != self._drawn:
            self._drawn = drawn
            self.lines.set_marks(marks)
        self._shown = shown
        self._ranked = [self._marks[m.id] for m in sorted(shown, key=_label_rank)]
        self.place_labels()

    def place_labels(self) -> None:
        """Give labels to as many lines as fit without overlapping, best events first. Labels
        hang from the top of the view in pixels: only the time range and the width place them."""
        view = self.plot.getViewBox()
        x0, x1 = view.viewRange()[0]
        placing = (x0, x1, view.width(), self._ranked)
        if placing == self._placed:
            return  # called for each linked view and again by the redraw that moved them
        self._placed = placing
        scale = view.width() / (x1 - x0) if x1 > x0 else 0.0
        taken: list[float] = []
        changed = False
        for mark in self._ranked:
            px = mark.x * scale
            labelled = all(abs(px - other) >= LABEL_GAP_PX for other in taken)
            if labelled:
                taken.append(px)
            changed |= labelled != mark.labelled
            mark.labelled = labelled
        if changed:
            self.lines.update()

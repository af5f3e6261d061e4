"""Milestones on a time chart: a dashed vertical line per event, coloured by its entity.

All lines of a plot are one graphics item (`MilestoneLines`): pyqtgraph re-computes every line
item's geometry whenever the view moves, which with ~35 lines a panel cost more than the rest
of a redraw. Each milestone still has a `MilestoneMark` saying where its line is, its hover text
and its label; hovering near a line thickens it and shows the details. Labels are placed
greedily so they never overlap: the more telling events (launches, then 'N-th vehicle' counts)
get a label first, and a line whose label would collide keeps just its tooltip. Lines are
read-only for now; `milestoneMoved` is the intent signal a movable line will send when dragged
(the window turns intents into undoable commands).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent
from PySide6.QtCore import QCoreApplication, QLineF, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPaintEngine, QPainter, QPainterPath, QPen, QTransform

from evcompare.charts.data import epoch_seconds
from evcompare.charts.labels import category_labels
from evcompare.model.milestones import Milestone
from evcompare.ui.theming import Theme

LABEL_CHARS = 22
LABEL_GAP_PX = 22.0  # a vertical label is one text line wide; keep a line's width between them
LABEL_LEVEL = 0.99  # where along the line labels sit (from the bottom: clear of most data)
LABEL_ANCHOR = (1.0, 1.0)  # the label ends at that point, just left of its line
HOVER_PX = 4.0  # how near the pointer must be to a line to hover it
_CATEGORY_RANK = {"launch": 0, "production": 1, "financial": 2, "target": 2, "alliance": 3, "corporate": 3}


def _tr(text: str) -> str:
    return QCoreApplication.translate("MilestoneOverlay", text)


@cache
def milestone_x(milestone: Milestone) -> float:
    """Where a milestone sits on a time axis (cached: parsing its date is slow for a redraw)."""
    return epoch_seconds(milestone.timestamp)


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

    movable = False  # read-only for now (see `MilestoneOverlay.milestoneMoved`)

    def __init__(self, milestone: Milestone) -> None:
        self.milestone = milestone
        self.x = milestone_x(milestone)
        self.colour = ""
        self.label_colour = ""
        self.title = ""
        self.details = ""
        self.visible = False
        self._label: pg.TextItem | None = None
        self._text_for: tuple = ()  # (milestone, language, entity name) the texts were made for

    def value(self) -> float:
        return self.x

    def toolTip(self) -> str:
        return self.details

    def isVisible(self) -> bool:
        return self.visible

    @property
    def label(self) -> pg.TextItem:
        """The title written along the line; made on first use, since most lines never get one."""
        if self._label is None:
            self._label = pg.TextItem(self.title, color=self.label_colour, anchor=LABEL_ANCHOR, angle=90)
            self._label.setZValue(-5)
            self._label.setVisible(False)
        return self._label

    def has_label(self) -> bool:
        return self._label is not None and self._label.isVisible()

    def set_colours(self, line: str, label: str) -> None:
        self.colour = line
        if label != self.label_colour:
            self.label_colour = label
            if self._label is not None:
                self._label.setColor(label)

    def set_text(self, milestone: Milestone, language: str, entity_label: str) -> None:
        if (milestone, language, entity_label) == self._text_for:
            return
        self._text_for = (milestone, language, entity_label)
        self.milestone, self.x = milestone, milestone_x(milestone)
        self.title = short_title(milestone, language)
        self.details = milestone_details(milestone, entity_label)
        if self._label is not None:
            self._label.setText(self.title)


class MilestoneLines(pg.GraphicsObject):
    """Every milestone line of one plot, drawn by one item across the whole height of the view."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[MilestoneMark] = []
        self.hovered: MilestoneMark | None = None
        self._xs = np.empty(0)
        self._rect: QRectF | None = None
        self._image: QImage | None = None  # the lines as last drawn, in device pixels
        self._key: tuple = ()  # what they were drawn for
        self.setZValue(-5)

    def set_marks(self, marks: list[MilestoneMark]) -> None:
        self.marks = sorted(marks, key=lambda mark: mark.x)
        self._xs = np.array([mark.x for mark in self.marks], dtype=float)
        self._hover(None)
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
        if painter.paintEngine().type() != QPaintEngine.Type.Raster:  # SVG, print: keep vectors
            self._stroke(painter, rect)
            return
        to_device = painter.deviceTransform()
        area = to_device.mapRect(rect).toAlignedRect().adjusted(-2, -2, 2, 2)  # and the pens' reach
        key = (area, to_device.m11(), to_device.dx(), [(m.x, m.colour) for m in self.marks], self.hovered)
        if key != self._key or self._image is None:
            self._key = key
            self._image = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
            self._image.fill(Qt.GlobalColor.transparent)
            cache = QPainter(self._image)
            cache.setTransform(to_device * QTransform.fromTranslate(-area.left(), -area.top()))
            self._stroke(cache, rect)
            cache.end()
        # World coordinates that are device pixels: undo what the painter adds after the world
        # transform (the widget's offset in the window, the screen's pixel ratio).
        after_world = painter.worldTransform().inverted()[0] * to_device
        painter.save()
        painter.setWorldTransform(after_world.inverted()[0])
        painter.drawImage(area.topLeft(), self._image)
        painter.restore()

    def _stroke(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp, on whole pixels
        for mark in self.marks:
            pen, hover = line_pens(mark.colour)
            painter.setPen(hover if mark is self.hovered else pen)
            painter.drawLine(QLineF(mark.x, rect.top(), mark.x, rect.bottom()))

    def nearest(self, x: float) -> MilestoneMark | None:
        """The line within HOVER_PX pixels of `x` (view coordinates), if any."""
        if not len(self._xs):
            return None
        at = int(np.argmin(np.abs(self._xs - x)))
        return self.marks[at] if abs(self._xs[at] - x) <= HOVER_PX * self.pixelWidth() else None

    def hoverEvent(self, event: HoverEvent) -> None:
        self._hover(None if event.isExit() else self.nearest(event.pos().x()))

    def _hover(self, mark: MilestoneMark | None) -> None:
        if mark is not self.hovered:
            self.hovered = mark
            self.setToolTip(mark.details if mark is not None else "")
            self.update()


class MilestoneOverlay(QObject):
    """The milestone lines of one plot."""

    milestoneMoved = Signal(str, str)  # id, new date 'YYYY-MM-DD' (intent; lines are not movable yet)

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        super().__init__()
        self.plot = plot
        self.theme = theme
        self.lines = MilestoneLines()
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
            m for m in milestones if m.entity in family and m.category in wanted and not m.doubt
            and window[0] <= milestone_x(m) <= window[1]]
        self.theme = theme
        marks = []
        for stone in shown:
            mark = self._marks.get(stone.id)
            if mark is None:
                mark = self._marks[stone.id] = MilestoneMark(stone)
            mark.set_text(stone, language, labels.get(stone.entity, stone.entity))
            mark.set_colours(colours.get(stone.entity, theme.axis), theme.text_muted)
            marks.append(mark)
        keep = {m.id for m in shown}
        for ident, mark in self._marks.items():
            mark.visible = ident in keep
            if not mark.visible and mark.has_label():
                mark.label.setVisible(False)
        drawn = [(mark.milestone, mark.colour) for mark in marks]
        if drawn != self._drawn:
            self._drawn = drawn
            self.lines.set_marks(marks)
        self._shown = shown
        self._ranked = [self._marks[m.id] for m in sorted(shown, key=_label_rank)]
        self.place_labels()

    def place_labels(self) -> None:
        """Give labels to as many lines as fit without overlapping, best events first."""
        view = self.plot.getViewBox()
        (x0, x1), (y0, y1) = view.viewRange()
        placing = (x0, x1, y0, y1, view.width(), self._ranked)
        if placing == self._placed:
            return  # called for each linked view and again by the redraw that moved them
        self._placed = placing
        scale = view.width() / (x1 - x0) if x1 > x0 else 0.0
        y = y0 + LABEL_LEVEL * (y1 - y0)
        taken: list[float] = []
        for mark in self._ranked:
            px = mark.x * scale
            if all(abs(px - other) >= LABEL_GAP_PX for other in taken):
                taken.append(px)
                label = mark.label
                if label.scene() is None:
                    self.plot.addItem(label, ignoreBounds=True)
                if label.pos().x() != mark.x or label.pos().y() != y:
                    label.setPos(mark.x, y)
                if not label.isVisible():
                    label.setVisible(True)
            elif mark.has_label():
                mark.label.setVisible(False)

"""Graphics items of the timeline: one `MilestoneItem` per milestone, and the label layout.

An item sits in the plot's data coordinates (x = UTC epoch seconds, y = lane row) but draws
in pixels (ItemIgnoresTransformations), so markers and text keep their size at any zoom.
The marker's shape says the category and its colour the entity; a planned event is hollow.
A span, or a date known only to the month, draws a bar over its days.

Items are passive: the view does hit testing and turns mouse drags into the item's drag
calls (`begin_drag`, `drag_to`, `finish_drag`), which snap to whole days, show the date
being dragged to, and emit `signals.dragFinished` once on release. The view turns that into
one undo command.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from evcompare.charts.data import DAY, date_text, day_of, epoch_seconds
from evcompare.charts.symbols import RADIUS, category_shape
from evcompare.model.milestones import Milestone

EDGE_GRIP = 5.0  # pixels either side of a span's ends that resize it instead of moving it
LABEL_GAP = 6.0  # pixels kept free between a label and the next marker in its row
MIN_LABEL = 50.0  # narrower than this, an elided label says nothing: show the marker alone
MAX_ROWS = 3


class ItemStyle:
    """What every item draws with; the view changes it on a theme or font change."""

    def __init__(self, font: QFont, foreground: QColor, background: QColor, highlight: QColor) -> None:
        self.font = font
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(font)
        self.foreground = foreground
        self.background = QColor(background)
        self.halo = QColor(background)
        self.halo.setAlpha(205)
        self.highlight = highlight
        self.dark = background.lightness() < 128  # outline markers lighter, or dark ones vanish
        self.shapes: dict[str, QPainterPath] = {}
        self._widths: dict[str, float] = {}

    def shape(self, category: str) -> QPainterPath:
        if category not in self.shapes:
            self.shapes[category] = category_shape(category)
        return self.shapes[category]

    def width(self, text: str) -> float:
        """Text width in pixels, cached: layout asks for the same titles on every zoom step."""
        if text not in self._widths:
            self._widths[text] = self.metrics.horizontalAdvance(text)
        return self._widths[text]

    @property
    def row_height(self) -> float:
        return self.metrics.height()


class DragSignals(QObject):
    """The drag notifications of every item of one timeline (one QObject, not one per item)."""

    dragged = Signal(object, str, float)  # item, mode ('move', 'start' or 'end'), snapped x
    dragFinished = Signal(object, str, float)  # same; emitted once, on release


class MilestoneItem(QGraphicsPathItem):
    """One milestone on the timeline: its marker, plus a bar, a label and a selection ring
    as child items made only when needed.

    Everything is drawn by Qt's own items, none by Python: a repaint of 1,000 milestones then
    costs no call into Python per item, which keeps zooming and dragging smooth.
    """

    def __init__(self, milestone: Milestone, colour: str, style: ItemStyle, signals: DragSignals) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.signals = signals
        self.style = style
        self.milestone = milestone
        self._set_dates()
        self.colour = QColor(colour)
        self.title = milestone.title
        self.label = ""  # the text shown (the title, elided, or nothing)
        self.label_dy = 0.0  # pixels from the lane centre to the label's row
        self.scale = 0.0  # pixels per second, from the last layout
        self.selected = False
        self.row = 0  # the lane it is drawn in (its y)
        self._drag_mode = ""
        self._drag_text = ""
        self._drag_span: tuple[float, float] | None = None
        self._bar: QGraphicsRectItem | None = None
        self._halo: QGraphicsRectItem | None = None
        self._text_item: QGraphicsSimpleTextItem | None = None
        self._ring: QGraphicsEllipseItem | None = None
        self.restyle()

    # what it shows ---------------------------------------------------------------------------

    def _set_dates(self) -> None:
        """Cache x_start (the marker) and x_end (where the bar ends: after a span's last day,
        or at the end of the month for a date known to the month); layout reads them often."""
        m = self.milestone
        self.x_start = epoch_seconds(m.timestamp)
        if m.end_timestamp is not None:
            self.x_end = epoch_seconds(m.end_timestamp) + DAY
        elif m.date_precision == "month":
            self.x_end = epoch_seconds(m.timestamp + pd.offsets.MonthBegin(1))
        else:
            self.x_end = self.x_start

    def restyle(self) -> None:
        """Draw with the current style, colour, category and status."""
        style = self.style
        self.setPath(style.shape(self.milestone.category))
        planned = self.milestone.status == "planned"
        if planned:
            outline = self.colour
        else:
            outline = self.colour.lighter(170) if style.dark else self.colour.darker(140)
        self.setPen(QPen(outline, 1.6 if planned else 1.0))
        self.setBrush(QBrush(style.background if planned else self.colour))
        if self._ring is not None:
            self._ring.setPen(QPen(style.highlight.darker(160), 3.0))
        self._show_bar()
        self._show_label()

    def set_milestone(self, milestone: Milestone, colour: str, title: str, row: int) -> None:
        """Show a new version of the milestone: moves the item, no new item is made."""
        self.milestone = milestone
        self._set_dates()
        self.colour = QColor(colour)
        self.title = title
        self._drag_mode = ""
        self._drag_text = ""
        self._drag_span = None
        self.set_row(row)
        self.restyle()

    def set_row(self, row: int) -> None:
        """Put the marker at its date in lane `row`."""
        self.row = row
        self.setPos(self.x_start, row)

    def set_label(self, text: str, dy: float, scale: float) -> bool:
        """Apply a layout result; returns True if anything visible changed.

        The zoom (`scale`, pixels per second) only matters to an item with a bar.
        """
        if self.x_end <= self.x_start:
            scale = self.scale
        if (text, dy, scale) == (self.label, self.label_dy, self.scale):
            return False
        changed_scale = scale != self.scale
        self.label, self.label_dy, self.scale = text, dy, scale
        if changed_scale:
            self._show_bar()
        self._show_label()
        return True

    def set_selected(self, selected: bool) -> None:
        if selected == self.selected:
            return
        self.selected = selected
        self.setZValue(2 if selected else 0)
        if selected and self._ring is None:
            ring = RADIUS + 3
            self._ring = QGraphicsEllipseItem(QRectF(-ring, -ring, 2 * ring, 2 * ring), self)
            self._ring.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
            self._ring.setPen(QPen(self.style.highlight.darker(160), 3.0))
        if self._ring is not None:
            self._ring.setVisible(selected)
        self._show_label()

    def bar_px(self) -> tuple[float, float]:
        """The bar's left and right ends in pixels from the marker ((0, 0) when there is none)."""
        start, end = self._drag_span or (self.x_start, self.x_end)
        if end <= start or not self.scale:
            return 0.0, 0.0
        return 0.0, (end - start) * self.scale

    def _show_bar(self) -> None:
        left, right = self.bar_px()
        if right <= left:
            if self._bar is not None:
                self._bar.setVisible(False)
            return
        if self._bar is None:
            self._bar = QGraphicsRectItem(self)
            self._bar.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
            self._bar.setPen(QPen(Qt.PenStyle.NoPen))
        colour = QColor(self.colour)
        colour.setAlpha(120 if self.milestone.end_date else 45)
        self._bar.setBrush(colour)
        self._bar.setRect(QRectF(left, -RADIUS * 0.7, right - left, RADIUS * 1.4))
        self._bar.setVisible(True)

    def text(self) -> str:
        """What the label shows: the date while dragging, else the (maybe elided) title."""
        return self._drag_text or self.label

    def label_rect(self) -> QRectF:
        """The label's box in pixels from the marker (empty when there is no label)."""
        text = self.text()
        if not text:
            return QRectF()
        width = self.style.width(text) * (1.1 if self._drag_text else 1.0)
        height = self.style.row_height
        return QRectF(RADIUS + 3, self.label_dy - height / 2, width + 2, height)

    def _show_label(self) -> None:
        text = self.text()
        if not text:
            for child in (self._halo, self._text_item):
                if child is not None:
                    child.setVisible(False)
            return
        if self._text_item is None:
            self._halo = QGraphicsRectItem(self)
            self._halo.setPen(QPen(Qt.PenStyle.NoPen))
            self._text_item = QGraphicsSimpleTextItem(self)
        rect = self.label_rect()
        style = self.style
        self._halo.setRect(rect)
        self._halo.setBrush(style.highlight if self.selected or self._drag_text else style.halo)
        self._text_item.setFont(style.bold if self._drag_text else style.font)
        self._text_item.setBrush(style.foreground)
        self._text_item.setText(text)
        self._text_item.setPos(rect.left() + 1, rect.top())
        self._halo.setVisible(True)
        self._text_item.setVisible(True)

    def hit(self, offset: QPointF) -> str:
        """What a press `offset` pixels from the marker grabs: 'start' or 'end' of a span,
        'move' for the marker, bar or label, '' for nothing.

        A span's start is under its marker, so the marker's left half and just left of it
        resize the start; the rest of the marker moves the whole span.
        """
        left, right = self.bar_px()
        x, y = offset.x(), offset.y()
        if self.milestone.end_date and abs(y) <= RADIUS + 2:
            if abs(x - right) <= EDGE_GRIP and right - left > 2 * EDGE_GRIP:
                return "end"
            if -RADIUS - EDGE_GRIP <= x < -1:
                return "start"
        if abs(x) <= RADIUS + 2 and abs(y) <= RADIUS + 2:
            return "move"
        if self.milestone.end_date and left <= x <= right and abs(y) <= RADIUS:
            return "move"
        return "move" if self.label_rect().contains(offset) else ""

    # dragging -----------------------------------------------------------------------------------

    def begin_drag(self, mode: str) -> None:
        """Start a drag that moves the item ('move') or one end of its span ('start', 'end')."""
        self._drag_mode = mode

    def drag_to(self, x: float) -> float:
        """Show the drag at `x` (the new start for 'move' and 'start', the new end for 'end'),
        snapped to a day; returns the snapped x."""
        snapped = day_of(x) * DAY
        start, end = self.x_start, self.x_end
        if self._drag_mode == "move":
            self._drag_span = None
            self.setPos(snapped, self.row)
            shown = date_text(snapped)
        elif self._drag_mode == "start":
            snapped = min(snapped, end - DAY)
            self._drag_span = (snapped, end)
            self.setPos(snapped, self.row)
            shown = f"{date_text(snapped)} – {date_text(end - DAY)}"
        else:
            snapped = max(snapped, start + DAY)
            self._drag_span = (start, snapped)
            shown = f"{date_text(start)} – {date_text(snapped - DAY)}"
        self._drag_text = shown
        self._show_bar()
        self._show_label()
        self.signals.dragged.emit(self, self._drag_mode, snapped)
        return snapped

    def finish_drag(self, x: float) -> None:
        """End the drag at `x`; the item keeps showing it until the store says otherwise."""
        mode = self._drag_mode or "move"
        self._drag_mode = mode
        snapped = self.drag_to(x)
        self._drag_mode = ""
        self.signals.dragFinished.emit(self, mode, snapped)

    def cancel_drag(self) -> None:
        """Go back to showing the milestone as stored."""
        self._drag_mode = ""
        self._drag_text = ""
        self._drag_span = None
        self.setPos(self.x_start, self.row)
        self._show_bar()
        self._show_label()

    @property
    def dragging(self) -> bool:
        return bool(self._drag_mode)


def _fitted(style: ItemStyle, title: str, room: float) -> str:
    """The title, or as much of it as fits in `room` pixels with an ellipsis, or nothing."""
    if style.width(title) <= room:
        return title
    short = style.metrics.elidedText(title, Qt.TextElideMode.ElideRight, room) if room >= MIN_LABEL else ""
    return "" if short == "…" else short


def label_rows(lane_px: float, row_height: float) -> list[float]:
    """Offsets (pixels from the lane's centre line) of the label rows clear of the markers and
    of labels on the markers' line, nearest first, alternating above and below; none when the
    lane is too low for them."""
    offsets = []
    distance = max(row_height, RADIUS + row_height / 2)
    while distance + row_height / 2 <= lane_px / 2 and len(offsets) < 2 * (MAX_ROWS - 1):
        offsets += [-distance, distance]
        distance += row_height
    return offsets


def layout_lane(items: Sequence[MilestoneItem], scale: float, lane_px: float, style: ItemStyle,
                x0: float, width_px: float) -> None:
    """Place the labels of one lane's shown items so that none overlaps another label, a
    marker or the view's right edge.

    `x0` is the view's left edge (epoch seconds) and `width_px` its width. A label goes on
    its marker's line when it fits before the next marker; otherwise into the first free row
    above or below the line (as many as the lane's height allows); when none is free, it stays
    on the line cut short with an ellipsis before the next marker, or is left out when too
    short to read; in a lane lower than a line of text, every label is left out. The item
    keeps its full text in its tooltip.
    """
    if lane_px < style.row_height:  # a lane lower than a line of text: markers only (tooltips)
        for item in items:
            item.set_label("", 0.0, scale)
        return
    rows = label_rows(lane_px, style.row_height)
    ends = [-math.inf] * len(rows)  # right end of the last label in each row
    ordered = sorted(items, key=lambda i: i.x_start)
    pxs = [(item.x_start - x0) * scale for item in ordered]
    edge = width_px - 2
    for n, item in enumerate(ordered):
        start = pxs[n] + RADIUS + 3
        next_marker = pxs[n + 1] - RADIUS - LABEL_GAP if n + 1 < len(pxs) else math.inf
        width = style.width(item.title)
        dy, room = 0.0, min(next_marker, edge)
        if start + width > room:
            free = next((k for k, end in enumerate(ends) if end + LABEL_GAP <= start), None)
            if free is not None:
                dy, room = rows[free], edge
                ends[free] = start + min(width, edge - start)
        item.set_label(_fitted(style, item.title, room - start), dy, scale)

"""The chart legend: one entry per entity plus what each point symbol means.

It sits in its own row under the panels (never over the data), wraps into as many rows as the
chart's width needs, and is laid out again only when what it lists changes: the entities, the
chart kind, the language or the theme.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QCoreApplication, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from evcompare.charts.marks import Marks
from evcompare.charts.series import USER_EXTRA_PX, user_pen_brush
from evcompare.ui.theming import Theme, point_pen_brush

SAMPLE_PX = 20  # the width pyqtgraph draws an entry's sample in
LABEL_MARGIN_PX = 4  # around a name, as pyqtgraph's rich-text labels have


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChartLegend", text)


def _qualifier_entries() -> list[tuple[str, str]]:
    return [("exact", _tr("exact")), ("over", _tr("≥ lower bound")), ("approx", _tr("≈ approximate"))]


def _key_entries(milestones_shown: bool, user_shown: bool) -> list[tuple[str, str]]:
    """(kind, name) of the symbol key after the entities: qualifiers, the user's figures, ring,
    milestone, gap."""
    user = [("user", _tr("User figure"))] if user_shown else []
    milestone = [("milestone", _tr("milestone"))] if milestones_shown else []
    return [*_qualifier_entries(), *user, ("ring", _tr("sources disagree")), *milestone,
            ("gap", _tr("gap = no figure"))]


class LegendLabel(pg.GraphicsWidget):
    """An entry's name as plain text. pyqtgraph's LabelItem lays out rich text (~1 ms each, a
    legend has eight or more on the first paint); this measures and draws the text alone, with
    the same margins."""

    def __init__(self, text: str, colour: object, size: str) -> None:
        super().__init__()
        self.text = text
        self._colour = pg.mkColor(colour)
        self._font = QFont()  # the application's, with its CJK fallback
        self._set_size(size)

    def setAttr(self, attr: str, value: object) -> None:
        """As LabelItem's: pyqtgraph's legend sets 'color' and 'size' (a CSS size, '9pt')."""
        if attr == "color":
            self._colour = pg.mkColor(value)
        elif attr == "size":
            self._set_size(str(value))
        self.update()

    def text_width(self) -> float:
        """The text's width with its margins (what a column must give it), measured when the
        font size is set: the legend asks for every entry's whenever it fits its columns."""
        return self._text_width

    def _set_size(self, size: str) -> None:
        self._font.setPointSizeF(float(size.removesuffix("pt")))
        metrics = QFontMetricsF(self._font)
        self._text_width = metrics.horizontalAdvance(self.text) + 2 * LABEL_MARGIN_PX
        height = metrics.height() + 2 * LABEL_MARGIN_PX
        self.setMinimumSize(self._text_width, height)
        self.setPreferredSize(self._text_width, height)
        self.updateGeometry()

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(self.boundingRect().adjusted(LABEL_MARGIN_PX, 0, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.text)


class KeySample(pg.ItemSample):
    """pyqtgraph's legend sample, which also draws a chart's own symbol item (Marks) as its
    symbol alone, as it draws a scatter's."""

    def paint(self, painter: QPainter, *args: object) -> None:
        if not isinstance(self.item, Marks):
            super().paint(painter, *args)
            return
        opts = self.item.opts
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(SAMPLE_PX / 2, SAMPLE_PX / 2)
        drawSymbol(painter, opts["symbol"], opts["size"], opts["pen"], opts["brush"])


class ChartLegend(pg.LegendItem):
    """A horizontal legend for a row of the chart layout.

    Entries are made once per theme and label size and kept (hidden while not listed): making
    one lays out rich text, which cost more than the rest of a redraw when the entities changed.
    """

    def __init__(self, theme: Theme) -> None:
        super().__init__(offset=None, colCount=1, horSpacing=18, verSpacing=-4, sampleType=KeySample)
        self.theme = theme
        self.width_available = 800.0
        self._signature: tuple = ()
        self._made: dict[tuple, tuple[pg.ItemSample, LegendLabel]] = {}  # for `_made_for`
        self._made_for: tuple = ()
        self.setBrush(None)
        self.setPen(None)

    def sizeHint(self, which: Qt.SizeHint, constraint: QSizeF = QSizeF()) -> QSizeF:  # noqa: B008
        """As wide as the chart makes it (`fit` lays the entries out in that width): its own
        width, spread over the panel columns above it, made them wider or narrower whenever an
        entity was checked, and every panel then was laid out and drawn anew."""
        hint = super().sizeHint(which, constraint)
        if which in (Qt.SizeHint.MinimumSize, Qt.SizeHint.PreferredSize):
            return QSizeF(0, hint.height())
        return hint

    def show_entries(self, entries: list[tuple[pg.GraphicsObject, str]], theme: Theme,
                     milestones_shown: bool, user_shown: bool = False) -> None:
        """List (sample item, name) pairs, then the symbol key (its "User figure" entry only
        when `user_shown`: a point drawn is one); no-op if unchanged."""
        signature = (tuple((id(item), name) for item, name in entries), theme.name, milestones_shown,
                     user_shown)
        if signature == self._signature:
            return
        self._signature = signature
        self.theme = theme
        made_for = (theme.name, self.opts["labelTextSize"])  # what entries look like
        if made_for != self._made_for:
            for pair in self._made.values():
                self._removeItemFromLayout(*pair)
            self.items, self._made, self._made_for = [], {}, made_for
            self.setLabelTextColor(theme.plot_foreground)
        wanted = [((id(item), name), item, name) for item, name in entries]
        wanted += [(("key", kind, name), None, name)
                   for kind, name in _key_entries(milestones_shown, user_shown)]
        shown = [self._entry(key, item, name) for key, item, name in wanted]
        for pair in self.items:
            if pair not in shown:
                for part in pair:
                    part.setVisible(False)
        for index in range(self.layout.count() - 1, -1, -1):
            self.layout.removeAt(index)
        self.items = shown
        self.columnCount = self._columns_fitting(self.width_available)  # laid out once, not again
        self.rowCount = 0
        for sample, label in shown:
            sample.setVisible(True)
            label.setVisible(True)
            self._addItemToLayout(sample, label)
        self.updateSize()

    def _entry(self, key: tuple, item: pg.GraphicsObject | None,
               name: str) -> tuple[pg.ItemSample, LegendLabel]:
        """The (sample, label) pair of an entry, made on first use."""
        pair = self._made.get(key)
        if pair is None:  # as LegendItem.addItem makes one, without laying out the legend each time
            sample = self.sampleType(item if item is not None else self._key_sample(key[1]))
            sample.sigClicked.connect(self.sigSampleClicked)
            label = LegendLabel(name, self.opts["labelTextColor"], self.opts["labelTextSize"])
            pair = self._made[key] = (sample, label)
        return pair

    def _key_sample(self, kind: str) -> pg.GraphicsObject:
        """What the symbol key draws for a qualifier, a user figure, the ring, the milestone line
        or a gap."""
        theme = self.theme
        if kind == "ring":
            return Marks(symbol="o", pen=pg.mkPen(theme.plot_foreground, width=1.2), brush=None,
                         size=theme.marker_size + 7)
        if kind == "milestone":
            return pg.PlotCurveItem(pen=pg.mkPen(theme.text_muted, width=1.2, style=Qt.PenStyle.DashLine))
        if kind == "gap":
            return pg.PlotCurveItem(pen=None)
        if kind == "user":
            symbol, pen, brush = user_pen_brush("exact", theme.plot_foreground, theme)
            size = theme.marker_size + USER_EXTRA_PX
        else:
            symbol, pen, brush = point_pen_brush(kind, theme.plot_foreground, theme)
            size = theme.marker_size
        return Marks(symbol=symbol, pen=pen, brush=brush, size=size)

    def fit(self, width: float) -> None:
        """Use as few rows as fit `width` pixels, with entries spread evenly over them."""
        self.width_available = width
        columns = self._columns_fitting(width)
        if columns != self.columnCount:
            self.setColumnCount(columns)

    def _columns_fitting(self, width: float) -> int:
        if not self.items:
            return self.columnCount
        # The label's text, not the label: a label is stretched to its column's width, so
        # measuring it would shrink the column count a little more on every fit.
        entry = SAMPLE_PX + self.layout.horizontalSpacing() + max(
            label.text_width() for _sample, label in self.items)
        count = len(self.items)
        rows = math.ceil(count / max(1, int(width // entry)))
        return math.ceil(count / rows)

    def names(self) -> list[str]:
        return [label.text for _sample, label in self.items]

"""The chart legend: one entry per entity plus what each point symbol means.

It sits in its own row under the panels (never over the data), wraps into as many rows as the
chart's width needs, and is rebuilt only when what it lists changes: the entities, the chart
kind, the language or the theme.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

from evcompare.ui.theming import Theme, point_pen_brush

SAMPLE_PX = 20  # the width pyqtgraph draws an entry's sample in


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChartLegend", text)


def _qualifier_entries() -> list[tuple[str, str]]:
    return [("exact", _tr("exact")), ("over", _tr("≥ lower bound")), ("approx", _tr("≈ approximate"))]


class ChartLegend(pg.LegendItem):
    """A horizontal legend for a row of the chart layout."""

    def __init__(self, theme: Theme) -> None:
        super().__init__(offset=None, colCount=1, horSpacing=18, verSpacing=-4)
        self.theme = theme
        self.width_available = 800.0
        self._signature: tuple = ()
        self.setBrush(None)
        self.setPen(None)

    def show_entries(self, entries: list[tuple[pg.GraphicsObject, str]], theme: Theme,
                     milestones_shown: bool) -> None:
        """List (sample item, name) pairs, then the symbol key; no-op if unchanged."""
        signature = (tuple((id(item), name) for item, name in entries), theme.name, milestones_shown)
        if signature == self._signature:
            return
        self._signature = signature
        self.theme = theme
        self.clear()
        self.setLabelTextColor(theme.plot_foreground)
        for item, name in entries:
            self.addItem(item, name)
        for qualifier, name in _qualifier_entries():
            symbol, pen, brush = point_pen_brush(qualifier, theme.plot_foreground, theme)
            self.addItem(pg.ScatterPlotItem(symbol=symbol, pen=pen, brush=brush, size=theme.marker_size),
                         name)
        ring = pg.ScatterPlotItem(symbol="o", pen=pg.mkPen(theme.plot_foreground, width=1.2),
                                  brush=pg.mkBrush(None), size=theme.marker_size + 7)
        self.addItem(ring, _tr("sources disagree"))
        if milestones_shown:
            line = pg.PlotDataItem(pen=pg.mkPen(theme.text_muted, width=1.2, style=Qt.PenStyle.DashLine))
            self.addItem(line, _tr("milestone"))
        self.addItem(pg.PlotDataItem(pen=None), _tr("gap = no figure"))
        self.fit(self.width_available)

    def fit(self, width: float) -> None:
        """Use as few rows as fit `width` pixels, with entries spread evenly over them."""
        self.width_available = width
        if not self.items:
            return
        entry = SAMPLE_PX + self.layout.horizontalSpacing() + max(
            label.boundingRect().width() for _sample, label in self.items)
        count = len(self.items)
        rows = math.ceil(count / max(1, int(width // entry)))
        columns = math.ceil(count / rows)
        if columns != self.columnCount:
            self.setColumnCount(columns)

    def names(self) -> list[str]:
        return [label.text for _sample, label in self.items]

"""One entity's graphics: every item made once, then moved between panels and fed with setData.

A series draws its figures honestly: a missing period is NaN and breaks the line
(`connect='finite'`), each point's symbol says its qualifier (theming.point_pen_brush) and
whether it is the user's own figure (a star, `user_pen_brush`), a ring marks figures whose
sources disagree, and the tooltip tells value, qualifier, coverage, whether it was derived,
and the source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen

from evcompare.charts.data import EntityRows
from evcompare.charts.line import Line
from evcompare.charts.marks import Marks
from evcompare.charts.race import crossing_tooltip, race_text
from evcompare.model.figures import Figure
from evcompare.model.metrics import percent_text
from evcompare.model.race import RaceResult
from evcompare.ui.theming import Theme, point_pen_brush

# Points beyond which a series marks only its figures that are not exact, or are the user's
# (ten years of daily figures; the bundled data has ~30 a series). Its line draws only what is in
# view, reduced to each pixel column's extremes (see charts.line).
LONG_SERIES = 2_000
# The user's own figure (an import or an override): a star, a little larger than a point so
# its points read as stars. Not the race marks' diamond; milestone symbols sit atop their lines.
USER_SYMBOL = "star"
USER_EXTRA_PX = 6


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChartSeries", text)


@dataclass(frozen=True)
class SeriesContext:
    """What a tooltip needs besides the figure: names and how to print the number."""

    label: str
    measure: str
    unit: str
    percent: bool
    signed: bool


@cache
def readable_colour(colour: str, theme: Theme) -> str:
    """Entity colours are picked for a light background: lift the darkest on a dark one."""
    shown = QColor(colour)
    if QColor(theme.plot_background).lightness() < 128 and shown.lightness() < 100:
        shown = shown.lighter(190)
    return shown.name()


@cache
def user_pen_brush(qualifier: str, colour: str, theme: Theme) -> tuple[str, QPen, QBrush]:
    """(symbol, pen, brush) of a user figure's point, shared by the chart and its legend.

    The shape says whose figure it is; the fill says how exact, as for any point: filled for
    exact (outlined in the background colour so it stands out of its line), hollow for a lower
    bound, dotted for an approximation.
    """
    _symbol, pen, brush = point_pen_brush(qualifier, colour, theme)
    if brush.style() != Qt.BrushStyle.NoBrush:
        pen = pg.mkPen(theme.plot_background, width=theme.line_width)
    return USER_SYMBOL, pen, brush


def value_text(figure: Figure, percent: bool, signed: bool = False) -> str:
    if percent:
        return percent_text(figure, signed)
    decimals = 0 if figure.missing or abs(figure.value) >= 100 else 1
    return figure.display(decimals)


def qualifier_text(figure: Figure) -> str:
    if figure.missing:
        return _tr("no figure (a gap)")
    return {
        "exact": _tr("exact"),
        "over": _tr("lower bound: the source says more than this"),
        "approx": _tr("approximate"),
    }[figure.qualifier]


def point_tooltip(context: SeriesContext, period: str, figure: Figure) -> str:
    """Value, qualifier, measure, coverage, derivation and sources of one plotted figure."""
    number = value_text(figure, context.percent, context.signed)
    unit = "" if context.percent else f" {context.unit}"
    lines = [
        f"{context.label} · {period}",
        _tr("{measure}: {value}").format(measure=context.measure, value=number + unit),
        _tr("Qualifier: {text}").format(text=qualifier_text(figure)),
        _tr("Coverage: {covered} of {expected} months reported").format(
            covered=figure.covered, expected=figure.expected),
    ]
    if figure.derived:
        lines.append(_tr("Derived: computed from reported figures") +
                     (f" ({figure.note})" if figure.note else ""))
    elif figure.note:
        lines.append(figure.note)
    if figure.measure_unclear:
        lines.append(_tr("The source is unclear about what was counted"))
    if figure.conflicts:
        others = ", ".join(f"{o.value:,.0f} ({o.source.title})" for o in figure.conflicts[:3])
        lines.append(_tr("Sources disagree: also reported {others}").format(others=others))
    for source in figure.sources[:3]:
        dated = f" ({source.published})" if source.published else ""
        lines.append(_tr("Source: {title}").format(title=source.title + dated))
    if len(figure.sources) > 3:
        lines.append(_tr("… and {count} more sources").format(count=len(figure.sources) - 3))
    return "\n".join(lines)


@dataclass(frozen=True)
class _Drawn:
    """What a series' curve, bars and points were last given: checking another entity leaves a
    series' data as it was, and setting it again cost ~0.5 ms a series."""

    kind: str
    theme: Theme
    colour: str
    x: np.ndarray
    y: np.ndarray
    width: np.ndarray
    qualifiers: np.ndarray
    disputed: np.ndarray
    user: np.ndarray | None

    def same_as(self, other: _Drawn) -> bool:
        arrays = ("x", "y", "width", "qualifiers", "disputed", "user")
        return (self.kind == other.kind and self.theme is other.theme and self.colour == other.colour
                and all(_same(getattr(self, name), getattr(other, name)) for name in arrays))


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


class ChartSeries(QObject):
    """All the graphics items of one entity, created once."""

    pointClicked = Signal(str, str)  # entity, period

    def __init__(self, entity: str, colour: str, theme: Theme) -> None:
        super().__init__()
        self.entity = entity
        self.colour = colour
        self.rows: EntityRows | None = None
        self.shown_x = self.shown_y = np.empty(0)
        self.context = SeriesContext(entity, "", "", False, False)
        self.plot: pg.PlotItem | None = None  # the plot the series is shown in
        self._home: pg.PlotItem | None = None  # the plot holding its items (hidden while not shown)
        self.curve = Line(connect="finite", name=entity)
        self.points = Marks(hoverable=True, tip=self._tip)
        self.badges = Marks(symbol="o", brush=None)
        self.highlight = Marks(symbol="o", brush=None)
        self.bars = pg.BarGraphItem(x=[], height=[], width=1.0)
        self._fill: pg.FillBetweenItem | None = None  # made for the first stacked area (~40 % of a series)
        self.crossings = Marks(symbol="d", hoverable=True, tip=self._crossing_tip)
        self.crossing_labels: list[pg.TextItem] = []
        self._results: list[RaceResult] = []
        self._drawn: _Drawn | None = None  # what the items show
        self.points.sigClicked.connect(self.on_points_clicked)
        self.highlight.setZValue(20)
        self.points.setZValue(10)
        self.badges.setZValue(9)
        self.crossings.setZValue(11)
        self.set_theme(theme)

    def items(self) -> list[pg.GraphicsObject]:
        fill = [self._fill] if self._fill is not None else []
        return [*fill, self.bars, self.curve, self.badges, self.points, self.highlight, self.crossings,
                *self.crossing_labels]

    @property
    def fill(self) -> pg.FillBetweenItem:
        """The stacked area's fill under the curve, made on first use."""
        if self._fill is None:
            # What the fill follows when it is not drawn (two items: a signal connects once per curve).
            self._no_curves = (pg.PlotCurveItem(), pg.PlotCurveItem())
            self._fill = pg.FillBetweenItem(*self._no_curves)
            self._fill.setZValue(-1)  # under the curve and its points
            self._style_fill()
            if self._home is not None:
                self._home.addItem(self._fill)
        return self._fill

    # --- placement -------------------------------------------------------------------------

    def attach(self, plot: pg.PlotItem | None) -> None:
        """Show the series in `plot`, drawn by the `show` that follows; None takes it off the
        chart. Its items stay in their plot, hidden, while it is not shown: taking them out of
        a plot and putting them back cost ~0.6 ms a series on every entity checked."""
        if plot is self.plot:
            return
        if plot is None:
            for item in self.items():
                item.setVisible(False)
        elif plot is not self._home:
            self.detach()
            for item in self.items():
                plot.addItem(item)
            self._home = plot
        self.plot = plot

    def detach(self) -> None:
        """Take every item out of its plot (before the plots are rebuilt)."""
        if self._home is not None:
            for item in self.items():
                self._home.removeItem(item)
        self.plot = self._home = None

    # --- style -----------------------------------------------------------------------------

    def fill_between(self, lower: pg.PlotCurveItem | None) -> None:
        """Fill from this series' curve down to `lower` (the layer beneath, or the baseline);
        None: no fill."""
        if lower is None and self._fill is None:
            return
        fill = self.fill
        upper, lower = (self.curve, lower) if lower is not None else self._no_curves
        if fill.curves[0] is not upper or fill.curves[1] is not lower:
            fill.setCurves(upper, lower)

    def set_colour(self, colour: str) -> None:
        """Take another colour (a layer's own entity can get another one when layers change)."""
        if colour != self.colour:
            self.colour = colour
            self.set_theme(self.theme)
            if self.rows is not None:
                self._set_points(self.shown_x, self.shown_y)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.shown_colour = readable_colour(self.colour, theme)
        self.curve.setPen(pg.mkPen(self.shown_colour, width=theme.series_pen_width))
        self.bars.setOpts(brush=pg.mkBrush(self.shown_colour), pen=pg.mkPen(theme.plot_background, width=0.5))
        if self._fill is not None:
            self._style_fill()
        self.badges.setPen(pg.mkPen(theme.plot_foreground, width=1.2))
        self.badges.setSize(theme.marker_size + 7)
        self.highlight.setPen(pg.mkPen(theme.accent, width=3))
        self.highlight.setSize(theme.marker_size + 12)
        self.crossings.setPen(pg.mkPen(theme.plot_foreground, width=1.2))
        self.crossings.setBrush(pg.mkBrush(self.shown_colour))
        self.crossings.setSize(theme.marker_size + 6)
        for label in self.crossing_labels:
            label.setColor(theme.plot_foreground)

    def _style_fill(self) -> None:
        colour = pg.mkColor(self.shown_colour)
        colour.setAlpha(150)
        self.fill.setBrush(colour)
        self.fill.setPen(None)

    # --- data ------------------------------------------------------------------------------

    def show(self, kind: str, rows: EntityRows, context: SeriesContext, x: np.ndarray | None = None,
             y: np.ndarray | None = None, width: np.ndarray | None = None) -> None:
        """Draw `rows` as `kind` ('line', 'bars', 'area' or 'race'). `x`/`y` say where the
        figures are drawn when not at (period, value): bars offset inside their period, layers
        stacked on each other; `width` is each bar's width."""
        self.rows = rows
        self.context = context
        self.shown_x = shown_x = rows.x if x is None else x
        self.shown_y = rows.y if y is None else y
        bar_width = rows.width if width is None else width
        drawn = _Drawn(kind, self.theme, self.shown_colour, shown_x, self.shown_y, bar_width, rows.qualifiers,
                       rows.disputed, rows.user)
        self.curve.setVisible(kind != "bars")
        self.points.setVisible(True)
        self.bars.setVisible(kind == "bars")
        if self._fill is not None:
            self._fill.setVisible(kind == "area")
        if kind != "area":
            self.fill_between(None)
        self.crossings.setVisible(kind == "race")
        if self._drawn is None or not drawn.same_as(self._drawn):  # another entity checked: as it was
            self._drawn = drawn
            if kind == "bars":
                finite = np.isfinite(rows.y)
                self.bars.setOpts(x=shown_x[finite], height=rows.y[finite], width=bar_width[finite])
            self.curve.setData(shown_x, self.shown_y, connect="finite")
            self._set_points(shown_x, self.shown_y)
        self.clear_highlight()
        if kind != "race":
            self.show_crossings([])

    def _set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        """A symbol per figure saying its qualifier and whether it is the user's, a ring where
        sources disagree.

        A long series (daily figures over years) is a line: only the figures that are not exact
        or are the user's keep a symbol, since thousands of symbols would merge into a band and
        cost seconds.
        """
        rows = self.rows
        assert rows is not None
        finite = np.isfinite(y)
        user = rows.user if rows.user is not None else np.zeros(len(y), dtype=bool)
        marked = finite & ((rows.qualifiers != "exact") | user) if len(y) > LONG_SERIES else finite
        at = np.flatnonzero(marked)
        keys = list(zip(rows.qualifiers[at], user[at], strict=True))
        styles = {(q, mine): (user_pen_brush if mine else point_pen_brush)(q, self.shown_colour, self.theme)
                  for q, mine in set(keys)}
        if len(styles) == 1:  # one style for all: no style per point to sort out
            (symbol, pen, brush), = styles.values()
            size = self.theme.marker_size + USER_EXTRA_PX * bool(user[at[0]])
        else:
            shown = [styles[key] for key in keys]
            symbol, pen, brush = ([s[i] for s in shown] for i in range(3))
            size = self.theme.marker_size + USER_EXTRA_PX * user[at]
        self.points.setData(x=x[at], y=y[at], data=at, size=size, symbol=symbol, pen=pen, brush=brush)
        disputed = np.flatnonzero(finite & rows.disputed)
        if len(disputed) or len(self.badges.data):
            self.badges.setData(x=x[disputed], y=y[disputed])
        self.badges.setVisible(bool(len(disputed)))  # Qt then skips it: most series have none

    def show_crossings(self, results: list[RaceResult]) -> None:
        """Mark where the race reached each of its unit counts, labelled in words."""
        reached = [r for r in results if r.days is not None]
        if not reached and not self._results:
            return  # nothing shown, nothing to show: every redraw of a time chart
        self._results = reached
        self.crossings.setData(x=[r.days for r in reached], y=[r.units for r in reached],
                               data=list(range(len(reached))))
        while len(self.crossing_labels) < len(reached):
            label = pg.TextItem(anchor=(1.0, 1.0), color=self.theme.plot_foreground)
            label.setZValue(12)
            self.crossing_labels.append(label)
            if self._home is not None:
                self._home.addItem(label)
        for i, label in enumerate(self.crossing_labels):
            label.setVisible(i < len(reached))
            if i < len(reached):
                label.setText(race_text(self.context.label, reached[i]))
                label.setPos(reached[i].days, reached[i].units)

    # --- highlight and interaction ---------------------------------------------------------

    def highlight_period(self, period: str) -> bool:
        """Ring the point of `period`; False (and no ring) when it is a gap or not shown."""
        index = self.rows.index(period) if self.rows is not None else None
        if index is None or not math.isfinite(self.shown_y[index]):
            self.clear_highlight()
            return False
        self.highlight.setData(x=[self.shown_x[index]], y=[self.shown_y[index]])
        self.highlight.setVisible(True)
        return True

    def clear_highlight(self) -> None:
        if len(self.highlight.data):
            self.highlight.setData(x=[], y=[])
        self.highlight.setVisible(False)

    def highlighted(self) -> tuple[float, float] | None:
        if not self.highlight.isVisible() or not len(self.highlight.data):
            return None
        return float(self.highlight.data["x"][0]), float(self.highlight.data["y"][0])

    def on_points_clicked(self, _item: object, points: list, _event: object = None) -> None:
        """sigClicked handler: report the first clicked point as (entity, period)."""
        if self.rows is not None and len(points):
            self.pointClicked.emit(self.entity, self.rows.periods[int(points[0].data())])

    def _tip(self, x: float, y: float, data: object) -> str:
        if self.rows is None:
            return ""
        index = int(data)
        return point_tooltip(self.context, self.rows.periods[index], self.rows.figures[index])

    def _crossing_tip(self, x: float, y: float, data: object) -> str:
        return crossing_tooltip(self.context.label, self._results[int(data)])

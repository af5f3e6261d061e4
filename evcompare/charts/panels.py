"""The chart area: overlay, side-by-side or small-multiple panels of the comparison.

Panels (PlotItems) are rebuilt only when the layout, the axis kind or the set of panels
changes; series items are made once per entity and moved between panels. A refresh feeds the
items with setData, sets each panel's range once, and lays out and moves everything before Qt
paints, so that a change is painted once (see `ChartArea._settle`).

From `CANVAS_PANELS` small multiples of a line chart on, the panels are one `MultiplesCanvas`
that draws every cell itself: PlotItems and series items cost ~18 ms an entity to make and
re-render their axes on every pan, seconds and half a second a frame for a hundred brands.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QGraphicsGridLayout, QGraphicsView, QSizePolicy, QVBoxLayout, QWidget

from evcompare.charts import axes
from evcompare.charts.data import ChartData
from evcompare.charts.labels import entity_labels, measure_metric_label, value_axis_title
from evcompare.charts.legend import ChartLegend
from evcompare.charts.milestone_overlay import MilestoneOverlay, drawn_for, milestone_x
from evcompare.charts.race import place_labels
from evcompare.charts.series import ChartSeries, SeriesContext, readable_colour
from evcompare.model.comparison import Comparison
from evcompare.model.entities import EntityTree
from evcompare.model.metrics import metric_unit
from evcompare.model.milestones import Milestone
from evcompare.ui.theming import Theme, style_plot

if TYPE_CHECKING:  # imported on first use: a sixth of our start-up imports
    from evcompare.charts.multiples import MultiplesCanvas

SIGNED_METRICS = {"yoy", "mom"}
# Small multiples of a line chart drawn by one canvas from this many panels on. The canvas is
# faster at any count (monthly bundled data at 1600x1000: 4 panels redraw in 13 ms against 27,
# 13 panels in 28 against 99, and pan in 18 against 106), so this is where cells get too small
# for what only the panels have: axis titles, milestone labels and dragging, view menus.
CANVAS_PANELS = 13


@dataclass(frozen=True)
class PanelPlan:
    key: str
    title: str
    entities: tuple[str, ...]


def grid_columns(count: int) -> int:
    """Columns of a grid of `count` panels: one row for up to three, else a near square."""
    return count if count <= 3 else math.ceil(math.sqrt(count))


def plan_panels(comparison: Comparison, tree: EntityTree) -> list[PanelPlan]:
    """Which entities go in which panel: one panel, one per group (Xiaomi | HIMA), or one each."""
    names = entity_labels(tree, comparison.language)
    shown = tuple(e for e in comparison.entities if e in tree)  # a layer's own goes with its layer
    if comparison.layout == "overlay" or not shown:
        return [PanelPlan("all", "", shown)]
    if comparison.layout == "multiples":
        return [PanelPlan(e, names[e], (e,)) for e in shown]
    groups: dict[str, list[str]] = {}
    for entity in shown:
        groups.setdefault(tree.group_of(entity), []).append(entity)
    return [PanelPlan(group, names[group], tuple(members)) for group, members in groups.items()]


def _show_value_scale(plot: pg.PlotItem, shown: bool) -> None:
    """Show or hide a panel's value numbers (its title goes with them: `_set_titles`). A
    shared value axis reads off the first panel of each row: repeated beside every panel it
    takes their width and, working out its tick texts again, most of a redraw's axis time."""
    axis = plot.getAxis("left")
    if axis.style["showValues"] != shown:
        axis.setStyle(showValues=shown)


class PanelGrid(QGraphicsGridLayout):
    """The chart's grid, which can hold off laying out while a batch of panels is added.

    pyqtgraph activates its layout after every item it adds, re-laying out and resizing every
    panel already there: quadratic in the panels, seconds for a hundred small multiples.
    """

    held = False

    def activate(self) -> None:
        if not self.held:
            super().activate()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Lay out once, after the block."""
        self.held = True
        try:
            yield
        finally:
            self.held = False
            self.activate()


class PanelView(pg.ViewBox):
    """A panel's view whose right-click menu is built the first time it is asked for.

    pyqtgraph builds one (with two axis forms) for every view, ~5 ms a panel, and most panels
    are never right-clicked. `extra_actions` (the chart's own, shared list) are added to it then.
    """

    def __init__(self, extra_actions: list[QAction]) -> None:
        super().__init__(enableMenu=False)
        self.state["enableMenu"] = True  # offered on right-click, made by getMenu
        self.extra_actions = extra_actions

    def getMenu(self, ev: object) -> ViewBoxMenu | None:
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()
            self.menu.addActions(self.extra_actions)
        return self.menu

    def getContextMenus(self, event: object) -> list[QAction]:
        """A child item's right-click menu lists this one's too."""
        self.getMenu(event)
        return super().getContextMenus(event)


@dataclass
class Panel:
    key: str
    plot: pg.PlotItem
    overlay: MilestoneOverlay
    baseline: pg.PlotCurveItem  # the zero line under a stacked area, NaN where the stack is undefined
    title: str = ""
    value_title: str = ""


class ChartArea(QWidget):
    """Every panel of the chart, its legend, and the series items of each entity."""

    pointClicked = Signal(str, str)  # entity, period
    milestoneDragged = Signal(str, float)  # milestone id, x it is dragged to (NaN: released); a preview
    milestoneMoved = Signal(str, str)  # milestone id, new date: a drag ended (intent)
    xRangeChanged = Signal(float, float)  # the time axis now shows x0..x1 (calendar charts only)

    def __init__(self, tree: EntityTree, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True, useOpenGL=False)
        self.tree = tree
        self.theme = theme
        self.view = pg.GraphicsLayoutWidget()
        # One rectangle around all that changed, not each changed item's: a refresh changes
        # items all over the panels, and clipped to a dozen rectangles every image and fill
        # takes the raster engine's slow path (a blit ~6x slower); ~2-3 ms a refresh.
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.grid = PanelGrid()
        self.view.ci.setLayout(self.grid)  # in place of pyqtgraph's own, which it deletes
        self.view.ci.layout = self.grid
        self.view.setBackground(theme.plot_background)
        self.view.ci.setContentsMargins(6, 6, 6, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.legend = ChartLegend(theme)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.data: ChartData | None = None
        self._series: dict[str, ChartSeries] = {}
        self._panels: list[Panel] = []
        self._signature: tuple = ()
        self._ranges: list[tuple[tuple[float, float], tuple[float, float]]] = []
        self._context_actions: list[QAction] = []
        self._syncing_x = False  # set_x_range is moving the axis: do not echo it
        self._canvas: MultiplesCanvas | None = None  # made the first time it is needed, then kept
        self._on_canvas = False  # the canvas is shown in place of the panels
        self._canvas_window = (0.0, 1.0)  # the time window reset_view goes back to

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.legend.fit(self.view.width() - 20)

    # --- access ------------------------------------------------------------------------------

    def panels(self) -> list[Panel]:
        """The PlotItem panels ([] while the canvas draws the small multiples)."""
        return list(self._panels)

    def canvas(self) -> MultiplesCanvas | None:
        """The canvas drawing the small multiples, None while panels do."""
        return self._canvas if self._on_canvas else None

    def series(self, entity: str) -> ChartSeries:
        """The entity's series, made on first use and kept for the life of the chart."""
        colour = self.tree[entity].colour
        series = self._series.get(entity)
        if series is None:
            series = ChartSeries(entity, colour, self.theme)
            series.pointClicked.connect(self.pointClicked)
            self._series[entity] = series
        series.set_colour(colour)  # a layer's own entity may have another colour after layers change
        return series

    def shown_series(self) -> dict[str, ChartSeries]:
        return {e: s for e, s in self._series.items() if s.plot is not None}

    def panel_of(self, entity: str) -> Panel | None:
        plot = self._series[entity].plot if entity in self._series else None
        return next((p for p in self._panels if p.plot is plot), None) if plot else None

    def add_context_action(self, action: QAction) -> None:
        """Add an action to every panel's right-click menu (now and after rebuilds)."""
        self._context_actions.append(action)
        for panel in self._panels:
            menu = panel.plot.getViewBox().menu  # None until first opened, then made with it
            if menu is not None:
                menu.addAction(action)

    # --- drawing ---------------------------------------------------------------------------

    def show_data(self, data: ChartData, milestones: list[Milestone], theme: Theme) -> None:
        """Draw a refresh's data: update items in place, set each panel's range once."""
        c = data.comparison
        self.data = data
        self._apply_theme(theme)
        if data.entities is not None:  # the project's entities now, its data layers' own included
            self.tree = data.entities
        plans = plan_panels(c, self.tree)
        axis_kind = axes.DAYS if c.chart == "race" else axes.TIME
        on_canvas = c.layout == "multiples" and c.chart == "line" and len(plans) >= CANVAS_PANELS
        signature = ("canvas",) if on_canvas else (c.layout, axis_kind, tuple(p.key for p in plans))
        if signature != self._signature:
            self._build(plans, axis_kind, on_canvas)
            self._signature = signature
        names = entity_labels(self.tree, c.language)
        metric = "cumulative" if c.chart == "race" else c.metric
        value_title = value_axis_title(c.measure, metric, data.unit)
        measure = measure_metric_label(c.measure, metric)
        if on_canvas:
            self._show_canvas(data, plans, milestones, names, measure, value_title)
            self._settle()
            return
        placed: set[str] = set()
        shared = self._shares_value_scale(c)
        columns = grid_columns(len(self._panels))
        for index, (panel, plan) in enumerate(zip(self._panels, plans, strict=True)):
            scaled = not shared or index % columns == 0  # a shared scale reads off a row's first panel
            _show_value_scale(panel.plot, scaled)
            self._set_titles(panel, plan.title, value_title if scaled else "")
            members = [e for e in plan.entities if e in data.rows]
            placed |= self._draw_panel(panel, members, data, names, measure)
        for entity, series in self._series.items():
            if entity not in placed:
                series.attach(None)
        self._set_ranges(data)
        self._show_milestones(data, plans, milestones, names)
        entries = [(self._series[e].bars if c.chart == "bars" else self._series[e].curve, names[e])
                   for e in c.entities if e in placed]
        self.legend.show_entries(entries, self.theme, axis_kind == axes.TIME and any(
            p.overlay.shown() for p in self._panels), data.has_user_figures)
        self._settle()

    def _settle(self) -> None:
        """Lay out and move the items now rather than when Qt next paints: pyqtgraph leaves the
        layouts for the event loop and the new ranges for the start of the paint, and Qt then
        paints every item they move a second time."""
        for panel in self._panels:
            panel.plot.layout.activate()
        self.legend.layout.activate()
        self.grid.activate()
        for panel in self._panels:
            panel.plot.getViewBox().prepareForPaint()

    def _apply_theme(self, theme: Theme) -> None:
        if theme is self.theme:
            return
        self.theme = theme
        self.view.setBackground(theme.plot_background)
        for panel in self._panels:
            style_plot(panel.plot, theme)
            panel.title = ""  # re-set in the theme's colour
        for series in self._series.values():
            series.set_theme(theme)

    def _build(self, plans: list[PanelPlan], axis_kind: str, on_canvas: bool) -> None:
        for series in self._series.values():
            series.detach()
        self.view.clear()
        self._panels = []
        self._ranges = []
        self._on_canvas = on_canvas
        if on_canvas:
            self.view.addItem(self._canvas_item(), row=0, col=0)
            self.view.addItem(self.legend, row=1, col=0)
            return
        with self.grid.batch():
            self._add_panels(plans, axis_kind)

    def _canvas_item(self) -> MultiplesCanvas:
        if self._canvas is None:
            from evcompare.charts.multiples import MultiplesCanvas

            self._canvas = MultiplesCanvas(self.theme, self._context_actions)
            self._canvas.pointClicked.connect(self.pointClicked)
            self._canvas.xRangeChanged.connect(self._emit_x_range)
        return self._canvas

    def _show_canvas(self, data: ChartData, plans: list[PanelPlan], milestones: list[Milestone],
                     names: dict[str, str], measure: str, value_title: str) -> None:
        """Feed the canvas one cell per entity drawn, with the milestone lines its panel would show."""
        from evcompare.charts.multiples import Cell

        c = data.comparison
        canvas = self._canvas_item()
        colours = self._entity_colours()
        wanted = set(c.milestone_categories)
        cells = []
        for plan in plans:
            for entity in (e for e in plan.entities if e in data.rows):
                family = self._family(entity) if wanted else set()
                lines = tuple((m.id, milestone_x(m), colours.get(m.entity, self.theme.axis))
                              for m in milestones
                              if drawn_for(m, family, wanted))
                cells.append(Cell(entity, plan.title, colours[entity], data.rows[entity],
                                  self._context(entity, data, names, measure), lines))
        self._canvas_window = self._x_range(data)
        canvas.set_data(cells, self._canvas_window, c.shared_y, value_title, self.theme)
        # Each cell is titled with its entity: the legend explains only the symbols (a hundred
        # entity entries would take a quarter of the chart).
        self.legend.show_entries([], self.theme, canvas.has_milestones(), data.has_user_figures)

    def _add_panels(self, plans: list[PanelPlan], axis_kind: str) -> None:
        columns = grid_columns(len(plans))
        for i, plan in enumerate(plans):
            plot = self.view.addPlot(row=i // columns, col=i % columns,
                                     viewBox=PanelView(self._context_actions),
                                     axisItems={"bottom": axes.bottom_axis(axis_kind),
                                                "left": axes.NumberAxis("left")})
            plot.disableAutoRange()
            plot.hideButtons()
            plot.setPreferredWidth(0)  # the columns share the width by their stretch alone
            for hidden in ("top", "right"):  # would re-render their (unshown) label on every range change
                plot.getAxis(hidden).enableAutoSIPrefix(False)
            style_plot(plot, self.theme)
            # No third level of grid lines (clutter, slow); a value axis that never narrows, so a
            # change to smaller numbers does not re-lay out and repaint every panel.
            plot.getAxis("left").setStyle(maxTickLevel=1, autoReduceTextSpace=False)
            plot.getViewBox().sigResized.connect(self._place_race_labels)
            plot.getViewBox().sigRangeChanged.connect(self._place_race_labels)
            overlay = MilestoneOverlay(plot, self.theme)
            overlay.milestoneMoved.connect(self.milestoneMoved)
            overlay.milestoneDragged.connect(self._on_milestone_dragged)
            baseline = pg.PlotCurveItem(pen=None)
            plot.addItem(baseline)
            if self._panels:
                plot.setXLink(self._panels[0].plot)
            else:
                plot.getViewBox().sigXRangeChanged.connect(self._on_x_range)
            self._panels.append(Panel(plan.key, plot, overlay, baseline))
        for column in range(columns):  # equal columns, whatever each panel's axes need
            self.grid.setColumnStretchFactor(column, 1)
        rows = math.ceil(len(plans) / columns)
        self.view.addItem(self.legend, row=rows, col=0, colspan=columns)

    def _set_titles(self, panel: Panel, title: str, value_title: str) -> None:
        """The panel's title and its value axis' title ('' hides it, as pyqtgraph's setLabel
        does; setting one shows it, so it is set only when it changes)."""
        if title != panel.title:
            panel.title = title
            panel.plot.setTitle(title or None, color=self.theme.plot_foreground,
                                size=f"{self.theme.font_pt + 2}pt")
        if value_title != panel.value_title:
            panel.value_title = value_title
            panel.plot.setLabel("left", value_title)

    def _context(self, entity: str, data: ChartData, names: dict[str, str], measure: str) -> SeriesContext:
        c = data.comparison
        metric = "cumulative" if c.chart == "race" else c.metric
        return SeriesContext(names[entity], measure, metric_unit(metric, data.unit), data.percent,
                             metric in SIGNED_METRICS)

    def _draw_panel(self, panel: Panel, members: list[str], data: ChartData, names: dict[str, str],
                    measure: str) -> set[str]:
        """Feed the panel's series; returns the entities actually drawn."""
        kind = data.comparison.chart
        if kind == "area":
            return self._draw_area(panel, members, data, names, measure)
        panel.baseline.setData([], [])
        for i, entity in enumerate(members):
            series = self.series(entity)
            series.attach(panel.plot)
            rows = data.rows[entity]
            context = self._context(entity, data, names, measure)
            if kind == "bars":
                share = 0.8 / len(members)
                series.show(kind, rows, context, x=rows.x + rows.width * (0.1 + share * (i + 0.5)),
                            width=rows.width * share)
            else:
                series.show(kind, rows, context)
            if kind == "race":
                series.show_crossings(data.crossings.get(entity, []))
        return set(members)

    def _is_ancestor(self, ancestor: str, entity: str) -> bool:
        parent = self.tree[entity].parent
        while parent:
            if parent == ancestor:
                return True
            parent = self.tree[parent].parent
        return False

    def _draw_area(self, panel: Panel, members: list[str], data: ChartData, names: dict[str, str],
                   measure: str) -> set[str]:
        """Stack the panel's entities; a total drawn with its own parts is an outline instead.

        A period where any layer has no figure has no stack at all (NaN), never a zero layer.
        """
        share = data.comparison.area_share
        stacked = [e for e in members if not any(self._is_ancestor(e, other) for other in members)]
        outlines = [] if share else [e for e in members if e not in stacked]
        drawn = set(stacked) | set(outlines)
        if not stacked:
            panel.baseline.setData([], [])
            return drawn
        x = data.rows[stacked[0]].x
        values = np.vstack([data.rows[e].y for e in stacked])
        defined = np.isfinite(values).all(axis=0)
        if share:
            totals = values.sum(axis=0)
            defined &= totals > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                values = values / totals * 100.0
        tops = np.cumsum(values, axis=0)
        tops[:, ~defined] = np.nan
        panel.baseline.setData(x, np.where(defined, 0.0, np.nan), connect="finite")
        lower = panel.baseline
        for entity, top in zip(stacked, tops, strict=True):
            series = self.series(entity)
            series.attach(panel.plot)
            series.show("area", data.rows[entity], self._context(entity, data, names, measure), y=top)
            series.fill_between(lower)
            lower = series.curve
        for entity in outlines:
            series = self.series(entity)
            series.attach(panel.plot)
            series.show("line", data.rows[entity], self._context(entity, data, names, measure))
        return drawn

    @staticmethod
    def _x_range(data: ChartData) -> tuple[float, float]:
        """Every period whole with a little room (a time chart), or day 0 to past the last
        crossing (the race)."""
        rows = list(data.rows.values())
        if data.comparison.chart == "race":
            reach = [np.array([r.days for r in results if r.days is not None], dtype=float)
                     for results in data.crossings.values()]
            x_span = axes.span([r.x for r in rows] + reach) or (0.0, 1.0)
            return 0.0, x_span[1] * 1.04
        x_span = axes.span([r.x for r in rows] + [r.x + r.width for r in rows]) or (0.0, 1.0)
        pad = 0.015 * (x_span[1] - x_span[0])
        return x_span[0] - pad, x_span[1] + pad

    def _set_ranges(self, data: ChartData) -> None:
        c = data.comparison
        x_range = self._x_range(data)
        y_ranges = []
        for panel in self._panels:
            values = [s.shown_y for s in self._series.values() if s.plot is panel.plot]
            if c.chart == "race":
                values += [np.array([r.units for r in results if r.days is not None], dtype=float)
                           for e, results in data.crossings.items()
                           if e in self._series and self._series[e].plot is panel.plot]
            y_ranges.append(axes.value_range(values))
        shared = self._shares_value_scale(c)
        if shared:
            y_ranges = [axes.union(y_ranges)] * len(self._panels)
        leader = self._panels[0].plot.getViewBox() if shared else None
        for panel in self._panels[1:]:
            view = panel.plot.getViewBox()
            if view.linkedView(pg.ViewBox.YAxis) is not leader:  # linking again re-ranges both
                view.setYLink(leader)
        self._ranges = [(x_range, y) for y in y_ranges]
        self.reset_view()

    def _shares_value_scale(self, c: Comparison) -> bool:
        return c.shared_y and len(self._panels) > 1

    def reset_view(self) -> None:
        """Back to the computed ranges after the user zoomed or panned."""
        if self._on_canvas:
            self._canvas_item().set_window(*self._canvas_window)
            return
        for panel, (x_range, y_range) in zip(self._panels, self._ranges, strict=False):
            panel.plot.getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0)
        self._settle()
        self._place_race_labels()

    def _place_race_labels(self) -> None:
        if self.data is None or self.data.comparison.chart != "race":
            return
        for panel in self._panels:
            labels = [(label, label.pos().x(), label.pos().y()) for series in self._series.values()
                      if series.plot is panel.plot for label in series.crossing_labels if label.isVisible()]
            place_labels(panel.plot.getViewBox(), labels)

    def _show_milestones(self, data: ChartData, plans: list[PanelPlan], milestones: list[Milestone],
                         names: dict[str, str]) -> None:
        c = data.comparison
        window = self._ranges[0][0] if self._ranges and c.chart != "race" else None
        colours = self._entity_colours()
        for panel, plan in zip(self._panels, plans, strict=True):
            family: set[str] = set()
            for entity in plan.entities:
                family |= self._family(entity)
            panel.overlay.update(milestones, family, c.milestone_categories, window, colours, names,
                                 c.language, self.theme)

    def _entity_colours(self) -> dict[str, str]:
        """Each entity's colour as drawn on this theme's background (milestone lines use it)."""
        return {e.id: readable_colour(e.colour, self.theme) for e in self.tree}

    def _family(self, entity: str) -> set[str]:
        family = {entity}
        for child in self.tree.children(entity):
            family |= self._family(child.id)
        return family

    # --- selection ---------------------------------------------------------------------------

    def highlight(self, entity: str, period: str) -> bool:
        """Ring one point (clearing any other); False when it is not drawn."""
        if self._on_canvas:
            return self._canvas_item().highlight(entity, period)
        for other, series in self._series.items():
            if other != entity:
                series.clear_highlight()
        series = self._series.get(entity)
        return series is not None and series.plot is not None and series.highlight_period(period)

    def highlighted(self) -> tuple[str, float, float] | None:
        if self._on_canvas:
            return self._canvas_item().highlighted()
        for entity, series in self._series.items():
            where = series.highlighted()
            if where is not None:
                return entity, *where
        return None

    # --- the time axis and milestones shared with other views ----------------------------------

    def is_calendar(self) -> bool:
        """Whether the x axis is calendar time (every chart but the race, which counts days)."""
        return self.data is not None and self.data.comparison.chart != "race"

    def x_range(self) -> tuple[float, float]:
        if self._on_canvas:
            return self._canvas_item().window
        x0, x1 = self._panels[0].plot.getViewBox().viewRange()[0]
        return float(x0), float(x1)

    def set_x_range(self, x0: float, x1: float) -> None:
        """Show x0..x1 (epoch seconds) on a calendar chart, as a linked view asks, without
        echoing `xRangeChanged`; the race keeps its own axis."""
        if not self.is_calendar() or not (self._panels or self._on_canvas):
            return
        self._syncing_x = True
        try:
            if self._on_canvas:
                self._canvas_item().set_window(x0, x1)
            else:
                self._panels[0].plot.getViewBox().setXRange(x0, x1, padding=0)
        finally:
            self._syncing_x = False

    def _on_x_range(self, _view: object, x_range: tuple[float, float]) -> None:
        self._emit_x_range(float(x_range[0]), float(x_range[1]))

    def _emit_x_range(self, x0: float, x1: float) -> None:
        if not self._syncing_x and self.is_calendar():
            self.xRangeChanged.emit(x0, x1)

    def preview_milestone(self, ident: str, x: float) -> None:
        """Show a milestone's line at x in every panel while it is dragged (NaN: as stored)."""
        if self._on_canvas:
            self._canvas_item().preview_milestone(ident, x)
        for panel in self._panels:
            panel.overlay.preview(ident, x)

    def _on_milestone_dragged(self, ident: str, x: float) -> None:
        self.preview_milestone(ident, x)  # the panel dragged in, and any other showing it
        self.milestoneDragged.emit(ident, x)

"""The milestone timeline editor: lanes per entity, zoom and pan in time, editing in place.

`TimelineWidget(project, undo_stack)` is a plain QWidget for a dock under the charts. Its x
axis is UTC epoch seconds, like the calendar charts, so the window can link the two with
`set_x_range` and `xRangeChanged`. Every edit is an undo command on the given stack; the
widget listens to the milestone store and moves, adds or removes only the items a change
touches.

Mouse: drag an item to move it (a day at a time; all selected items move together), drag a
span's ends to resize it, double-click to edit, Ctrl+click to add to the selection,
Shift- or Ctrl-drag on empty space for a rubber band, drag empty space to pan, wheel to zoom,
right-click for the menu; click a lane's name to collapse or expand it. Keys: Delete,
Ctrl+D (duplicate), Enter (edit), Left/Right (a day earlier or later), Escape.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterable

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsRectItem,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.data import DAY, date_text, day_of, epoch_seconds
from evcompare.charts.labels import category_labels
from evcompare.charts.milestone_overlay import milestone_details
from evcompare.commands.milestones import AddMilestones, EditMilestone, MoveMilestones, RemoveMilestones
from evcompare.model.milestones import CATEGORIES, LAST_YEAR, Milestone, new_id
from evcompare.model.project import Project
from evcompare.ui.theming import get_theme, style_plot
from evcompare.ui.timeline.dialog import MilestoneDialog, export_milestones_file, import_milestones_file
from evcompare.ui.timeline.items import (
    RADIUS,
    DragSignals,
    ItemStyle,
    MilestoneItem,
    category_shape,
    layout_lane,
)
from evcompare.ui.timeline.lanes import Lane, LaneModel
from evcompare.ui.timeline.listen import subscribe_weakly
from evcompare.ui.timeline.table import MilestoneTableView

INDUSTRY_COLOUR = "#6e7781"
INDENT_PX = 12
AXIS_WIDTH = 128
_X_MIN = epoch_seconds(pd.Timestamp("2000-01-01"))
_X_MAX = epoch_seconds(pd.Timestamp(f"{LAST_YEAR}-12-31"))


class LaneAxis(pg.AxisItem):
    """The lane names, left-aligned and indented by depth; a click toggles a group."""

    laneClicked = Signal(int)

    def __init__(self) -> None:
        super().__init__("left")
        self._depth: dict[str, int] = {}
        self.setWidth(AXIS_WIDTH)
        self.setStyle(tickLength=0)

    def set_lanes(self, names: list[tuple[str, int]]) -> None:
        """(name, depth) per row, top row first."""
        self._depth = dict(names)
        self.setTicks([[(row, name) for row, (name, _) in enumerate(names)], []])

    def generateDrawSpecs(self, p: QPainter):  # noqa: N802 (pyqtgraph's name)
        axis, ticks, texts = super().generateDrawSpecs(p)
        width = self.width()
        placed = []
        for rect, _flags, text in texts:
            left = 4 + INDENT_PX * self._depth.get(text, 0)
            placed.append((QRectF(left, rect.y(), width - left - 4, rect.height()),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text))
        return axis, ticks, placed

    def mouseClickEvent(self, event) -> None:  # noqa: N802 (pyqtgraph's name)
        view = self.linkedView()
        if view is None or event.button() != Qt.MouseButton.LeftButton:
            return
        event.accept()
        self.laneClicked.emit(round(view.mapSceneToView(event.scenePos()).y()))


class _TimelineViewBox(pg.ViewBox):
    """A view box that asks the timeline what a click, drag or hover means before panning."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.timeline: weakref.ref[TimelineWidget] | None = None

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        timeline = self.timeline() if self.timeline else None
        if timeline is not None:
            timeline._on_click(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (pyqtgraph's name)
        timeline = self.timeline() if self.timeline else None
        if timeline is None or not timeline._on_drag(ev):
            super().mouseDragEvent(ev, axis)

    def hoverEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        timeline = self.timeline() if self.timeline else None
        if timeline is not None:
            timeline._on_hover(ev)


def _category_icon(category: str, colour: QColor) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(8, 8)
    painter.setPen(QPen(colour, 1.0))
    painter.setBrush(colour)
    painter.drawPath(category_shape(category, 5.5))
    painter.end()
    return QIcon(pixmap)


class TimelineWidget(QWidget):
    """Edit the project's milestones on a zoomable timeline with one lane per entity."""

    xRangeChanged = Signal(float, float)  # the user zoomed or panned (epoch seconds)
    selectionChanged = Signal(list)  # selected milestone ids
    categoriesChanged = Signal(tuple)  # the category filter, changed from the toolbar
    milestoneDragged = Signal(str, float)  # id, start x it is dragged to; NaN when released (a preview)

    def __init__(self, project: Project, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = undo_stack
        self._store = project.milestones
        self._items: dict[str, MilestoneItem] = {}
        self._selected: list[str] = []
        self._categories: tuple[str, ...] = tuple(project.comparison.milestone_categories)
        self._search = ""
        self._language = project.comparison.language
        self._theme = get_theme(project.comparison.theme)
        self._entity_counts: Counter[str] = Counter()
        self._lanes = LaneModel(project.dataset.entities)
        self._dirty_rows: set[int] | None = None  # None: every lane needs its labels laid out
        self._syncing = False
        self._press: tuple[MilestoneItem, str, float, float] | None = None  # item, mode, press x, origin
        self._carrying = False
        self._previewing = False  # showing a drag made in another view
        self._band: QGraphicsRectItem | None = None
        self._band_start = QPointF()
        self._hovered: MilestoneItem | None = None
        self._cursor_x: float | None = None
        self._cursor_row: int | None = None
        self._lane_items: list[QGraphicsRectItem] = []
        self._table: MilestoneTableView | None = None
        self._layout_timer = QTimer(self, singleShot=True, interval=0)
        self._layout_timer.timeout.connect(self.relayout)
        self.drag_signals = DragSignals(self)
        self.drag_signals.dragged.connect(self._on_item_dragged)
        self.drag_signals.dragFinished.connect(self._on_drag_finished)
        self._build_plot()
        self._build_toolbar()
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._splitter.addWidget(self.plot_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self._splitter, 1)
        self._style = self._make_style()
        self._apply_theme()
        for milestone in self._store:
            self._entity_counts[milestone.entity] += 1
        self._lanes.update(self._entity_counts)
        self._apply_lanes()
        for milestone in self._store:
            self._add_item(milestone)
        self._apply_filter()
        self.fit_all()
        subscribe_weakly(self, self._store, "_on_store")
        subscribe_weakly(self, project, "_on_project")

    # construction --------------------------------------------------------------------------------

    def _build_plot(self) -> None:
        self.view_box = _TimelineViewBox()
        self.view_box.timeline = weakref.ref(self)
        self.lane_axis = LaneAxis()
        self.lane_axis.laneClicked.connect(self._toggle_row)
        self.plot_widget = pg.PlotWidget(viewBox=self.view_box, axisItems={
            "bottom": pg.DateAxisItem(utcOffset=0), "left": self.lane_axis})
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.installEventFilter(self)
        self.plot_widget.setMinimumHeight(120)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        box = self.view_box
        box.invertY(True)
        box.setMouseEnabled(x=True, y=False)
        box.disableAutoRange()
        box.setLimits(xMin=_X_MIN, xMax=_X_MAX, minXRange=14 * DAY, maxXRange=_X_MAX - _X_MIN)
        box.sigXRangeChanged.connect(self._on_x_range)
        box.sigResized.connect(self._on_resized)
        today = epoch_seconds(pd.Timestamp.today().normalize())
        self._today = pg.InfiniteLine(today, angle=90, movable=False,
                                      label=self.tr("today"), labelOpts={"position": 0.02})
        box.addItem(self._today, ignoreBounds=True)

    def _build_toolbar(self) -> None:
        bar = self.toolbar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_action = self._action(self.tr("Add"), self.tr("Add a milestone at the cursor's date (or the "
                                                             "middle of the view); double-click a lane too"),
                                       self.add_at_cursor)
        self.duplicate_action = self._action(self.tr("Duplicate"), self.tr("Copy the selected milestones "
                                                                         "(Ctrl+D)"), self.duplicate_selected)
        self.delete_action = self._action(self.tr("Delete"), self.tr("Delete the selected milestones "
                                                                   "(Delete)"), self.delete_selected)
        for action in (self.add_action, self.duplicate_action, self.delete_action):
            bar.addAction(action)
        bar.addSeparator()
        self.category_buttons: dict[str, QToolButton] = {}
        for category, name in category_labels().items():
            button = QToolButton(bar)
            button.setText(name)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(self.tr("Show or hide {category} milestones").format(category=name.lower()))
            button.setChecked(category in self._categories)
            button.toggled.connect(self._on_category_button)
            bar.addWidget(button)
            self.category_buttons[category] = button
        bar.addSeparator()
        self.search_edit = QLineEdit(bar)
        self.search_edit.setPlaceholderText(self.tr("Search milestones"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(220)
        self.search_edit.textChanged.connect(self.set_search)
        bar.addWidget(self.search_edit)
        bar.addSeparator()
        bar.addAction(self._action(self.tr("Fit"), self.tr("Show every milestone"), self.fit_all))
        self.table_action = self._action(self.tr("Table"), self.tr("Show the milestones as an editable "
                                                                  "table"), self.set_table_visible)
        self.table_action.setCheckable(True)
        bar.addAction(self.table_action)
        more = QMenu(self)
        more.addAction(self.tr("Expand all lanes"), lambda: self._set_all_collapsed(False))
        more.addAction(self.tr("Collapse all lanes"), lambda: self._set_all_collapsed(True))
        more.addSeparator()
        more.addAction(self.tr("Import milestones from CSV…"), self._import_file)
        more.addAction(self.tr("Export milestones to CSV…"), lambda: self._export_file("csv"))
        more.addAction(self.tr("Export milestones to iCalendar…"), lambda: self._export_file("ics"))
        more_button = QToolButton(bar)
        more_button.setText(self.tr("More"))
        more_button.setMenu(more)
        more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(more_button)
        self._update_actions()

    def _action(self, text: str, tip: str, slot) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(lambda *_: slot())
        return action

    # appearance --------------------------------------------------------------------------------------

    def _make_style(self) -> ItemStyle:
        theme = self._theme
        font = self.font()
        font.setPointSize(theme.font_pt)
        return ItemStyle(font, QColor(theme.plot_foreground), QColor(theme.plot_background),
                         QColor(theme.selection))

    def _apply_theme(self) -> None:
        """Colour the plot, the today line and the filter icons (pyqtgraph ignores the palette)."""
        theme = self._theme
        style_plot(self.plot_item, theme)
        self.plot_item.showGrid(x=True, y=False, alpha=theme.grid_alpha)
        self._today.setPen(pg.mkPen(theme.accent, width=1, style=Qt.PenStyle.DashLine))
        self._today.label.setColor(theme.accent)
        for category, button in self.category_buttons.items():
            button.setIcon(_category_icon(category, QColor(theme.text_muted)))

    def _restyle(self) -> None:
        """Give every item the current theme's colours and font."""
        self._style = self._make_style()
        for item in self._items.values():
            item.style = self._style
            item.restyle()
        self._apply_lanes()

    def _title(self, milestone: Milestone) -> str:
        if self._language == "zh" and milestone.title_zh:
            return milestone.title_zh
        if self._language == "both" and milestone.title_zh:
            return f"{milestone.title} {milestone.title_zh}"
        return milestone.title

    def _colour(self, milestone: Milestone) -> str:
        entity = self.project.dataset.entities.get(milestone.entity)
        return entity.colour if entity else INDUSTRY_COLOUR

    def entity_name(self, key: str) -> str:
        entity = self.project.dataset.entities.get(key)
        return entity.label(self._language) if entity else self.tr("Industry")

    def lane_name(self, lane: Lane) -> str:
        """The lane's name with ▾ or ▸ when it has lanes under it."""
        name = self.entity_name(lane.key)
        if lane.expandable:
            return ("▸ " if lane.collapsed else "▾ ") + name
        return name

    def _apply_lanes(self) -> None:
        """Show the lanes: names, background bands, and each item's row."""
        lanes = self._lanes.lanes
        self.lane_axis.set_lanes([(self.lane_name(lane), lane.depth) for lane in lanes])
        box = self.view_box
        for band in self._lane_items:
            box.removeItem(band)
        self._lane_items = []
        stripe = QColor(self._theme.plot_background)
        ink = QColor(self._theme.plot_foreground)
        stripe.setRgbF(*(0.96 * c1 + 0.04 * c2 for c1, c2 in zip(stripe.getRgbF()[:3], ink.getRgbF()[:3],
                                                                 strict=True)))
        width = _X_MAX - _X_MIN
        for row, lane in enumerate(lanes):
            if row and lane.depth == 0:  # a line above each top-level entity
                self._lane_rect(QRectF(_X_MIN, row - 0.5, width, 0), pg.mkPen(self._theme.grid, width=1),
                                Qt.BrushStyle.NoBrush, -9)
            if row % 2:  # every other lane tinted, so a row's events read across
                self._lane_rect(QRectF(_X_MIN, row - 0.5, width, 1.0), pg.mkPen(None), stripe, -10)
        box.setLimits(yMin=-0.5, yMax=len(lanes) - 0.5)
        box.setYRange(-0.5, len(lanes) - 0.5, padding=0)
        for item in self._items.values():
            item.set_row(self._lanes.row(item.milestone.entity))
        self._schedule_layout(None)

    def _lane_rect(self, rect: QRectF, pen: QPen, brush: QColor | Qt.BrushStyle, z: float) -> None:
        item = QGraphicsRectItem(rect)
        item.setPen(pen)
        item.setBrush(brush)
        item.setZValue(z)
        self.view_box.addItem(item, ignoreBounds=True)
        self._lane_items.append(item)

    # items ------------------------------------------------------------------------------------------

    def _add_item(self, milestone: Milestone) -> MilestoneItem:
        item = MilestoneItem(milestone, self._colour(milestone), self._style, self.drag_signals)
        item.title = self._title(milestone)
        item.set_row(self._lanes.row(milestone.entity))
        item.setVisible(self._matches(milestone))
        self.view_box.addItem(item, ignoreBounds=True)
        self._items[milestone.id] = item
        return item

    def item(self, ident: str) -> MilestoneItem:
        """The graphics item showing a milestone (KeyError if there is none)."""
        return self._items[ident]

    def items(self) -> list[MilestoneItem]:
        return list(self._items.values())

    def shown_ids(self) -> list[str]:
        """Milestones that pass the category filter and the search."""
        return [ident for ident, item in self._items.items() if item.isVisible()]

    def _on_store(self, kind: str, ident: str) -> None:
        old_rows = set()
        if kind == "removed":
            item = self._items.pop(ident)
            old_rows.add(item.row)
            self._count(item.milestone.entity, -1)
            if self._hovered is item:
                self._hovered = None
            self.view_box.removeItem(item)
            if ident in self._selected:
                self._selected.remove(ident)
                self.selectionChanged.emit(list(self._selected))
        elif kind == "added" and ident not in self._items:
            milestone = self._store[ident]
            self._count(milestone.entity, +1)
            self._add_item(milestone)
        else:
            milestone = self._store[ident]
            item = self._items[ident]
            old_rows.add(item.row)
            if item.milestone.entity != milestone.entity:
                self._count(item.milestone.entity, -1)
                self._count(milestone.entity, +1)
            item.set_milestone(milestone, self._colour(milestone), self._title(milestone),
                               self._lanes.row(milestone.entity))
            item.setVisible(self._matches(milestone))
        if ident in self._store:
            old_rows.add(self._lanes.row(self._store[ident].entity))
        self._schedule_layout(old_rows)
        self._update_actions()

    def _count(self, entity: str, step: int) -> None:
        """Keep per-entity counts; a lane appears or goes when an entity gains its first
        milestone or loses its last."""
        self._entity_counts[entity] += step
        if self._entity_counts[entity] <= 0:
            del self._entity_counts[entity]
        if self._entity_counts[entity] in (0, 1) and self._lanes.update(self._entity_counts):
            self._apply_lanes()

    # label layout ------------------------------------------------------------------------------

    def _schedule_layout(self, rows: Iterable[int] | None) -> None:
        if rows is None or self._dirty_rows is None:
            self._dirty_rows = None
        else:
            self._dirty_rows.update(rows)
        self._layout_timer.start()

    def relayout(self) -> None:
        """Lay out the labels of the lanes that changed now instead of on the next event loop
        turn (the timer coalesces a burst of changes, such as an import, into one pass)."""
        self._layout_timer.stop()
        rows, self._dirty_rows = self._dirty_rows, set()
        width, height = self.view_box.viewPixelSize()
        if width <= 0 or height <= 0:
            return
        scale = 1.0 / width
        by_row: dict[int, list[MilestoneItem]] = {}
        for item in self._items.values():
            if (rows is None or item.row in rows) and item.isVisible():
                by_row.setdefault(item.row, []).append(item)
        x0, x1 = self.view_box.viewRange()[0]
        for row_items in by_row.values():
            layout_lane(row_items, scale, 1.0 / height, self._style, x0, (x1 - x0) * scale)

    def _on_x_range(self, _box: object, x_range: tuple[float, float]) -> None:
        self._schedule_layout(None)  # labels are cut at the right edge, so a pan moves it too
        self._today.setVisible(x_range[0] <= self._today.value() <= x_range[1])  # else its label
        if not self._syncing:
            self.xRangeChanged.emit(float(x_range[0]), float(x_range[1]))

    def _on_resized(self) -> None:
        self._schedule_layout(None)

    # public view API -------------------------------------------------------------------------------

    def set_x_range(self, x0: float, x1: float) -> None:
        """Show x0..x1 (epoch seconds) without echoing `xRangeChanged` (for linked charts)."""
        self._syncing = True
        try:
            self.view_box.setXRange(x0, x1, padding=0)
        finally:
            self._syncing = False

    def preferred_height(self) -> int:
        """Pixels that give every lane room for a line of labels: what the dock should offer."""
        lanes = round(len(self._lanes.lanes) * 1.6 * self._style.row_height)
        return self.toolbar.sizeHint().height() + self.plot_item.getAxis("bottom").height() + lanes

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self.view_box.viewRange()[0]
        return float(x0), float(x1)

    def fit_all(self) -> None:
        """Zoom to show every milestone, with a month before and room for labels after."""
        xs = [x for item in self._items.values() for x in (item.x_start, item.x_end)]
        if xs:
            start, end = min(xs), max(xs)
            self.view_box.setXRange(start - 30 * DAY, end + max(30 * DAY, (end - start) * 0.12), padding=0)

    def selected_ids(self) -> list[str]:
        return list(self._selected)

    def select(self, ids: Iterable[str]) -> None:
        """Select these milestones (unknown or hidden ones are left out)."""
        wanted = [i for i in dict.fromkeys(ids) if i in self._items and self._items[i].isVisible()]
        if wanted == self._selected:
            return
        for ident in self._selected:
            if ident in self._items:
                self._items[ident].set_selected(False)
        self._selected = wanted
        for ident in wanted:
            self._items[ident].set_selected(True)
        self._update_actions()
        self.selectionChanged.emit(list(wanted))

    def categories(self) -> tuple[str, ...]:
        return self._categories

    def set_categories(self, categories: Iterable[str]) -> None:
        """Show only milestones of these categories (the toolbar buttons follow)."""
        chosen = set(categories)
        wanted = tuple(c for c in CATEGORIES if c in chosen)
        if wanted == self._categories:
            return
        self._categories = wanted
        for category, button in self.category_buttons.items():
            button.blockSignals(True)
            button.setChecked(category in wanted)
            button.blockSignals(False)
        self._apply_filter()

    def set_search(self, text: str) -> None:
        """Show only milestones whose title, description, entity or source contains `text`."""
        if text == self._search:
            return
        self._search = text
        if self.search_edit.text() != text:
            self.search_edit.setText(text)
        self._apply_filter()

    def _matches(self, milestone: Milestone) -> bool:
        if milestone.category not in self._categories:
            return False
        if not self._search:
            return True
        entity = self.project.dataset.entities.get(milestone.entity)
        names = (entity.name_en, entity.name_zh) if entity else (milestone.entity,)
        haystack = " ".join((milestone.title, milestone.title_zh, milestone.description,
                             milestone.source_title, *names)).casefold()
        return all(word in haystack for word in self._search.casefold().split())

    def _apply_filter(self) -> None:
        for item in self._items.values():
            item.setVisible(self._matches(item.milestone))
        self.select(i for i in self._selected if self._items[i].isVisible())
        self._schedule_layout(None)

    def _on_category_button(self) -> None:
        self._categories = tuple(c for c, b in self.category_buttons.items() if b.isChecked())
        self._apply_filter()
        self.categoriesChanged.emit(self._categories)

    def _on_project(self, what: str) -> None:
        if what != "comparison":
            return
        comparison = self.project.comparison
        if comparison.theme != self._theme.name:
            self._theme = get_theme(comparison.theme)
            self._apply_theme()
            self._restyle()
        if comparison.language != self._language:
            self._language = comparison.language
            for item in self._items.values():
                item.title = self._title(item.milestone)
            self._apply_lanes()
        self.set_categories(comparison.milestone_categories)

    def _toggle_row(self, row: int) -> None:
        lanes = self._lanes.lanes
        if 0 <= row < len(lanes) and lanes[row].expandable and self._lanes.toggle(lanes[row].key):
            self._apply_lanes()

    def _set_all_collapsed(self, collapsed: bool) -> None:
        if self._lanes.set_all_collapsed(collapsed):
            self._apply_lanes()

    def set_table_visible(self, visible: bool | None = None) -> None:
        """Show or hide the milestone table beside the timeline (made on first use)."""
        visible = self.table_action.isChecked() if visible is None else visible
        self.table_action.setChecked(visible)
        if visible and self._table is None:
            self._table = MilestoneTableView(self.project, self.undo_stack, self)
            self._table.selectionChangedIds.connect(self.select)
            self.selectionChanged.connect(self._table.select)
            self._splitter.addWidget(self._table)
            self._splitter.setSizes([3 * self.width() // 5, 2 * self.width() // 5])
        if self._table is not None:
            self._table.setVisible(visible)

    # editing ---------------------------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    def _entity_ids(self) -> list[str]:
        return [e.id for e in self.project.dataset.entities]

    def delete_selected(self) -> None:
        """Delete the selected milestones as one undo step."""
        if self._selected:
            self._push(RemoveMilestones(self._store, list(self._selected)))

    def duplicate_selected(self) -> None:
        """Copy the selected milestones (as the user's) and select the copies."""
        if not self._selected:
            return
        copies = [self._store[i].replace(id=new_id(), origin="user", seed=False) for i in self._selected]
        text = self.tr("Duplicate {count} milestones").format(count=len(copies)) if len(copies) > 1 \
            else self.tr("Duplicate '{title}'").format(title=copies[0].title)
        self._push(AddMilestones(self._store, copies, text=text))
        self.select(c.id for c in copies)

    def nudge_selected(self, days: int) -> None:
        """Move the selected milestones by whole days, as one undo step."""
        if self._selected and days:
            try:
                self._push(MoveMilestones(self._store, list(self._selected), days))
            except ValueError as exc:
                self._show_refusal(str(exc))

    def edit(self, ident: str) -> MilestoneDialog:
        """Open the edit dialog for a milestone; accepting it pushes one EditMilestone."""
        return self._open_dialog(self._store[ident], new=False)

    def add_at(self, x: float, entity: str) -> MilestoneDialog:
        """Open the dialog for a new milestone of `entity` on the day at `x`."""
        date = date_text(x)
        planned = pd.Timestamp(date) > pd.Timestamp.today()
        template = Milestone(id=new_id(), date=date, entity=entity, category="launch", title="",
                             status="planned" if planned else "done", origin="user")
        return self._open_dialog(template, new=True)

    def add_at_cursor(self) -> MilestoneDialog:
        """Add at the last date the mouse was over, or at the middle of the view; in the lane of
        the cursor or of the first selected milestone."""
        x0, x1 = self.x_range()
        x = self._cursor_x if self._cursor_x is not None and x0 <= self._cursor_x <= x1 else (x0 + x1) / 2
        return self.add_at(x, self._entity_for(self._cursor_row))

    def _entity_for(self, row: int | None) -> str:
        lanes = self._lanes.lanes
        if row is not None and 0 <= row < len(lanes):
            return lanes[row].key
        if self._selected:
            return self._store[self._selected[0]].entity
        return lanes[0].key

    def _open_dialog(self, milestone: Milestone, new: bool) -> MilestoneDialog:
        dialog = MilestoneDialog(milestone, self.project.dataset.entities, self._language, new, self)
        dialog.accepted.connect(lambda: self._dialog_accepted(dialog, new))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _dialog_accepted(self, dialog: MilestoneDialog, new: bool) -> None:
        milestone = dialog.milestone()
        if new:
            self._push(AddMilestones(self._store, [milestone], entities=self._entity_ids()))
            self.select([milestone.id])
        elif milestone.id in self._store and milestone != self._store[milestone.id]:
            self._push(EditMilestone(self._store, milestone, entities=self._entity_ids()))

    def _show_refusal(self, message: str) -> None:
        QToolTip.showText(self.plot_widget.mapToGlobal(self.plot_widget.rect().center()), message,
                          self.plot_widget)

    def _import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import milestones"), "",
                                              self.tr("CSV files (*.csv)"))
        if path:
            import_milestones_file(self, self.project, self.undo_stack, path)

    def _export_file(self, kind: str) -> None:
        pattern = self.tr("iCalendar files (*.ics)") if kind == "ics" else self.tr("CSV files (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export milestones"), f"milestones.{kind}",
                                              pattern)
        if path:
            export_milestones_file(self, self.project, path)

    def _update_actions(self) -> None:
        has = bool(self._selected)
        self.duplicate_action.setEnabled(has)
        self.delete_action.setEnabled(has)

    # mouse -----------------------------------------------------------------------------------------

    def item_at(self, scene_pos: QPointF) -> tuple[MilestoneItem | None, str]:
        """The shown item under a scene point and what the press grabs there.

        Where items overlap, the nearest marker wins over a label or bar reaching the point.
        """
        row = round(self.view_box.mapSceneToView(scene_pos).y())
        best: tuple[float, MilestoneItem | None, str] = (float("inf"), None, "")
        for item in self._items.values():
            if item.row == row and item.isVisible():
                offset = scene_pos - item.scenePos()
                mode = item.hit(offset)
                distance = abs(offset.x()) + (0 if abs(offset.x()) <= RADIUS + 2 else 1000)
                if mode and distance < best[0]:
                    best = (distance, item, mode)
        return best[1], best[2]

    def _on_click(self, ev) -> None:
        item, _mode = self.item_at(ev.scenePos())
        point = self.view_box.mapSceneToView(ev.scenePos())
        self.plot_widget.setFocus(Qt.FocusReason.MouseFocusReason)
        ctrl = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            if item is not None and item.milestone.id not in self._selected:
                self.select([item.milestone.id])
            self.context_menu(point.x(), round(point.y()), item).popup(ev.screenPos().toPoint())
        elif ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            if ev.double():
                if item is not None:
                    self.edit(item.milestone.id)
                else:
                    self.add_at(point.x(), self._entity_for(round(point.y())))
            elif item is None:
                if not ctrl:
                    self.select([])
            elif ctrl:
                ident = item.milestone.id
                self.select([i for i in self._selected if i != ident] if ident in self._selected
                            else [*self._selected, ident])
            else:
                self.select([item.milestone.id])

    def context_menu(self, x: float, row: int, item: MilestoneItem | None) -> QMenu:
        """The right-click menu for a point of the timeline (and the item there, if any)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if item is not None:
            menu.addAction(self.tr("Edit…"), lambda: self.edit(item.milestone.id))
            menu.addAction(self.duplicate_action)
            menu.addAction(self.delete_action)
            menu.addSeparator()
        entity = self._entity_for(row)
        menu.addAction(self.tr("Add milestone for {entity} on {date}…").format(
            entity=self.entity_name(entity), date=date_text(x)), lambda: self.add_at(x, entity))
        menu.addSeparator()
        menu.addAction(self.tr("Fit all"), self.fit_all)
        menu.addAction(self.tr("Expand all lanes"), lambda: self._set_all_collapsed(False))
        menu.addAction(self.tr("Collapse all lanes"), lambda: self._set_all_collapsed(True))
        return menu

    def _on_drag(self, ev) -> bool:
        """Handle a drag that starts on an item or with Shift/Ctrl (rubber band); False lets
        the view box pan."""
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        x = self.view_box.mapSceneToView(ev.scenePos()).x()
        if ev.isStart():
            modifier = Qt.KeyboardModifier
            band = bool(ev.modifiers() & (modifier.ShiftModifier | modifier.ControlModifier))
            item, mode = self.item_at(ev.buttonDownScenePos())
            press_x = self.view_box.mapSceneToView(ev.buttonDownScenePos()).x()
            if item is not None and not band:
                if item.milestone.id not in self._selected:
                    self.select([item.milestone.id])
                origin = item.x_end if mode == "end" else item.x_start
                self._press = (item, mode, press_x, origin)
                item.begin_drag(mode)
            elif band:
                self._band_start = self.view_box.mapSceneToView(ev.buttonDownScenePos())
                self._band = QGraphicsRectItem()
                self._band.setPen(pg.mkPen(self._theme.accent, width=1, style=Qt.PenStyle.DashLine))
                colour = QColor(self._theme.accent)
                colour.setAlpha(40)
                self._band.setBrush(colour)
                self.view_box.addItem(self._band, ignoreBounds=True)
            else:
                return False
        if self._press is not None:
            ev.accept()
            item, mode, press_x, origin = self._press
            if ev.isFinish():
                self._press = None
                item.finish_drag(origin + x - press_x)
            else:
                item.drag_to(origin + x - press_x)
            return True
        if self._band is not None:
            ev.accept()
            point = self.view_box.mapSceneToView(ev.scenePos())
            rect = QRectF(self._band_start, point).normalized()
            self._band.setRect(rect)
            if ev.isFinish():
                self.view_box.removeItem(self._band)
                self._band = None
                keep = self._selected if ev.modifiers() & Qt.KeyboardModifier.ControlModifier else []
                inside = [i for i, it in self._items.items() if it.isVisible()
                          and rect.left() <= it.x_start <= rect.right()
                          and rect.top() - 0.5 <= it.row <= rect.bottom() + 0.5]
                self.select([*keep, *inside])
            return True
        return False

    def preview_move(self, ident: str, x: float) -> None:
        """Show a milestone at start x while it is dragged in another view (NaN: as stored)."""
        item = self._items.get(ident)
        if item is None:
            return
        if math.isnan(x):
            item.cancel_drag()
            return
        self._previewing = True  # this item only, and nothing to announce
        try:
            item.begin_drag("move")
            item.drag_to(x)
        finally:
            self._previewing = False

    def _on_item_dragged(self, item: MilestoneItem, mode: str, x: float) -> None:
        """Announce the drag to linked views; carry the other selected items along when one of
        them is moved (they are announced as they go)."""
        if self._previewing:
            return
        if mode != "end":
            self.milestoneDragged.emit(item.milestone.id, x)
        if mode != "move" or not item.selected or self._carrying:
            return
        self._carrying = True  # a companion's own drag signal must not carry the others again
        try:
            delta = x - item.x_start
            for ident in self._selected:
                other = self._items[ident]
                if other is not item:
                    other.begin_drag("move")
                    other.drag_to(other.x_start + delta)
        finally:
            self._carrying = False

    def _on_drag_finished(self, item: MilestoneItem, mode: str, x: float) -> None:
        """Turn a finished drag into one undo command (none when it ends where it began)."""
        milestone = item.milestone
        ids = [i for i in self._selected if i != milestone.id] if item.selected else []
        try:
            if mode == "move":
                days = day_of(x) - day_of(item.x_start)
                if days:
                    self._push(MoveMilestones(self._store, [milestone.id, *ids], days))
            else:
                changed = milestone.replace(date=date_text(x), date_precision="day") if mode == "start" \
                    else milestone.replace(end_date=date_text(x - DAY))
                if changed != milestone:
                    self._push(EditMilestone(self._store, changed, text=self.tr(
                        "Change dates of '{title}'").format(title=milestone.title)))
        except ValueError as exc:
            self._show_refusal(str(exc))
        for ident in [milestone.id, *ids]:  # after a command they already show the stored dates
            if ident in self._items:
                self._items[ident].cancel_drag()
            self.milestoneDragged.emit(ident, math.nan)

    def _on_hover(self, ev) -> None:
        if ev.isExit():
            self._hovered = None
            self.plot_widget.viewport().unsetCursor()
            QToolTip.hideText()
            return
        point = self.view_box.mapSceneToView(ev.scenePos())
        self._cursor_x, self._cursor_row = point.x(), round(point.y())
        item, mode = self.item_at(ev.scenePos())
        cursor = {"start": Qt.CursorShape.SizeHorCursor, "end": Qt.CursorShape.SizeHorCursor,
                  "move": Qt.CursorShape.OpenHandCursor}.get(mode, Qt.CursorShape.ArrowCursor)
        self.plot_widget.viewport().setCursor(cursor)
        if item is not self._hovered:
            self._hovered = item
            if item is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(ev.screenPos().toPoint(), self.tooltip(item.milestone), self.plot_widget)

    def tooltip(self, milestone: Milestone) -> str:
        """The full text of a milestone, shown on hover whatever its label shows."""
        lines = [milestone_details(milestone, self.entity_name(milestone.entity))]
        if milestone.end_date:
            lines.append(self.tr("Until {date}").format(date=milestone.end_date))
        if milestone.date_precision == "month":
            lines.append(self.tr("Date known to the month only"))
        if milestone.status == "planned":
            lines.append(self.tr("Planned"))
        if milestone.source_url:
            lines.append(milestone.source_url)
        if milestone.origin == "user":
            lines.append(self.tr("Added or edited by you"))
        return "\n".join(lines)

    # keyboard --------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.plot_widget and event.type() == QEvent.Type.KeyPress:
            return self._on_key(event)
        return super().eventFilter(watched, event)

    def _on_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif key == Qt.Key.Key_D and ctrl:
            self.duplicate_selected()
        elif key == Qt.Key.Key_A and ctrl:
            self.select(self.shown_ids())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and len(self._selected) == 1:
            self.edit(self._selected[0])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not ctrl:
            self.nudge_selected(-1 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Escape:
            for item in self._items.values():
                if item.dragging:
                    item.cancel_drag()
            self._press = None
            self.select([])
        else:
            return False
        return True

"""The comparison workspace: KPI cards over live charts, the entity tree and the data table.

Widgets only ask for changes; `request_change` pushes one `SetComparison` on the window's undo
stack, the project notifies, and `refresh` redraws everything from the project once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from evcompare.charts.data import ChartData, chart_data
from evcompare.charts.labels import entity_labels
from evcompare.charts.panels import ChartArea
from evcompare.commands.comparison import SetComparison
from evcompare.commands.milestones import MoveMilestones
from evcompare.model.entities import LAYER_KIND
from evcompare.model.project import Project
from evcompare.ui.about import show_about
from evcompare.ui.controls import Controls
from evcompare.ui.data_table import DataTable
from evcompare.ui.entity_picker import EntityPicker
from evcompare.ui.file_actions import install_file_actions
from evcompare.ui.kpi_cards import KpiCards
from evcompare.ui.slides import install_slides
from evcompare.ui.theming import Theme, apply_theme, get_theme

if TYPE_CHECKING:  # imported when the timeline is first shown, like it is built
    from evcompare.ui.timeline import TimelineWidget

DEFAULT_SIZE = (1440, 900)
WHOLE_NUMBER_UNITS = {"vehicles", "CNY per vehicle"}
LAYOUT_VERSION = 2  # of the remembered dock layout; 2: Layers under Entities, timeline with Data


def settings() -> QSettings:
    return QSettings("evcompare", "evcompare")


class CardStrip(QScrollArea):
    """The KPI cards in a horizontal scroller, so many entities do not widen the window."""

    def __init__(self, cards: QWidget) -> None:
        super().__init__()
        self.setWidget(cards)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def fit(self) -> None:
        """Cards at their natural width (scrolled, never squeezed until their texts clip), the
        strip as tall as the cards plus the scroll bar when they overflow."""
        cards = self.widget()
        hint = cards.sizeHint()
        cards.setMinimumWidth(hint.width())
        overflow = hint.width() > self.viewport().width()
        extra = self.horizontalScrollBar().sizeHint().height() if overflow else 0
        self.setFixedHeight(hint.height() + extra)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()


class MainWindow(QMainWindow):
    """The main window over one `Project`."""

    def __init__(self, project: Project, remember_layout: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.remember_layout = remember_layout
        self.undo_stack = QUndoStack(self)
        self.theme: Theme | None = None
        self.data: ChartData | None = None
        self.selected: tuple[str, str] | None = None
        self._cards_shown: tuple | None = None  # what the KPI cards were last computed for
        self._picker_shown: tuple = ()  # the entities, language and imported ones the tree last showed
        self._entities_title = ""  # the title last set (the file actions add the file's name)
        self.setObjectName("mainWindow")
        self.resize(*DEFAULT_SIZE)
        dataset = project.dataset
        self._use_theme()  # before the widgets are made: styling them afterwards polishes them again

        self.kpis = KpiCards()
        self.chart = ChartArea(dataset.entities, self.theme)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        self.cards_area = CardStrip(self.kpis)
        layout.addWidget(self.cards_area)
        layout.addWidget(self.chart, 1)
        self.setCentralWidget(central)

        self.picker = EntityPicker(project.base_dataset.entities)
        self.entity_dock = self._dock(self.tr("Entities"), "entityDock", self.picker,
                                      Qt.DockWidgetArea.LeftDockWidgetArea)
        self.table = DataTable()
        self.table_dock = self._dock(self.tr("Data"), "dataDock", self.table,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.timeline: TimelineWidget | None = None  # built when its dock is first shown
        self.timeline_dock = self._dock(self.tr("Milestones"), "timelineDock", QWidget(),
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.table_dock, self.timeline_dock)
        self.table_dock.raise_()
        self.timeline_dock.visibilityChanged.connect(self._on_timeline_visible)
        self.controls = Controls(dataset, self)
        self.addToolBar(self.controls.data_bar)
        self.addToolBarBreak()
        self.addToolBar(self.controls.view_bar)
        self._build_actions()
        self._build_menus()
        self.document = install_file_actions(self)  # File menu, title, autosave, imports, overrides
        self.slides = install_slides(self)  # storyboard, presentation (F5), slide exports
        self.statusBar().showMessage(self.tr("Data as of {as_of} · {count} sources").format(
            as_of=dataset.manifest.get("as_of", "?"), count=dataset.manifest.get("source_count", "?")))

        self.picker.entitiesRequested.connect(lambda entities: self.request_change(entities=entities))
        self.controls.changeRequested.connect(lambda changes: self.request_change(**changes))
        self.chart.pointClicked.connect(self.on_point_clicked)
        self.chart.milestoneMoved.connect(self.move_milestone)
        self.chart.milestoneDragged.connect(self._on_chart_milestone_dragged)
        self.chart.xRangeChanged.connect(self._on_chart_x_range)
        self.table.pointSelected.connect(self.on_row_selected)
        project.subscribe(self._on_project_changed)

        self.resizeDocks([self.entity_dock, self.document.layers_dock, self.table_dock], [420, 130, 170],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.entity_dock], [240], Qt.Orientation.Horizontal)
        self._default_state = self.saveState(LAYOUT_VERSION)
        if remember_layout:
            self._restore_layout()
        self.refresh()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # --- actions and menus -------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.quit_action = self._action(self.tr("&Quit"), self.tr("Close evcompare"), self.close, "Ctrl+Q")
        self.about_action = self._action(self.tr("&About evcompare"), self.tr("Version and data set"),
                                         self.show_about, "F1")
        self.find_action = self._action(self.tr("Find entity"), self.tr("Filter the entity tree"),
                                        self.focus_entity_search, "Ctrl+F")
        self.reset_view_action = self._action(self.tr("Reset view"), self.tr("Undo zooming and panning"),
                                              self.chart.reset_view, "Ctrl+0")
        self.timeline_action = self._action(self.tr("Milestone timeline"),
                                            self.tr("Show the milestone timeline under the charts"),
                                            self.show_timeline, "Ctrl+Shift+M")
        self.reset_layout_action = self._action(self.tr("Reset layout"),
                                                self.tr("Put toolbars and panels back where they started"),
                                                self.reset_layout)
        self.open_source_action = self._action(self.tr("Open source in browser"),
                                               self.tr("Open the selected figure's source web page"),
                                               self.open_source)
        self.open_source_action.setEnabled(False)
        self.chart.add_context_action(self.open_source_action)
        self.table.view.addAction(self.open_source_action)
        self.addActions([self.undo_action, self.redo_action, self.quit_action, self.find_action,
                         self.reset_view_action, self.timeline_action])

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.table.copy_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = bar.addMenu(self.tr("&Edit"))
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addAction(self.find_action)
        edit.addAction(self.open_source_action)
        view = bar.addMenu(self.tr("&View"))
        controls = self.controls
        view.addActions(list(controls.chart_actions.values()))
        view.addAction(controls.area_share)
        view.addSeparator()
        view.addActions(list(controls.layout_actions.values()))
        view.addAction(controls.cycle_layout)
        view.addAction(controls.shared_y)
        view.addSeparator()
        view.addMenu(self.tr("Names")).addActions(list(controls.language_actions.values()))
        view.addMenu(self.tr("Milestones")).addActions(list(controls.category_actions.values()))
        view.addAction(controls.dark)
        view.addSeparator()
        view.addAction(self.reset_view_action)
        panels = view.addMenu(self.tr("Panels"))
        for toggle in (self.entity_dock.toggleViewAction(), self.table_dock.toggleViewAction(),
                       self.timeline_dock.toggleViewAction(), controls.data_bar.toggleViewAction(),
                       controls.view_bar.toggleViewAction()):
            panels.addAction(toggle)
        view.addAction(self.timeline_action)
        view.addAction(self.reset_layout_action)
        bar.addMenu(self.tr("&Help")).addAction(self.about_action)

    # --- changes -------------------------------------------------------------------------------

    def request_change(self, **changes: object) -> bool:
        """Push one undoable change; an impossible state is refused with a status message."""
        current = self.project.comparison
        new = current.replace(**changes)
        if new == current:
            return False
        problems = new.problems()
        if problems:
            self.statusBar().showMessage("; ".join(problems), 5000)
            self.controls.sync(current, self.project.latest_month())
            return False
        self.undo_stack.push(SetComparison(self.project, new))
        return True

    def set_project(self, project: Project) -> None:
        """Show another document (File ▸ New or Open) with a fresh undo history."""
        self.undo_stack.clear()
        self.project = project
        project.subscribe(self._on_project_changed)
        self.selected = None
        had_timeline = self.timeline is not None
        if self.timeline is not None:  # bound to the old document's milestones
            self.timeline.deleteLater()
            self.timeline = None
            self.timeline_dock.setWidget(QWidget())
        self.refresh()
        self.slides.follow_project()
        if had_timeline:
            self.ensure_timeline()

    def _on_project_changed(self, what: str) -> None:
        if what != "comparison":
            self._cards_shown = None  # the figures may have changed under the same comparison
        self._redraw()

    def _use_theme(self) -> Theme:
        """The comparison's theme, applied to the app when it is not the app's look yet."""
        theme = get_theme(self.project.comparison.theme)
        if theme is not self.theme:
            self.theme = theme
            app = QApplication.instance()
            if isinstance(app, QApplication):  # a no-op when the app already has this look
                apply_theme(app, theme)
        return theme

    def refresh(self) -> None:
        """Redraw every view from the project: one metrics pass, items updated in place."""
        self._cards_shown = None
        self._picker_shown = ()
        self._redraw()

    def _redraw(self) -> None:
        """What a change needs redrawn; the KPI cards only when what they show changed (their
        figures do not depend on the metric, frequency or chart)."""
        c = self.project.comparison
        theme = self._use_theme()
        self.data = data = chart_data(self.project)
        self.chart.show_data(data, list(self.project.milestones), theme)
        names = entity_labels(self.project.dataset.entities, c.language)
        decimals = 0 if data.unit in WHOLE_NUMBER_UNITS or data.comparison.metric == "asp" else 1
        self.table.set_frame(data.columns, names, data.percent, decimals)
        latest = self.project.latest_month()
        cards = (c.entities, c.measure, c.end or latest, c.language)
        if cards != self._cards_shown:
            self._cards_shown = cards
            self.kpis.update_cards(self.project)
            self.cards_area.fit()
        imported = [e for e in self.project.dataset.entities if e.kind == LAYER_KIND]
        if (c.entities, c.language, imported) != self._picker_shown:  # a sync repaints the whole tree
            self._picker_shown = (c.entities, c.language, imported)
            self.picker.set_imported(imported)
            self.picker.sync(c.entities, c.language)
        self.controls.set_dataset(self.project.dataset)
        self.controls.sync(c, latest)
        if self.selected is not None and not self._select(*self.selected, from_table=False):
            self.selected = None
        self._update_source_action()
        # names.get: a linked layer's new version may have dropped an entity still shown
        shown = self.tr(" vs ").join(names.get(e, e) for e in c.entities) or self.tr("nothing selected")
        title = self.tr("{entities} — evcompare").format(entities=shown)
        if title != self._entities_title:  # the file actions then put the file's name in front
            self._entities_title = title
            self.setWindowTitle(title)

    # --- milestones ----------------------------------------------------------------------------

    def show_timeline(self) -> TimelineWidget:
        """Show and raise the milestone timeline (built on first use)."""
        self.timeline_dock.show()
        self.timeline_dock.raise_()
        return self.ensure_timeline()

    def ensure_timeline(self) -> TimelineWidget:
        """The timeline editor over the project's milestones, linked to the charts' time axis.

        Built when first shown, not at start-up: it costs about as much as the charts."""
        if self.timeline is None:
            from evcompare.ui.timeline import TimelineWidget

            timeline = self.timeline = TimelineWidget(self.project, self.undo_stack)
            timeline.xRangeChanged.connect(self.chart.set_x_range)
            timeline.milestoneDragged.connect(self.chart.preview_milestone)
            timeline.categoriesChanged.connect(
                lambda categories: self.request_change(milestone_categories=categories))
            self.timeline_dock.setWidget(timeline)
            self._sync_timeline_range()
            QTimer.singleShot(0, self._fit_timeline_dock)  # once the dock's tab is in front
        return self.timeline

    def _fit_timeline_dock(self) -> None:
        """Give the panels under the charts room for a line of labels a lane (up to a third of the
        window, the charts keep the rest): the data table's height leaves the timeline's lanes
        lower than their text."""
        timeline, dock = self.timeline, self.timeline_dock
        if timeline is None or not dock.isVisible():
            return
        short = min(timeline.preferred_height(), self.height() // 3) - timeline.height()
        if short > 0:  # resizeDocks sizes the area: the dock's title bar and the tabs under it too
            tabs = [bar for bar in self.findChildren(QTabBar) if bar.isVisible()
                    and dock.windowTitle() in (bar.tabText(i) for i in range(bar.count()))]
            area = dock.height() + (tabs[0].height() if tabs else 0)
            self.resizeDocks([dock], [area + short], Qt.Orientation.Vertical)

    def _sync_timeline_range(self) -> None:
        if self.timeline is not None and self.chart.is_calendar():
            self.timeline.set_x_range(*self.chart.x_range())

    def _on_timeline_visible(self, visible: bool) -> None:
        """Build the timeline when first shown; a hidden one is not kept in step with the charts'
        axis (that costs every redraw), so it catches up when shown."""
        if visible:
            self.ensure_timeline()
            self._sync_timeline_range()

    def _on_chart_x_range(self, x0: float, x1: float) -> None:
        if self.timeline is not None and self.timeline.isVisible():
            self.timeline.set_x_range(x0, x1)

    def _on_chart_milestone_dragged(self, ident: str, x: float) -> None:
        if self.timeline is not None:
            self.timeline.preview_move(ident, x)

    def move_milestone(self, ident: str, date: str) -> None:
        """A marker dragged on a chart to `date`: one undoable move (the timeline follows)."""
        store = self.project.milestones
        if ident not in store:
            return
        days = (pd.Timestamp(date) - store[ident].timestamp).days
        if not days:
            return
        try:
            self.undo_stack.push(MoveMilestones(store, [ident], days))
        except ValueError as exc:
            self.statusBar().showMessage(str(exc), 5000)

    # --- selection -----------------------------------------------------------------------------

    def on_point_clicked(self, entity: str, period: str) -> None:
        self._select(entity, period, from_table=False)

    def on_row_selected(self, entity: str, period: str) -> None:
        self._select(entity, period, from_table=True)

    def _select(self, entity: str, period: str, from_table: bool) -> bool:
        """Keep the chart's highlight and the table's selection on the same point."""
        in_table = from_table or self.table.select_point(entity, period)
        drawn = self.chart.highlight(entity, period)
        self.selected = (entity, period) if in_table or drawn else None
        self._update_source_action()
        return self.selected is not None

    def selected_sources(self) -> list[str]:
        if self.selected is None or self.data is None:
            return []
        rows = self.data.rows.get(self.selected[0])
        index = rows.index(self.selected[1]) if rows is not None else None
        return [] if index is None else [s.url for s in rows.figures[index].sources if s.url]

    def _update_source_action(self) -> None:
        self.open_source_action.setEnabled(bool(self.selected_sources()))

    def open_source(self) -> None:
        """Open the selected figure's (first) source in the browser; the app itself never fetches."""
        urls = self.selected_sources()
        if urls:
            QDesktopServices.openUrl(QUrl(urls[0]))

    # --- window --------------------------------------------------------------------------------

    def focus_entity_search(self) -> None:
        self.entity_dock.show()
        self.entity_dock.raise_()
        self.picker.search.setFocus()
        self.picker.search.selectAll()

    def show_about(self) -> None:
        show_about(self, self.project.dataset)

    def _restore_layout(self) -> None:
        stored = settings()
        geometry, state = stored.value("window/geometry"), stored.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)  # a layout of an older version is ignored

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.entity_dock, self.document.layers_dock, self.table_dock, self.timeline_dock):
            dock.setFloating(False)
            dock.show()
        self.table_dock.raise_()
        self.resize(*DEFAULT_SIZE)
        if self.remember_layout:
            stored = settings()
            stored.remove("window")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember_layout:
            stored = settings()
            stored.setValue("window/geometry", self.saveGeometry())
            stored.setValue("window/state", self.saveState(LAYOUT_VERSION))
        super().closeEvent(event)

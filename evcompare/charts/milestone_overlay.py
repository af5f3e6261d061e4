"""Milestones on a time chart: a dashed vertical line per event, coloured by its entity.

Lines are made once per milestone and kept; a refresh only moves and shows or hides them.
Labels are placed greedily so they never overlap: the more telling events (launches, then
'N-th vehicle' counts) get a label first, and a line whose label would collide keeps just
its tooltip. Lines are read-only for now; `milestoneMoved` is the intent signal a movable
line will send when dragged (the window turns intents into undoable commands).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QDateTime, QObject, Qt, QTimeZone, Signal

from evcompare.charts.data import epoch_seconds
from evcompare.charts.labels import category_labels
from evcompare.model.milestones import Milestone
from evcompare.ui.theming import Theme

LABEL_CHARS = 22
LABEL_GAP_PX = 22.0  # a vertical label is one text line wide; keep a line's width between them
LABEL_LEVELS = (0.99,)  # where along the line labels sit (from the top: clear of most data)
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


class MilestoneOverlay(QObject):
    """The milestone lines of one plot."""

    milestoneMoved = Signal(str, str)  # id, new date 'YYYY-MM-DD' (intent; lines are not movable yet)

    def __init__(self, plot: pg.PlotItem, theme: Theme) -> None:
        super().__init__()
        self.plot = plot
        self.theme = theme
        self._lines: dict[str, pg.InfiniteLine] = {}
        self._shown: list[Milestone] = []
        view = plot.getViewBox()
        view.sigXRangeChanged.connect(self.place_labels)
        view.sigResized.connect(self.place_labels)

    def shown(self) -> list[Milestone]:
        return list(self._shown)

    def line(self, ident: str) -> pg.InfiniteLine:
        return self._lines[ident]

    def update(self, milestones: Iterable[Milestone], family: set[str], categories: Iterable[str],
               window: tuple[float, float] | None, colours: dict[str, str], labels: dict[str, str],
               language: str, theme: Theme) -> None:
        """Show the milestones of `family` in `categories` inside `window` (None hides all).

        Only what differs from the last call is touched: this runs on every redraw.
        """
        wanted = set(categories)
        shown = [] if window is None else [
            m for m in milestones if m.entity in family and m.category in wanted and not m.doubt
            and window[0] <= milestone_x(m) <= window[1]]
        keep = {m.id for m in shown}
        for ident, line in self._lines.items():
            if ident not in keep and line.isVisible():
                line.setVisible(False)
        restyle = theme is not self.theme
        self.theme = theme
        for stone in shown:
            line = self._lines.get(stone.id) or self._make_line(stone.id)
            colour = colours.get(stone.entity, theme.axis)
            if restyle or line.colour != colour:
                self._style(line, colour)
            if line.milestone != stone or line.language != language:
                line.milestone, line.language = stone, language
                line.setValue(milestone_x(stone))
                line.label.setFormat(short_title(stone, language))
                line.setToolTip(milestone_details(stone, labels.get(stone.entity, stone.entity)))
            if not line.isVisible():
                line.setVisible(True)
        self._shown = shown
        self.place_labels()

    def _make_line(self, ident: str) -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False, label="",
                               labelOpts={"rotateAxis": (1, 0), "anchors": [(1, 1), (1, 1)],
                                          "position": LABEL_LEVELS[0]})
        line.setZValue(-5)
        line.colour, line.milestone, line.language = "", None, ""
        line.sigPositionChangeFinished.connect(
            lambda moved, ident=ident: self.milestoneMoved.emit(ident, self._date_of(moved.value())))
        self.plot.addItem(line, ignoreBounds=True)
        self._lines[ident] = line
        return line

    def _style(self, line: pg.InfiniteLine, colour: str) -> None:
        line.colour = colour
        pen = pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine)
        pen.color().setAlpha(170)
        line.setPen(pen)
        line.setHoverPen(pg.mkPen(colour, width=2.5))
        line.label.setColor(self.theme.text_muted)

    @staticmethod
    def _date_of(x: float) -> str:
        return QDateTime.fromSecsSinceEpoch(int(x), QTimeZone.utc()).toString("yyyy-MM-dd")

    def place_labels(self) -> None:
        """Give labels to as many lines as fit without overlapping, best events first."""
        view = self.plot.getViewBox()
        (x0, x1), _ = view.viewRange()
        scale = view.width() / (x1 - x0) if x1 > x0 else 0.0
        taken: list[list[float]] = [[] for _ in LABEL_LEVELS]
        for stone in sorted(self._shown, key=_label_rank):
            line = self._lines[stone.id]
            px = line.value() * scale
            level = next((i for i, used in enumerate(taken)
                          if all(abs(px - other) >= LABEL_GAP_PX for other in used)), None)
            label = line.label
            if label.isVisible() != (level is not None):
                label.setVisible(level is not None)
            if level is not None:
                taken[level].append(px)
                if label.orthoPos != LABEL_LEVELS[level]:
                    label.setPosition(LABEL_LEVELS[level])

"""Headline numbers per selected entity: latest month, year to date, YoY and the year's target.

All figures come from the core (`metrics.value_at`, `Dataset.span`) with their qualifier
signs, and every value's tooltip gives its qualifier, coverage and sources. The cards sit on
the redraw path, so they are created only when the entity set changes; otherwise only label
texts that differ are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QFont, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from evcompare.model import metrics
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Figure
from evcompare.model.periods import Span, month
from evcompare.model.project import Project
from evcompare.ui.data_table import describe
from evcompare.ui.theming import Theme, current_theme, paint_panel, theme_changes

KEYS = ("latest", "ytd", "yoy", "attainment", "pace")
_SWATCH_PX = 12
CARD_RADIUS_PX = 6
_CARD_MIN_PX = 240
_USER_ENTITY_COLOUR = "#888888"
_KPIS_KEPT = 256  # entities x measures x end months worked out


@dataclass(frozen=True)
class _Shown:
    caption: str
    text: str
    tooltip: str


def _set_text(label: QLabel, text: str, tooltip: str) -> None:
    """Touch a label only when its text changes: setText relays out the card."""
    if label.text() != text:
        label.setText(text)
    if label.toolTip() != tooltip:
        label.setToolTip(tooltip)


def latest_month(ds: Dataset, entity: str, measure: str, end: pd.Period) -> tuple[Span, Figure] | None:
    """The last month up to `end` with a monthly figure (a quarter-only report does not count)."""
    bounds = ds.months_with_data(entity, measure)
    if bounds is None:
        return None
    current = min(end, bounds[1])
    while current >= bounds[0]:
        span = Span(current, current)
        figure = ds.span(entity, measure, span)
        if not figure.missing:
            return span, figure
        current -= 1
    return None


def _bold_font(base: QFont, larger_pt: int) -> QFont:
    """Semi-bold, `larger_pt` points above the theme's text size: titles and values."""
    font = QFont(base)
    font.setPointSize(current_theme().font_pt + larger_pt)
    font.setWeight(QFont.Weight.DemiBold)
    return font


class KpiCard(QFrame):
    """One entity's card: a colour swatch and name, then a caption and value per KPI."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("kpiCard")
        self.setMinimumWidth(_CARD_MIN_PX)
        # As wide as its texts need and no wider: captions are never cut off, cards never sprawl.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.colour = ""
        self.swatch = QLabel(self)
        self.swatch.setFixedSize(_SWATCH_PX, _SWATCH_PX)
        self.title = QLabel(self)
        self.title.setObjectName("kpiTitle")
        self.title.setFont(_bold_font(self.font(), 1))
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.addWidget(self.swatch, 0, 0)
        grid.addWidget(self.title, 0, 1, 1, 2)
        self.captions: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        theme_changes.applied.connect(self._follow_theme)
        for row, key in enumerate(KEYS, start=1):
            caption, value = QLabel(self), QLabel(self)
            caption.setObjectName("kpiCaption")
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # the theme's muted text
            value.setObjectName("kpiValue")
            value.setFont(_bold_font(self.font(), 5))
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(caption, row, 0, 1, 2)
            grid.addWidget(value, row, 2)
            self.captions[key], self.values[key] = caption, value

    def _follow_theme(self, _theme: Theme) -> None:
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = current_theme()
        paint_panel(self, theme.panel, theme.grid, CARD_RADIUS_PX)

    def set_title(self, text: str, colour: str) -> None:
        _set_text(self.title, text, "")
        if colour != self.colour:
            self.colour = colour
            # The grey edge keeps dark entity colours visible on the dark theme.
            self.swatch.setStyleSheet(f"background: {colour}; border: 1px solid rgba(128, 128, 128, 160);"
                                      " border-radius: 2px;")

    def show_kpi(self, key: str, shown: _Shown) -> None:
        _set_text(self.captions[key], shown.caption, shown.tooltip)
        _set_text(self.values[key], shown.text, shown.tooltip)


class KpiCards(QWidget):
    """A row of KPI cards, one per entity of the project's comparison."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cards: dict[str, KpiCard] = {}
        self._put_away: dict[str, KpiCard] = {}  # the cards of entities no longer compared
        self._worked_out: dict[tuple[str, str, pd.Period], dict[str, _Shown]] = {}
        self._worked_out_from: Dataset | None = None  # the dataset they are worked out from
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)

    def cards(self) -> dict[str, KpiCard]:
        """Entity id -> its card widget, in display order."""
        return dict(self._cards)

    def update_cards(self, project: Project) -> None:
        comparison, ds = project.comparison, project.dataset
        entities = list(comparison.entities)
        self._sync_cards(entities)
        end = month(comparison.end or project.latest_month())
        for entity in entities:
            card = self._cards[entity]
            info = ds.entities.get(entity)  # None for an entity only a user data layer has
            if info is None:
                card.set_title(entity, _USER_ENTITY_COLOUR)
            else:
                card.set_title(info.label(comparison.language), info.colour)
            for key, shown in self._kpis_of(ds, entity, comparison.measure, end).items():
                card.show_kpi(key, shown)

    def _kpis_of(self, ds: Dataset, entity: str, measure: str, end: pd.Period) -> dict[str, _Shown]:
        """An entity's KPIs, worked out once per dataset (an edit makes a new one): checking an
        entity leaves the other cards' as they were (~0.6 ms an entity)."""
        if ds is not self._worked_out_from or len(self._worked_out) >= _KPIS_KEPT:
            self._worked_out, self._worked_out_from = {}, ds
        key = (entity, measure, end)
        found = self._worked_out.get(key)
        if found is None:
            found = self._worked_out[key] = self._kpis(ds, entity, measure, end)
        return found

    def _sync_cards(self, entities: list[str]) -> None:
        """Show cards for the entities added and put away those of the entities removed; keep
        the order. A card is made once per entity, like its chart items: checking an entity
        again shows its card again (making one costs ~2 ms of a redraw)."""
        for entity in set(self._cards) - set(entities):
            card = self._cards.pop(entity)
            self._layout.removeWidget(card)
            card.hide()
            self._put_away[entity] = card
        for entity in entities:
            if entity not in self._cards:
                self._cards[entity] = self._put_away.pop(entity, None) or KpiCard(self)
        if list(self._cards) != entities:
            self._cards = {e: self._cards[e] for e in entities}
        shown = False
        for position, entity in enumerate(entities):
            card = self._cards[entity]
            if self._layout.indexOf(card) != position:
                self._layout.removeWidget(card)
                self._layout.insertWidget(position, card)
                card.show()  # now, not from the event loop: a new card then paints with the rest
                shown = True
        if shown:
            # Showing posts its labels' repaints behind the window's pending one: they would be
            # painted in a second pass of their own (and the window sent to the screen twice).
            QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateLater)

    def card_texts(self) -> dict[str, dict[str, str]]:
        """Entity id -> KPI key -> the value text shown."""
        return {e: {k: card.values[k].text() for k in KEYS} for e, card in self._cards.items()}

    # What each card shows

    def _kpis(self, ds: Dataset, entity: str, measure: str, end: pd.Period) -> dict[str, _Shown]:
        found = latest_month(ds, entity, measure, end)
        if found is None:
            reason = self.tr("No monthly {measure} figure up to {end}").format(
                measure=measure, end=end.strftime("%Y-%m"))
            return {key: _Shown(caption, "—", reason) for key, caption in self._captions(None).items()}
        span, figure = found
        decimals = 0 if ds.unit(entity, measure) == "vehicles" else 1
        ytd = metrics.value_at(ds, entity, measure, "ytd", span)
        yoy = metrics.value_at(ds, entity, measure, "yoy", span)
        captions = self._captions(span, ytd)
        shown = {
            "latest": self._shown(captions["latest"], figure, figure.display(decimals)),
            "ytd": self._shown(captions["ytd"], ytd, ytd.display(decimals)),
            "yoy": self._shown(captions["yoy"], yoy, metrics.percent_text(yoy, signed=True)),
        }
        if measure != "deliveries":
            reason = self.tr("Targets are set for deliveries")
            shown["attainment"] = _Shown(captions["attainment"], "—", reason)
            shown["pace"] = _Shown(captions["pace"], "—", reason)
            return shown
        attainment = metrics.value_at(ds, entity, measure, "attainment", span)
        pace = metrics.value_at(ds, entity, measure, "pace", span)
        shown["attainment"] = self._shown(captions["attainment"], attainment,
                                          metrics.percent_text(attainment))
        pace_text = pace.display(decimals)
        if not pace.missing and pace.value <= 0:
            pace_text = self.tr("reached")
        shown["pace"] = self._shown(captions["pace"], pace, pace_text)
        return shown

    def _captions(self, span: Span | None, ytd: Figure | None = None) -> dict[str, str]:
        if span is None:
            return {"latest": self.tr("Latest month"), "ytd": self.tr("Year to date"),
                    "yoy": self.tr("Year on year"), "attainment": self.tr("Target attainment"),
                    "pace": self.tr("Needed per month")}
        year, label = span.end.year, span.label
        ytd_caption = self.tr("YTD {year}").format(year=year)
        if ytd is not None and not ytd.missing:
            ytd_caption = self.tr("YTD {year}, {coverage} months").format(year=year, coverage=ytd.coverage)
        return {
            "latest": self.tr("Latest, {month}").format(month=label),
            "ytd": ytd_caption,
            "yoy": self.tr("YoY, {month} vs {base}").format(month=label, base=span.shift_months(-12).label),
            "attainment": self.tr("{year} target attained").format(year=year),
            "pace": self.tr("Per month to {year} target").format(year=year),
        }

    def _shown(self, caption: str, figure: Figure, text: str) -> _Shown:
        return _Shown(caption, text, self._tooltip(figure, text))

    def _tooltip(self, figure: Figure, text: str) -> str:
        lines = describe(figure, text)
        if figure.sources:
            lines.append(self.tr("Sources:"))
            lines += [f"  • {source.title}" for source in figure.sources]
        return "\n".join(lines)

"""What the analyst is comparing: the one piece of view state every chart and table follows.

Immutable: an edit makes a new `Comparison` (via `replace`), which is what undo needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from evcompare.model.metrics import METRICS
from evcompare.model.milestones import CATEGORIES
from evcompare.model.periods import FREQUENCIES

CHART_KINDS = ("line", "bars", "area", "race")
LAYOUTS = ("overlay", "side_by_side", "multiples")
LANGUAGES = ("en", "zh", "both")
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Comparison:
    entities: tuple[str, ...] = ("Xiaomi", "HIMA")
    measure: str = "deliveries"
    metric: str = "total"
    freq: str = "month"
    start: str = "2024-04"
    end: str = ""  # empty: the latest month with data
    chart: str = "line"
    area_share: bool = False  # stacked area as 100 % shares
    layout: str = "side_by_side"
    shared_y: bool = True
    language: str = "en"
    theme: str = "light"
    milestone_categories: tuple[str, ...] = CATEGORIES
    race_units: tuple[int, ...] = (100_000, 500_000)

    def replace(self, **changes: object) -> Comparison:
        return dataclasses.replace(self, **changes)

    def problems(self) -> list[str]:
        """Why this state cannot be shown (empty when it can)."""
        checks = [
            (self.metric in METRICS, f"unknown metric {self.metric!r}"),
            (self.freq in FREQUENCIES, f"unknown frequency {self.freq!r}"),
            (self.chart in CHART_KINDS, f"unknown chart kind {self.chart!r}"),
            (self.layout in LAYOUTS, f"unknown layout {self.layout!r}"),
            (self.language in LANGUAGES, f"unknown language {self.language!r}"),
            (self.theme in THEMES, f"unknown theme {self.theme!r}"),
            (not self.end or self.start <= self.end, "period start is after its end"),
        ]
        return [message for ok, message in checks if not ok]

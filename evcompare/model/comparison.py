"""What the analyst is comparing: the one piece of view state every chart and table follows.

Immutable: an edit makes a new `Comparison` (via `replace`), which is what undo needs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from evcompare.model.metrics import METRICS
from evcompare.model.milestones import CATEGORIES
from evcompare.model.periods import FREQUENCIES

CHART_KINDS = ("line", "bars", "area", "race")
LAYOUTS = ("overlay", "side_by_side", "multiples")
LANGUAGES = ("en", "zh", "both")
THEMES = ("light", "dark")


class ComparisonFieldError(ValueError):
    """A stored comparison field that cannot be used: `field` names it, `expected` says what
    would do, `value` is what was found (so a file loader can say where and what)."""

    def __init__(self, field: str, expected: str, value: object) -> None:
        self.field = field
        self.expected = expected
        self.value = value
        super().__init__(f"{field}: expected {expected}")


class _Expected(Exception):
    """Raised by a field check with what the field needs."""


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise _Expected("a non-empty string")
    return value


def _choice(choices: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise _Expected("one of " + ", ".join(choices))
        return value
    return check


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Expected("true or false")
    return value


def _month(value: object, optional: bool = False) -> str:
    if optional and value == "":
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise _Expected("a month as YYYY-MM" + (" or an empty string" if optional else ""))
    return value


def _units(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000_000:
        raise _Expected("a whole number of vehicles from 1 to 1,000,000,000")
    return value


def _distinct(item: Callable[[object], object], what: str) -> Callable[[object], tuple]:
    def check(value: object) -> tuple:
        try:
            items = tuple(item(v) for v in value) if isinstance(value, list) else None
        except _Expected:
            items = None
        if items is None or len(set(items)) != len(items):
            raise _Expected(f"a list of distinct {what}")
        return items
    return check


_FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "entities": _distinct(_text, "entity ids"),
    "measure": _text,
    "metric": _choice(METRICS),
    "freq": _choice(FREQUENCIES),
    "start": _month,
    "end": lambda value: _month(value, optional=True),
    "chart": _choice(CHART_KINDS),
    "area_share": _flag,
    "layout": _choice(LAYOUTS),
    "shared_y": _flag,
    "language": _choice(LANGUAGES),
    "theme": _choice(THEMES),
    "milestone_categories": _distinct(_choice(CATEGORIES), "milestone categories ("
                                      + ", ".join(CATEGORIES) + ")"),
    "race_units": _distinct(_units, "whole numbers of vehicles from 1 to 1,000,000,000"),
}


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

    def to_dict(self) -> dict[str, object]:
        """Plain JSON values (tuples as lists), as a project file stores them."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
                for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: object) -> Comparison:
        """Rebuild from `to_dict()` output, checking every field; a missing key takes its
        default. Raises ComparisonFieldError naming the first field that cannot be used."""
        if not isinstance(data, dict):
            raise ComparisonFieldError("", "an object", data)
        values = {}
        for name, value in data.items():
            check = _FIELD_CHECKS.get(name)
            if check is None:
                raise ComparisonFieldError(name, "a known field (" + ", ".join(_FIELD_CHECKS) + ")", value)
            try:
                values[name] = check(value)
            except _Expected as exc:
                raise ComparisonFieldError(name, str(exc), value) from None
        made = cls(**values)
        if made.problems():
            raise ComparisonFieldError("end", f"a month not before the start {made.start}", made.end)
        return made

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

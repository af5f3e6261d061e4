"""The dataset: entities, sourced observations, targets and milestones, and the rule that
chooses one figure where several rows report the same thing.

Choosing among rows for one (entity, measure, period), in order:
1. rows whose notes say DOUBT are never chosen;
2. a row with a certain measure beats one marked MEASURE UNCLEAR;
3. a primary report beats the seed article (a secondary summary);
4. exact beats approx beats over;
5. the latest published wins.
The rows not chosen stay attached to the figure as alternatives, and those with another
value are shown as conflicts wherever the figure is shown.

Periods longer than the finest reported one are resolved by `span()`: a figure reported
directly for that period wins; otherwise the period is built from its calendar parts
(a year from halves, a half from quarters, a quarter from months), each resolved the same
way, so Jan-Sep is Q1 + Q2 + Q3 when the quarters are reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from evcompare.model import figures as fig
from evcompare.model.entities import EntityTree
from evcompare.model.figures import Figure, Observation
from evcompare.model.milestones import Milestone
from evcompare.model.periods import Span, children, parse_period

QUALIFIER_RANK = {"exact": 0, "approx": 1, "over": 2}
# Units whose values add up across periods; margins and prices do not.
ADDITIVE_UNITS = {"vehicles", "billion CNY"}


def choice_key(obs: Observation) -> tuple:
    return (obs.doubt, obs.measure_unclear, obs.seed, QUALIFIER_RANK[obs.qualifier],
            _negated(obs.source.published))


def _negated(published: str) -> tuple[int, ...]:
    digits = [int(p) for p in published.split("-") if p.isdigit()] if published else []
    return tuple(-d for d in digits + [0] * (3 - len(digits)))


def choose(rows: list[Observation]) -> Figure:
    """The figure the documented rule picks from rows reporting the same thing."""
    ranked = sorted(rows, key=choice_key)
    eligible = [r for r in ranked if not r.doubt]
    if not eligible:
        return fig.missing(note="only doubtful figures reported", alternatives=tuple(ranked))
    best = eligible[0]
    expected = parse_period(best.period).months if best.period else 1
    return Figure(
        value=best.value,
        qualifier=best.qualifier,
        lower_bound=best.qualifier == "over",
        covered=expected,
        expected=expected,
        derived=False,
        measure_unclear=best.measure_unclear,
        sources=(best.source,),
        alternatives=tuple(r for r in ranked if r is not best),
        note="user figure" if best.user else ("measure unclear" if best.measure_unclear else ""),
        user=best.user,
    )


@dataclass(frozen=True)
class Target:
    entity: str
    year: int
    kind: str  # initial / revised / actual
    value: float
    qualifier: str
    announced: str
    source: fig.Source
    doubt: bool = False
    measure_unclear: bool = False
    seed: bool = False
    notes: str = ""


@dataclass
class Dataset:
    entities: EntityTree
    observations: list[Observation]
    targets: list[Target]
    milestones: list[Milestone]
    manifest: dict = field(default_factory=dict)

    @cached_property
    def _rows(self) -> dict[tuple[str, str, str], list[Observation]]:
        index: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        for obs in self.observations:
            index[(obs.entity, obs.measure, obs.period)].append(obs)
        return index

    @cached_property
    def _chosen(self) -> dict[tuple[str, str, str], Figure]:
        return {key: choose(rows) for key, rows in self._rows.items()}

    @cached_property
    def _units(self) -> dict[tuple[str, str], str]:
        return {(o.entity, o.measure): o.unit for o in self.observations}

    @cached_property
    def _span_cache(self) -> dict[tuple[str, str, Span], Figure]:
        return {}

    def measures(self) -> list[str]:
        return sorted({o.measure for o in self.observations})

    def unit(self, entity: str, measure: str) -> str:
        return self._units.get((entity, measure), "vehicles" if measure in (
            "deliveries", "sales", "production", "insurance_registrations") else "")

    def rows(self, entity: str, measure: str, period: str) -> list[Observation]:
        return list(self._rows.get((entity, measure, period), ()))

    def reported(self, entity: str, measure: str, period: str) -> Figure | None:
        """The chosen figure reported directly for exactly this period, if any."""
        return self._chosen.get((entity, measure, period))

    @cached_property
    def _bounds(self) -> dict[tuple[str, str], tuple[pd.Period, pd.Period]]:
        """First and last month reported per (entity, measure), found in one pass."""
        bounds: dict[tuple[str, str], tuple[pd.Period, pd.Period]] = {}
        for entity, measure, period in self._rows:
            span = parse_period(period)
            known = bounds.get((entity, measure))
            bounds[(entity, measure)] = (span.start, span.end) if known is None else (
                min(known[0], span.start), max(known[1], span.end))
        return bounds

    def months_with_data(self, entity: str, measure: str) -> tuple[pd.Period, pd.Period] | None:
        return self._bounds.get((entity, measure))

    def span(self, entity: str, measure: str, span: Span) -> Figure:
        """The best figure for any span of months (see the module docstring)."""
        key = (entity, measure, span)
        cached = self._span_cache.get(key)
        if cached is None:
            cached = self._resolve(entity, measure, span)
            self._span_cache[key] = cached
        return cached

    def _resolve(self, entity: str, measure: str, span: Span) -> Figure:
        direct = self.reported(entity, measure, span.label) if span.kind != "span" else None
        if direct is not None and not direct.missing:
            return direct
        parts = children(span)
        if not parts or self.unit(entity, measure) not in ADDITIVE_UNITS:
            alternatives = direct.alternatives if direct is not None else ()
            return fig.missing(span.months, alternatives=alternatives)
        summed = fig.total([self.span(entity, measure, p) for p in parts])
        if direct is not None:  # only doubtful rows were reported directly
            summed = _with_alternatives(summed, direct.alternatives)
        return summed

    def invalidate(self) -> None:
        """Forget chosen figures after observations change (user overrides, imports)."""
        for name in ("_rows", "_chosen", "_units", "_bounds", "_span_cache"):
            self.__dict__.pop(name, None)


def _with_alternatives(figure: Figure, alternatives: tuple[Observation, ...]) -> Figure:
    return replace(figure, alternatives=figure.alternatives + alternatives)

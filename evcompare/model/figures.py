"""A figure is a number with its pedigree: qualifier, coverage, sources and alternatives.

Arithmetic on figures is honest: a missing part is missing (never zero), a sum with a missing
or "over" part is a lower bound, a ratio of non-exact inputs is approximate, and every
derived figure carries the sources of its inputs. A figure made from any of the user's own
figures (an import or an override) is a user figure too: a quarter summed from a user month
is not what the bundled sources say, so it is drawn in the user's style.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

QUALIFIERS = ("exact", "over", "approx")
QUALIFIER_SIGN = {"exact": "", "over": "≥ ", "approx": "≈ "}


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    published: str = ""


@dataclass(frozen=True)
class Observation:
    """One sourced row of the dataset, as read."""

    entity: str
    measure: str
    period: str
    value: float
    unit: str
    qualifier: str
    source: Source
    doubt: bool = False
    measure_unclear: bool = False
    seed: bool = False
    notes: str = ""
    user: bool = False


@dataclass(frozen=True)
class Figure:
    value: float
    qualifier: str = "exact"
    lower_bound: bool = False
    covered: int = 1
    expected: int = 1
    derived: bool = False
    measure_unclear: bool = False
    sources: tuple[Source, ...] = ()
    alternatives: tuple[Observation, ...] = field(default=(), compare=False)
    note: str = ""
    user: bool = False  # the user's own figure, or made from one

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)

    @property
    def conflicts(self) -> tuple[Observation, ...]:
        """Alternatives that disagree with the chosen value."""
        return tuple(a for a in self.alternatives if a.value != self.value)

    @property
    def coverage(self) -> str:
        return f"{self.covered}/{self.expected}"

    def display(self, decimals: int = 0) -> str:
        if self.missing:
            return "—"
        return f"{QUALIFIER_SIGN[self.qualifier]}{self.value:,.{decimals}f}"


MISSING = Figure(math.nan, qualifier="exact", covered=0, derived=False)


def missing(expected: int = 1, note: str = "", alternatives: tuple[Observation, ...] = ()) -> Figure:
    return Figure(math.nan, covered=0, expected=expected, note=note, alternatives=alternatives)


def merge_sources(figures: Iterable[Figure]) -> tuple[Source, ...]:
    """Each source once, in order; user rows have no URL, so they are told apart by title."""
    seen: dict[tuple[str, str], Source] = {}
    for fig in figures:
        for src in fig.sources:
            seen.setdefault((src.url, "" if src.url else src.title), src)
    return tuple(seen.values())


def _qualifier(approx: bool, lower: bool) -> str:
    if approx:
        return "approx"
    return "over" if lower else "exact"


def total(parts: list[Figure], note: str = "") -> Figure:
    """Sum of parts covering one span. Missing parts lower the coverage and make the sum a
    lower bound; with no part at all the sum is missing."""
    present = [p for p in parts if not p.missing]
    expected = sum(p.expected for p in parts)
    covered = sum(p.covered for p in present)
    if not present:
        return missing(expected, note or "no figure for any part of the period")
    lower = covered < expected or any(p.lower_bound for p in present)
    approx = any(p.qualifier == "approx" for p in present)
    return Figure(
        value=float(sum(p.value for p in present)),
        qualifier=_qualifier(approx, lower),
        lower_bound=lower,
        covered=covered,
        expected=expected,
        derived=len(parts) > 1 or any(p.derived for p in present),
        measure_unclear=any(p.measure_unclear for p in present),
        sources=merge_sources(present),
        note=note,
        user=any(p.user for p in present),
    )


def ratio(numerator: Figure, denominator: Figure, scale: float = 1.0, offset: float = 0.0,
          note: str = "") -> Figure:
    """scale * numerator / denominator + offset, qualified by its inputs.

    A lower-bound numerator over an exact denominator stays a lower bound (attainment
    'at least 136.7 %'); any other non-exact input makes the ratio approximate. A base with
    months missing bounds nothing (Aito's one reported month over HIMA's two would read as a
    20 % share), so such a ratio is missing rather than shown.
    """
    if numerator.missing or denominator.missing:
        which = "numerator" if numerator.missing else "base"
        return missing(note=note or f"no {which} figure")
    if denominator.value == 0:
        return missing(note="base is zero")
    if denominator.covered < denominator.expected:
        return missing(note=f"base covers only {denominator.coverage} months")
    if numerator.covered < numerator.expected and denominator.qualifier != "exact":
        return missing(note=f"only {numerator.coverage} months against an inexact base")
    lower = numerator.lower_bound and denominator.qualifier == "exact"
    approx = not lower and (numerator.qualifier != "exact" or denominator.qualifier != "exact")
    # The coverage shown is the less complete input's, so a full YTD over a one-off target
    # reads 9/9 (not 1/9) and a YoY against a base with a month missing reads 2/3.
    thinner = min((numerator, denominator),
                  key=lambda f: (f.covered / f.expected if f.expected else 1.0, -f.expected))
    return Figure(
        value=scale * numerator.value / denominator.value + offset,
        qualifier=_qualifier(approx, lower),
        lower_bound=lower,
        covered=thinner.covered,
        expected=thinner.expected,
        derived=True,
        measure_unclear=numerator.measure_unclear or denominator.measure_unclear,
        sources=merge_sources([numerator, denominator]),
        note=note,
        user=numerator.user or denominator.user,
    )

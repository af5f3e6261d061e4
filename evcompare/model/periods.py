"""Calendar periods as month spans.

Every figure covers a span of whole months: a month, a quarter, a half-year or a year.
Spans are pairs of monthly `pandas.Period`s, which keeps sums, coverage and YoY shifts to
plain month arithmetic. Period arithmetic and formatting are slow next to the metric code
that runs them thousands of times, so the arithmetic is done on integer month ordinals
(0 = 1970-01) and the spans this module builds are shared, with their derived properties
cached on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pandas as pd

FREQUENCIES = ("month", "quarter", "year")
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True, order=True)
class Span:
    """A run of whole months, `start` and `end` included."""

    start: pd.Period
    end: pd.Period

    @cached_property
    def months(self) -> int:
        return self.end.ordinal - self.start.ordinal + 1

    @cached_property
    def kind(self) -> str:
        """month / quarter / half / year when the span is calendar-aligned, else 'span'."""
        months = self.months
        for kind, length in _MONTHS_IN.items():
            if months == length and self.start.ordinal % length == 0:
                return kind
        return "span"

    @cached_property
    def label(self) -> str:
        kind = self.kind
        year, month = self.start.year, self.start.month
        if kind == "month":
            return f"{year}-{month:02d}"
        if kind == "quarter":
            return f"{year}Q{(month - 1) // 3 + 1}"
        if kind == "half":
            return f"{year}H{(month - 1) // 6 + 1}"
        if kind == "year":
            return str(year)
        return f"{self.start.strftime('%Y-%m')}..{self.end.strftime('%Y-%m')}"

    @cached_property
    def start_time(self) -> pd.Timestamp:
        return self.start.start_time

    @cached_property
    def end_time(self) -> pd.Timestamp:
        return self.end.end_time.normalize()

    def shift_months(self, months: int) -> Span:
        return _span(self.start.ordinal + months, self.end.ordinal + months)

    def month_list(self) -> list[pd.Period]:
        first = self.start.ordinal
        return [_month_at(first + i) for i in range(self.months)]


@lru_cache(maxsize=4096)
def _month_at(ordinal: int) -> pd.Period:
    """The month with this ordinal (0 = 1970-01), shared rather than rebuilt."""
    return pd.Period(ordinal=ordinal, freq="M")


@lru_cache(maxsize=65536)
def _span(first: int, last: int) -> Span:
    """The shared span of month ordinals first..last, so its cached properties are reused."""
    return Span(_month_at(first), _month_at(last))


def span_of(first: pd.Period, last: pd.Period) -> Span:
    """The months first..last as a shared span: equal to `Span(first, last)`, but repeated
    calls reuse one object and the label and times it has already worked out."""
    return _span(first.ordinal, last.ordinal)


def trailing(last: pd.Period, months: int) -> Span:
    """The `months` months that end with `last` (a run rate's window)."""
    return _span(last.ordinal - months + 1, last.ordinal)


def year_to_date(last: pd.Period) -> Span:
    """January of `last`'s year through `last`."""
    return _span(last.ordinal - last.ordinal % 12, last.ordinal)


@lru_cache(maxsize=4096)
def month(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


def _ordinal(year: int, month_number: int) -> int:
    return (year - 1970) * 12 + month_number - 1


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Span:
    """'2024-05', '2024Q2', '2024H1' or '2024' as a span; ValueError otherwise."""
    text = label.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, mon = int(m[1]), int(m[2])
        if not 1 <= mon <= 12:
            raise ValueError(f"month out of range in {label!r}")
        first = _ordinal(year, mon)
        return _span(first, first)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        first = _ordinal(int(m[1]), 3 * int(m[2]) - 2)
        return _span(first, first + 2)
    if m := re.fullmatch(r"(\d{4})H([12])", text):
        first = _ordinal(int(m[1]), 6 * int(m[2]) - 5)
        return _span(first, first + 5)
    if m := re.fullmatch(r"(\d{4})", text):
        first = _ordinal(int(m[1]), 1)
        return _span(first, first + 11)
    raise ValueError(f"not a period (expected YYYY-MM, YYYYQn, YYYYHn or YYYY): {label!r}")


def period_of(p: pd.Period, freq: str) -> Span:
    """The calendar period of frequency `freq` that contains month `p`."""
    length = _MONTHS_IN[freq]
    first = p.ordinal - p.ordinal % length
    return _span(first, first + length - 1)


def periods_between(start: pd.Period, end: pd.Period, freq: str) -> list[Span]:
    """The calendar periods of `freq` that touch the months start..end, in order."""
    return list(_periods_between(start.ordinal, end.ordinal, _MONTHS_IN[freq]))


@lru_cache(maxsize=4096)
def _periods_between(first: int, last: int, length: int) -> tuple[Span, ...]:
    cursor = first - first % length
    return tuple(_span(o, o + length - 1) for o in range(cursor, last + 1, length))


def aligned_blocks(span: Span) -> list[Span]:
    """Cover a span greedily with the largest calendar-aligned blocks (year, half, quarter,
    month), so a Jan-Sep total is built from Q1 + Q2 + Q3 rather than nine months."""
    return list(_aligned_blocks(span.start.ordinal, span.end.ordinal))


@lru_cache(maxsize=65536)
def _aligned_blocks(first: int, last: int) -> tuple[Span, ...]:
    blocks: list[Span] = []
    cursor = first
    while cursor <= last:
        # A block of `length` months is calendar-aligned when it starts at a multiple of
        # `length` months from 1970-01 (12 is a multiple of every length).
        length = next(n for n in (12, 6, 3, 1) if cursor % n == 0 and cursor + n - 1 <= last)
        blocks.append(_span(cursor, cursor + length - 1))
        cursor += length
    return tuple(blocks)


def children(span: Span) -> list[Span]:
    """The next finer calendar blocks of an aligned span (year -> halves -> quarters -> months)."""
    kind = span.kind
    finer = {"year": 6, "half": 3, "quarter": 1}.get(kind)
    if finer is None:
        return aligned_blocks(span) if kind == "span" else []
    first = span.start.ordinal
    return [_span(o, o + finer - 1) for o in range(first, first + span.months, finer)]

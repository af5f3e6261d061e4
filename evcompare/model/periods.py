"""Calendar periods as month spans.

Every figure covers a span of whole months: a month, a quarter, a half-year or a year.
Spans are pairs of monthly `pandas.Period`s, which keeps sums, coverage and YoY shifts to
plain month arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

FREQUENCIES = ("month", "quarter", "year")
_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True, order=True)
class Span:
    """A run of whole months, `start` and `end` included."""

    start: pd.Period
    end: pd.Period

    @property
    def months(self) -> int:
        return self.end.ordinal - self.start.ordinal + 1

    @property
    def kind(self) -> str:
        """month / quarter / half / year when the span is calendar-aligned, else 'span'."""
        for kind, length in _MONTHS_IN.items():
            if self.months == length and (self.start.month - 1) % length == 0:
                return kind
        return "span"

    @property
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

    @property
    def start_time(self) -> pd.Timestamp:
        return self.start.start_time

    @property
    def end_time(self) -> pd.Timestamp:
        return self.end.end_time.normalize()

    def shift_months(self, months: int) -> Span:
        return Span(self.start + months, self.end + months)

    def month_list(self) -> list[pd.Period]:
        return [self.start + i for i in range(self.months)]


def month(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


def parse_period(label: str) -> Span:
    """'2024-05', '2024Q2', '2024H1' or '2024' as a span; ValueError otherwise."""
    text = label.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, mon = int(m[1]), int(m[2])
        if not 1 <= mon <= 12:
            raise ValueError(f"month out of range in {label!r}")
        p = pd.Period(year=year, month=mon, freq="M")
        return Span(p, p)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        first = pd.Period(year=int(m[1]), month=3 * int(m[2]) - 2, freq="M")
        return Span(first, first + 2)
    if m := re.fullmatch(r"(\d{4})H([12])", text):
        first = pd.Period(year=int(m[1]), month=6 * int(m[2]) - 5, freq="M")
        return Span(first, first + 5)
    if m := re.fullmatch(r"(\d{4})", text):
        first = pd.Period(year=int(m[1]), month=1, freq="M")
        return Span(first, first + 11)
    raise ValueError(f"not a period (expected YYYY-MM, YYYYQn, YYYYHn or YYYY): {label!r}")


def period_of(p: pd.Period, freq: str) -> Span:
    """The calendar period of frequency `freq` that contains month `p`."""
    length = _MONTHS_IN[freq]
    first = pd.Period(year=p.year, month=(p.month - 1) // length * length + 1, freq="M")
    return Span(first, first + length - 1)


def periods_between(start: pd.Period, end: pd.Period, freq: str) -> list[Span]:
    """The calendar periods of `freq` that touch the months start..end, in order."""
    spans: list[Span] = []
    current = period_of(start, freq)
    while current.start <= end:
        spans.append(current)
        current = current.shift_months(current.months)
    return spans


def aligned_blocks(span: Span) -> list[Span]:
    """Cover a span greedily with the largest calendar-aligned blocks (year, half, quarter,
    month), so a Jan-Sep total is built from Q1 + Q2 + Q3 rather than nine months."""
    blocks: list[Span] = []
    cursor = span.start
    while cursor <= span.end:
        for length in (12, 6, 3, 1):
            block = Span(cursor, cursor + length - 1)
            if (cursor.month - 1) % length == 0 and block.end <= span.end:
                blocks.append(block)
                cursor = block.end + 1
                break
    return blocks


def children(span: Span) -> list[Span]:
    """The next finer calendar blocks of an aligned span (year -> halves -> quarters -> months)."""
    finer = {"year": 6, "half": 3, "quarter": 1}.get(span.kind)
    if finer is None:
        return aligned_blocks(span) if span.kind == "span" else []
    return [Span(span.start + i, span.start + i + finer - 1) for i in range(0, span.months, finer)]

"""Properties of honest arithmetic that must hold for any data, not just the bundled set."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evcompare.model import figures as fig
from evcompare.model import metrics
from evcompare.model.dataset import Dataset
from evcompare.model.entities import Entity, EntityTree
from evcompare.model.figures import Figure, Observation, Source
from evcompare.model.periods import Span, aligned_blocks

FAST = settings(max_examples=150, deadline=None)
# Each example builds and queries a whole Dataset.
DATASET = settings(max_examples=60, deadline=None)
SOURCE = Source("synthetic report", "https://example.org/report", "2025-01-01")
FIRST_MONTH = pd.Period("2023-01", freq="M")

values = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
part = st.one_of(
    st.none(),
    st.builds(lambda v, q: Figure(v, qualifier=q, lower_bound=q == "over", sources=(SOURCE,)),
              values, st.sampled_from(fig.QUALIFIERS)),
)
# A monthly series over 24 months: None where no figure was reported.
monthly = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=200_000)),
                   min_size=24, max_size=24)


def as_figures(parts: list[Figure | None]) -> list[Figure]:
    return [fig.missing() if p is None else p for p in parts]


def synthetic(series: list[int | None]) -> Dataset:
    """A one-brand dataset whose monthly deliveries are `series` from 2023-01, gaps as None."""
    def entity(ident: str, parent: str, kind: str, colour: str) -> Entity:
        return Entity(id=ident, name_en=ident, name_zh="", parent=parent, kind=kind,
                      partner_oem="", joined_hima="", first_model="", first_model_launch="",
                      launch_milestone="", colour=colour)

    tree = EntityTree([entity("Group", "", "group", "#000000"),
                       entity("Brand", "Group", "brand", "#FFFFFF")])
    observations = [
        Observation(entity="Brand", measure="deliveries", period=(FIRST_MONTH + i).strftime("%Y-%m"),
                    value=float(v), unit="vehicles", qualifier="exact", source=SOURCE)
        for i, v in enumerate(series) if v is not None
    ]
    return Dataset(entities=tree, observations=observations, targets=[], milestones=[])


@FAST
@given(st.lists(part, min_size=1, max_size=12))
def test_total_counts_and_sums_only_present_parts(parts):
    figures = as_figures(parts)
    present = [p for p in parts if p is not None]
    result = fig.total(figures)
    assert result.covered == len(present)
    assert result.expected == len(parts)
    if not present:
        assert result.missing and math.isnan(result.value)
        return
    assert result.value == sum(p.value for p in present)
    gap_or_over = len(present) < len(parts) or any(p.qualifier == "over" for p in present)
    assert result.lower_bound == gap_or_over
    if gap_or_over:
        assert result.qualifier in ("over", "approx")
    assert (result.qualifier == "approx") == any(p.qualifier == "approx" for p in present)


@FAST
@given(part)
def test_ratio_with_a_missing_base_is_missing(numerator):
    result = fig.ratio(as_figures([numerator])[0], fig.missing(), scale=100.0)
    assert result.missing
    assert result.display() == "—"


@DATASET
@given(monthly)
def test_yoy_is_missing_when_the_base_month_is(series):
    ds = synthetic(series)
    frame = metrics.table(ds, ["Brand"], metric="yoy", start="2024-01", end="2024-12")
    assert len(frame) == 12
    for i, row in enumerate(frame.itertuples()):
        current, base = series[12 + i], series[i]
        if base is None or current is None or base == 0:
            assert math.isnan(row.value), row.period
        else:
            assert row.value == 100.0 * current / base - 100.0


@DATASET
@given(monthly, st.sampled_from(("month", "quarter", "year")))
def test_cumulative_never_decreases(series, freq):
    ds = synthetic(series)
    frame = metrics.table(ds, ["Brand"], metric="cumulative", freq=freq, start="2023-01",
                          end="2024-12")
    present = frame["value"].dropna()
    assert present.is_monotonic_increasing
    reported = [i for i, v in enumerate(series) if v is not None]
    if not reported:
        assert present.empty
    elif freq == "month":
        assert len(present) == 24 - reported[0]
        assert present.iloc[-1] == sum(series[i] for i in reported)


@FAST
@given(st.integers(min_value=600, max_value=700), st.integers(min_value=0, max_value=60))
def test_aligned_blocks_cover_every_month_once(first, length):
    start = pd.Period(ordinal=first, freq="M")
    span = Span(start, start + length)
    blocks = aligned_blocks(span)
    months = [m for block in blocks for m in block.month_list()]
    assert months == span.month_list()
    assert all(block.kind in ("month", "quarter", "half", "year") for block in blocks)
    assert blocks[0].start == span.start and blocks[-1].end == span.end

"""Metrics on the bundled data: the seed article's claims, checked against the sources."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evcompare.model import metrics, race
from evcompare.model.dataset import Dataset
from evcompare.model.periods import parse_period


def one(frame: pd.DataFrame, period: str, entity: str | None = None) -> pd.Series:
    rows = frame[frame["period"] == period]
    if entity is not None:
        rows = rows[rows["entity"] == entity]
    assert len(rows) == 1, f"expected one row for {entity} {period}, got {len(rows)}"
    return rows.iloc[0]


def xiaomi_quarters(ds: Dataset, metric: str) -> pd.DataFrame:
    return metrics.table(ds, ["Xiaomi"], metric=metric, freq="quarter", start="2024-01",
                         end="2025-12")


# --- the seed article's claims ---------------------------------------------------------------

def test_days_from_su7_launch_to_the_500000th_xiaomi(dataset: Dataset):
    result = race.days_to(dataset, "Xiaomi", 500_000)
    assert (result.launch, result.date, result.days) == ("2024-03-28", "2025-11-20", 602)
    assert (result.method, result.qualifier) == ("milestone", "exact")
    assert result.source_url.startswith("http")


def test_xiaomi_q3_2025_and_its_yoy(dataset: Dataset):
    totals = xiaomi_quarters(dataset, "total")
    assert one(totals, "2025Q3")["value"] == 108796
    assert one(totals, "2024Q3")["value"] == 39790
    row = one(xiaomi_quarters(dataset, "yoy"), "2025Q3")
    assert round(row["value"], 1) == 173.4
    assert (row["qualifier"], row["lower_bound"], row["coverage"]) == ("exact", False, "3/3")
    assert metrics.percent_text(row["figure"], signed=True) == "+173.4 %"


def test_xiaomi_2025_attainment_of_the_initial_target_is_a_lower_bound(dataset: Dataset):
    [row] = [r for r in metrics.target_history(dataset, ["Xiaomi"])
             if r.year == 2025 and r.kind == "initial"]
    assert row.target.value == 300000
    assert (row.actual.value, row.actual.qualifier) == (410000, "over")
    assert round(row.attainment.value, 1) == 136.7
    assert (row.attainment.qualifier, row.attainment.lower_bound) == ("over", True)
    assert metrics.percent_text(row.attainment) == "≥ 136.7 %"


def test_aito_is_most_of_hima_not_a_quarter(dataset: Dataset):
    """The seed says 'around a quarter from Aito'; every month with both figures says more
    than half. (February 2025 is the low point at 52.6 %, Aito 11,315 of HIMA 21,517; every
    other month lies between 60 % and 90 %.)"""
    shares = metrics.table(dataset, ["Aito"], metric="share", start="2025-01", end="2025-12")
    both = []
    for row in shares.itertuples():
        aito = dataset.reported("Aito", "deliveries", row.period)
        hima = dataset.reported("HIMA", "deliveries", row.period)
        if aito is None or hima is None or aito.missing or hima.missing:
            assert math.isnan(row.value), row.period
            continue
        both.append(row.period)
        assert row.value == pytest.approx(100 * aito.value / hima.value)
    assert len(both) >= 6
    values = shares.set_index("period").loc[both, "value"]
    assert values.between(50, 90).all()
    assert round(values["2025-02"], 1) == 52.6
    assert values.drop("2025-02").between(60, 90).all()


# --- gaps stay gaps --------------------------------------------------------------------------

def test_a_month_with_no_data_is_nan_not_zero(dataset: Dataset):
    assert dataset.reported("Aito", "deliveries", "2025-01") is None
    row = one(metrics.table(dataset, ["Aito"], start="2025-01", end="2025-01"), "2025-01")
    assert math.isnan(row["value"])
    assert (row["qualifier"], row["coverage"], row["sources"]) == ("", "0/1", "")
    assert row["figure"].display() == "—"


def test_no_total_is_zero_where_nothing_was_reported(dataset: Dataset):
    frame = metrics.table(dataset, [e.id for e in dataset.entities])
    assert len(frame) > 100
    assert not (frame["value"] == 0).any()
    assert (frame["value"].isna() == (frame["qualifier"] == "")).all()


def test_a_quarter_with_two_of_three_months_is_a_lower_bound(dataset: Dataset):
    months = [dataset.reported("HIMA", "deliveries", m) for m in ("2025-01", "2025-02", "2025-03")]
    assert months[2] is None and dataset.reported("HIMA", "deliveries", "2025Q1") is None
    row = one(metrics.table(dataset, ["HIMA"], freq="quarter", start="2025-01", end="2025-03"),
              "2025Q1")
    assert row["value"] == months[0].value + months[1].value
    assert (row["coverage"], row["lower_bound"], row["qualifier"]) == ("2/3", True, "over")


def test_yoy_with_a_missing_base_is_missing_with_a_note(dataset: Dataset):
    frame = metrics.table(dataset, ["Xiaomi"], metric="yoy", start="2025-01", end="2025-01")
    row = one(frame, "2025-01")
    assert dataset.span("Xiaomi", "deliveries", parse_period("2025-01")).value == 20000
    assert dataset.span("Xiaomi", "deliveries", parse_period("2024-01")).missing
    assert math.isnan(row["value"])
    assert row["note"] == "no base figure"


# --- the other metrics on known data ---------------------------------------------------------

def test_ytd_adds_the_quarters_of_the_year(dataset: Dataset):
    frame = xiaomi_quarters(dataset, "ytd")
    assert one(frame, "2025Q1")["value"] == 75869
    assert one(frame, "2025Q2")["value"] == 75869 + 81302
    row = one(frame, "2025Q3")
    assert (row["value"], row["coverage"], row["qualifier"]) == (265967, "9/9", "exact")
    year_end = one(frame, "2025Q4")
    assert (year_end["value"], year_end["qualifier"]) == (410000, "over")


def test_mom_compares_with_the_previous_period(dataset: Dataset):
    row = one(xiaomi_quarters(dataset, "mom"), "2025Q3")
    assert row["value"] == pytest.approx(100 * 108796 / 81302 - 100)
    assert row["qualifier"] == "exact"


def test_run_rate_is_the_trailing_three_months_over_three(dataset: Dataset):
    row = one(xiaomi_quarters(dataset, "run_rate"), "2025Q3")
    assert row["value"] == pytest.approx(108796 / 3)
    assert (row["qualifier"], row["coverage"]) == ("exact", "3/3")


def test_pace_is_what_is_left_of_the_target_per_remaining_month(dataset: Dataset):
    row = one(xiaomi_quarters(dataset, "pace"), "2025Q3")
    target = metrics.target_in_force(dataset, "Xiaomi", 2025, pd.Timestamp("2025-09-30"))
    assert (target.kind, target.value) == ("revised", 350000)
    assert row["value"] == pytest.approx((350000 - 265967) / 3)
    assert (row["qualifier"], row["coverage"]) == ("exact", "9/9")
    assert "3 months left" in row["note"]
    assert math.isnan(one(xiaomi_quarters(dataset, "pace"), "2025Q4")["value"])


def test_attainment_is_ytd_against_the_target_in_force(dataset: Dataset):
    row = one(xiaomi_quarters(dataset, "attainment"), "2025Q3")
    assert row["value"] == pytest.approx(100 * 265967 / 350000)
    assert (row["qualifier"], row["coverage"]) == ("exact", "9/9")
    later = metrics.target_in_force(dataset, "Xiaomi", 2025, pd.Timestamp("2025-12-31"))
    assert (later.kind, later.value) == ("revised", 400000)


def test_asp_is_revenue_over_deliveries(dataset: Dataset):
    row = one(xiaomi_quarters(dataset, "asp"), "2025Q2")
    assert row["value"] == pytest.approx(20.6e9 / 81302)
    assert round(row["value"]) == 253376
    assert row["qualifier"] == "exact"
    assert metrics.metric_unit("asp", "vehicles") == "CNY per vehicle"


def test_share_is_missing_outside_hima_and_before_joining(dataset: Dataset):
    xiaomi = metrics.table(dataset, ["Xiaomi"], metric="share", start="2025-01", end="2025-12")
    assert xiaomi["value"].isna().all()
    assert xiaomi["note"].str.contains("HIMA brands").all()
    shangjie = metrics.table(dataset, ["Shangjie"], metric="share", start="2025-01",
                             end="2025-09")
    before = shangjie[shangjie["period"] < "2025-04"]
    assert len(before) == 3 and before["value"].isna().all()
    assert (before["note"] == "not a HIMA member until 2025-04-16").all()
    assert not math.isnan(one(shangjie, "2025-09")["value"])


def test_an_unknown_metric_is_refused(dataset: Dataset):
    with pytest.raises(ValueError, match="unknown metric 'speed'"):
        metrics.table(dataset, ["Xiaomi"], metric="speed")

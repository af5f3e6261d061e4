"""Speed of the Qt-free core: loading the bundled data, and every metric for every entity.

Skipped by default (pyproject's addopts has --benchmark-skip); run with
`python -m pytest tests/benchmarks --benchmark-only -q` (`--benchmark-enable`
alone does not override the skip).
"""

from __future__ import annotations

import pandas as pd

from evcompare.io.dataset_loader import load_dataset
from evcompare.model import metrics
from evcompare.model.dataset import Dataset

# Switching the chart to another metric recomputes it for every entity; the whole sweep at
# one frequency has to feel instant.
ALL_METRICS_BUDGET_S = 0.100


def every_metric(freqs: tuple[str, ...]) -> dict[tuple[str, str], pd.DataFrame]:
    """A fresh load (so no figure is cached on the Dataset) and every metric at `freqs`."""
    ds = load_dataset()
    entities = [e.id for e in ds.entities]
    return {(freq, metric): metrics.table(ds, entities, metric=metric, freq=freq)
            for freq in freqs for metric in metrics.METRICS}


def test_load_dataset(benchmark):
    ds = benchmark(load_dataset)
    assert isinstance(ds, Dataset) and len(ds.observations) > 100


def test_every_metric_for_every_entity_monthly(benchmark):
    tables = benchmark(every_metric, ("month",))
    assert set(tables) == {("month", m) for m in metrics.METRICS}
    assert all(len(frame) > 0 for frame in tables.values())
    if benchmark.enabled:
        assert benchmark.stats.stats.min < ALL_METRICS_BUDGET_S


def test_every_metric_for_every_entity_at_every_frequency(benchmark):
    tables = benchmark(every_metric, ("month", "quarter", "year"))
    assert len(tables) == 3 * len(metrics.METRICS)

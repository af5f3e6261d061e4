"""Speed of the deck exports: the whole default story to PDF and to PowerPoint.

Skipped by default (pyproject's addopts has --benchmark-skip); run with
`QT_QPA_PLATFORM=offscreen python -m pytest tests/benchmarks/test_deck_speed.py --benchmark-only -q`
(`--benchmark-enable` alone does not override the skip).
"""

from __future__ import annotations

import pytest
from pptx import Presentation as PptxFile
from pypdf import PdfReader

from evcompare.export.deck import export_views
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.model.views import default_views

DECK_BUDGET_S = 3.0  # an export the user waits for, progress dialog and all


@pytest.mark.parametrize("fmt", ["pdf", "pptx"])
def test_default_deck(benchmark, qapp, dataset: Dataset, tmp_path, fmt):
    project = Project(dataset)
    views = list(default_views(dataset))
    target = tmp_path / f"deck.{fmt}"
    benchmark.pedantic(export_views, args=(project, views, fmt, target), rounds=3, iterations=1)
    count = len(PdfReader(str(target)).pages) if fmt == "pdf" else len(PptxFile(str(target)).slides)
    assert count == len(views)
    if benchmark.enabled:
        assert benchmark.stats.stats.max < DECK_BUDGET_S

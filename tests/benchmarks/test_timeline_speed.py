"""Speed of the timeline editor with 1,000 milestones: a drag must keep up with the mouse.

Skipped by default (pyproject's addopts has --benchmark-skip); run with
`QT_QPA_PLATFORM=offscreen python -m pytest tests/benchmarks/test_timeline_speed.py --benchmark-only -q`
(`--benchmark-enable` alone does not override the skip).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from PySide6.QtGui import QUndoStack

from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.timeline import TimelineWidget
from evcompare.ui.timeline.items import DAY

COUNT = 1_000
FRAME_S = 0.016  # one frame at 60 Hz; checked against the fastest round, as a busy machine
# slows the others (the median is in the report for a quiet machine)


@pytest.fixture
def crowded(qtbot, dataset: Dataset) -> TimelineWidget:
    """The bundled milestones plus copies spread over 2021-2026, 1,000 in all, at dock size."""
    project = Project(dataset)
    store = project.milestones
    bundled = list(store)
    for k in range(COUNT - len(bundled)):
        source = bundled[k % len(bundled)]
        day = pd.Timestamp("2021-01-01") + pd.Timedelta(days=(k * 37) % 2000)
        store.put(source.replace(id=f"u-bench{k:05d}", date=day.strftime("%Y-%m-%d"), date_precision="day",
                                 title=f"{source.title} ({k})", origin="user"))
    widget = TimelineWidget(project, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1400, 350)
    widget.show()
    qtbot.waitExposed(widget)
    widget.relayout()
    assert len(widget.items()) == COUNT
    return widget


def _drag_targets(item) -> itertools.cycle:
    return itertools.cycle([item.x_start + k * DAY for k in range(-30, 30)])


def test_drag_step_full_render(benchmark, crowded):
    """One mouse move of a drag, then the whole widget rendered (grab): the worst case."""
    item = crowded.item("m-a4d8c81aa1")
    item.begin_drag("move")
    targets = _drag_targets(item)

    def step() -> None:
        item.drag_to(next(targets))
        crowded.grab()

    benchmark(step)
    if benchmark.enabled:
        assert benchmark.stats.stats.min < FRAME_S


def test_drag_step_on_screen(benchmark, qapp, crowded):
    """One mouse move of a drag as the screen sees it: Qt repaints only what changed."""
    item = crowded.item("m-a4d8c81aa1")
    item.begin_drag("move")
    targets = _drag_targets(item)

    def step() -> None:
        item.drag_to(next(targets))
        qapp.processEvents()

    benchmark(step)
    if benchmark.enabled:
        assert benchmark.stats.stats.min < FRAME_S


def test_drop(benchmark, crowded):
    """The release: one command, the store change, the lane's labels laid out, a full render."""
    item = crowded.item("m-a4d8c81aa1")
    days = itertools.cycle([5, -5])

    def drop() -> None:
        item.begin_drag("move")
        item.finish_drag(item.x_start + next(days) * DAY)
        crowded.relayout()
        crowded.grab()

    benchmark(drop)
    assert crowded.undo_stack.count() >= 1
    if benchmark.enabled:
        assert benchmark.stats.stats.min < 2 * FRAME_S

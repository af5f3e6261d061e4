"""Speed of milestone editing with 1,000 milestones: a drag must keep up with the mouse.

A drag step is one mouse move: the dragged milestone moves on the timeline and on every chart
panel showing it, and Qt repaints what changed (the main window at 1600×1000, timeline dock
raised under the side-by-side charts). Skipped by default (pyproject's addopts has
--benchmark-skip); run with
`QT_QPA_PLATFORM=offscreen python -m pytest tests/benchmarks/test_timeline_speed.py --benchmark-only -q`
(`--benchmark-enable` alone does not override the skip).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from gui_windows import window_factory

from evcompare.charts.data import DAY
from evcompare.charts.milestone_overlay import MilestoneOverlay
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.main_window import MainWindow

COUNT = 1_000
YU7_LAUNCH = "m-a4d8c81aa1"
FRAME_S = 0.016  # one frame at 60 Hz, checked against the median step
ROUNDS = dict(rounds=100, warmup_rounds=10)  # the first steps paint the whole window: not a drag step


@pytest.fixture
def make_window(qtbot, dataset: Dataset):
    yield from window_factory(qtbot, dataset)


@pytest.fixture
def crowded(qtbot, make_window, dataset: Dataset) -> MainWindow:
    """The bundled milestones plus copies spread over 2021-2026, 1,000 in all, on screen."""
    project = Project(dataset)
    store = project.milestones
    bundled = list(store)
    for k in range(COUNT - len(bundled)):
        source = bundled[k % len(bundled)]
        day = pd.Timestamp("2021-01-01") + pd.Timedelta(days=(k * 37) % 2000)
        store.put(source.replace(id=f"u-bench{k:05d}", date=day.strftime("%Y-%m-%d"), date_precision="day",
                                 title=f"{source.title} ({k})", origin="user", doubt=False, seed=False))
    window = make_window(project=project)
    window.resize(1600, 1000)
    window.show()
    timeline = window.show_timeline()
    qtbot.waitExposed(timeline)
    timeline.relayout()
    assert len(timeline.items()) == COUNT
    assert sum(len(p.overlay.shown()) for p in window.chart.panels()) > 200
    return window


def _overlay_showing(window: MainWindow, ident: str) -> MilestoneOverlay:
    return next(p.overlay for p in window.chart.panels() if any(m.id == ident for m in p.overlay.shown()))


def _targets(x: float) -> itertools.cycle:
    return itertools.cycle([x + k * DAY for k in range(-30, 30)])


def test_drag_step_on_the_timeline(benchmark, qapp, crowded):
    """A timeline item dragged: it and its line on the chart move, Qt repaints both."""
    item = crowded.timeline.item(YU7_LAUNCH)
    item.begin_drag("move")
    targets = _targets(item.x_start)

    def step() -> None:
        item.drag_to(next(targets))
        qapp.processEvents()

    benchmark.pedantic(step, **ROUNDS)
    if benchmark.enabled:
        assert benchmark.stats.stats.median < FRAME_S


def test_drag_step_on_a_chart(benchmark, qapp, crowded):
    """A chart's milestone line dragged: it and the timeline item move, Qt repaints both."""
    overlay = _overlay_showing(crowded, YU7_LAUNCH)
    targets = _targets(overlay.line(YU7_LAUNCH).x)

    def step() -> None:
        overlay.drag(YU7_LAUNCH, next(targets))
        qapp.processEvents()

    benchmark.pedantic(step, **ROUNDS)
    if benchmark.enabled:
        assert benchmark.stats.stats.median < FRAME_S


def test_drop(benchmark, qapp, crowded):
    """The release: one command, the store change, every view redrawn and repainted."""
    overlay = _overlay_showing(crowded, YU7_LAUNCH)
    days = itertools.cycle([5, -5])

    def drop() -> None:
        overlay.finish_drag(YU7_LAUNCH, overlay.line(YU7_LAUNCH).x + next(days) * DAY)
        crowded.timeline.relayout()
        qapp.processEvents()

    benchmark.pedantic(drop, rounds=30, warmup_rounds=2)
    assert crowded.undo_stack.count() >= 1

"""The document: the dataset it was made with, the comparison state and the milestones.

Widgets are given a `Project` and never keep their own copy of this state. Mutators return
the value they replaced so undo commands can restore it; listeners hear every change.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.milestones import MilestoneStore

Listener = Callable[[str], None]  # the name of what changed: "comparison", "milestones", "data"


class Project:
    def __init__(self, dataset: Dataset, comparison: Comparison | None = None) -> None:
        self.dataset = dataset
        self.comparison = comparison or Comparison()
        self.milestones = MilestoneStore(dataset.milestones)
        self.milestones.subscribe(lambda _kind, _ident: self._notify("milestones"))
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in self._listeners:
            listener(what)

    def set_comparison(self, comparison: Comparison) -> Comparison:
        """Replace the comparison state; returns the previous one."""
        problems = comparison.problems()
        if problems:
            raise ValueError("; ".join(problems))
        previous, self.comparison = self.comparison, comparison
        if previous != comparison:
            self._notify("comparison")
        return previous

    def latest_month(self) -> str:
        """The last month any selected entity has a figure for (the default period end)."""
        ends = [b[1] for e in self.comparison.entities
                if (b := self.dataset.months_with_data(e, self.comparison.measure))]
        return max(ends).strftime("%Y-%m") if ends else pd.Timestamp.today().strftime("%Y-%m")

"""The document: the dataset it was made with, the comparison state and the milestones.

Widgets are given a `Project` and never keep their own copy of this state. Mutators return
the value they replaced so undo commands can restore it; listeners hear every change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.entities import Entity, layer_entities
from evcompare.model.figures import Observation, Source
from evcompare.model.milestones import MilestoneStore

Listener = Callable[[str], None]  # the name of what changed: "comparison", "milestones", "data"
FigureKey = tuple[str, str, str]  # (entity, measure, period label)


@dataclass(frozen=True)
class DataLayer:
    """The user's own figures (typically one imported file), kept apart from the bundled data
    so they can be shown, switched off or removed as a whole. Entity names the tree does not
    know are the layer's own entities: the project's dataset adds them to its entity tree
    while the layer is there."""

    name: str
    observations: tuple[Observation, ...]
    source_file: str = ""  # the file imported from; '' when typed in


@dataclass(frozen=True)
class Override:
    """The user's figure for one reported period, with who set it, when and why: it is chosen
    over every other row for that period, which stay visible as conflicting alternatives."""

    entity: str
    measure: str
    period: str
    value: float
    qualifier: str = "exact"
    unit: str = "vehicles"
    who: str = ""
    when: str = ""  # ISO 8601 date-time
    why: str = ""

    @property
    def key(self) -> FigureKey:
        return (self.entity, self.measure, self.period)

    def observation(self) -> Observation:
        title = f"User override by {self.who}" if self.who else "User override"
        return Observation(self.entity, self.measure, self.period, self.value, self.unit,
                           self.qualifier, Source(title, "", self.when[:10]), notes=self.why,
                           user=True)


class Project:
    def __init__(self, dataset: Dataset, comparison: Comparison | None = None) -> None:
        self.base_dataset = dataset  # as loaded; shared, so user data never goes into it
        self.dataset = dataset  # a private copy with the user data once there is any
        self.comparison = comparison or Comparison()
        self._layers: dict[str, DataLayer] = {}
        self._overrides: dict[FigureKey, Override] = {}
        self.dataset_note = ""  # how the data differs from the data the project was saved with
        self.views: list[dict] = []  # saved views, kept as the project file holds them
        self.visual: dict[str, object] = {}  # display settings the comparison does not hold
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

    @property
    def layers(self) -> tuple[DataLayer, ...]:
        return tuple(self._layers.values())

    @property
    def overrides(self) -> tuple[Override, ...]:
        return tuple(self._overrides.values())

    def add_layer(self, layer: DataLayer) -> DataLayer | None:
        """Add a layer, or replace the one with its name; returns the replaced one."""
        if not all(o.user for o in layer.observations):
            raise ValueError(f"layer {layer.name!r}: user layers hold only user observations")
        previous = self._layers.get(layer.name)
        self._layers[layer.name] = layer
        self._apply_user_data()
        return previous

    def remove_layer(self, name: str) -> DataLayer:
        removed = self._layers.pop(name)
        self._apply_user_data()
        return removed

    def set_override(self, override: Override) -> Override | None:
        """Set the user's figure for one period; returns the override it replaced."""
        previous = self._overrides.get(override.key)
        self._overrides[override.key] = override
        self._apply_user_data()
        return previous

    def remove_override(self, key: FigureKey) -> Override:
        removed = self._overrides.pop(key)
        self._apply_user_data()
        return removed

    def effective_observations(self) -> list[Observation]:
        """Bundled rows, then the layers' rows, then the overrides. A row for an overridden
        period is kept, marked doubtful, so the override is chosen and the figure it replaced
        still shows as a conflict."""
        rows = list(self.base_dataset.observations)
        rows += [o for layer in self._layers.values() for o in layer.observations]
        rows = [self._superseded(o) if (o.entity, o.measure, o.period) in self._overrides else o
                for o in rows]
        return rows + [o.observation() for o in self._overrides.values()]

    def _superseded(self, row: Observation) -> Observation:
        override = self._overrides[(row.entity, row.measure, row.period)]
        note = f"Replaced by the user override ({override.who}, {override.when})."
        return dataclasses.replace(row, doubt=True, notes=f"{note} {row.notes}".strip())

    def layer_entities(self, layers: Iterable[DataLayer] | None = None) -> list[Entity]:
        """The entities only data layers name (all the project's layers by default), as the
        project's dataset adds them to the bundled entity tree."""
        chosen = self._layers.values() if layers is None else layers
        return layer_entities((o.entity for layer in chosen for o in layer.observations),
                              self.base_dataset.entities)

    def _apply_user_data(self) -> None:
        """A new dataset for every change, so views can tell a changed one by its identity: the
        bundled one, or a private one with the user's rows and the layers' own entities."""
        if not self._layers and not self._overrides:
            self.dataset = self.base_dataset
        else:
            self.dataset = dataclasses.replace(
                self.base_dataset, observations=self.effective_observations(),
                entities=self.base_dataset.entities.with_entities(self.layer_entities()))
        self._notify("data")

"""The entity tree: Xiaomi and its models, HIMA and its brands and models, partner makers,
and the entities only the user's data layers name (BYD from an imported table)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

# Paul Tol's muted palette without the colours entities.csv uses: readable by colour-blind
# readers, and a layer's entity is not mistaken for a bundled one.
LAYER_KIND = "layer"  # the kind of an entity only a data layer names
LAYER_COLOURS = ("#CC6677", "#117733", "#AA4499", "#999933", "#44AA99", "#DDCC77")


@dataclass(frozen=True)
class Entity:
    id: str
    name_en: str
    name_zh: str
    parent: str
    kind: str  # group / brand / model / maker / layer (named only by a data layer)
    partner_oem: str
    joined_hima: str
    first_model: str
    first_model_launch: str
    launch_milestone: str
    colour: str

    def label(self, language: str = "en") -> str:
        """Display name in 'en', 'zh' or 'both'."""
        if language == "zh":
            return self.name_zh or self.name_en
        if language == "both" and self.name_zh:
            return f"{self.name_en} {self.name_zh}"
        return self.name_en

    @property
    def joined_month(self) -> pd.Period | None:
        return pd.Period(self.joined_hima[:7], freq="M") if self.joined_hima else None


class EntityTree:
    """Entities by id, with parent/child links and name lookup in English or Chinese."""

    def __init__(self, entities: list[Entity]) -> None:
        self._by_id = {e.id: e for e in entities}
        self._order = [e.id for e in entities]
        self._children: dict[str, list[Entity]] = {}  # asked for on every redraw (milestone families)
        for entity in self:
            if entity.parent:
                self._children.setdefault(entity.parent, []).append(entity)

    def __iter__(self) -> Iterator[Entity]:
        return (self._by_id[i] for i in self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, ident: object) -> bool:
        return ident in self._by_id

    def __getitem__(self, ident: str) -> Entity:
        return self._by_id[ident]

    def get(self, ident: str) -> Entity | None:
        return self._by_id.get(ident)

    def with_entities(self, extra: Iterable[Entity]) -> EntityTree:
        """This tree followed by `extra` (a data layer's own entities); an id already here keeps
        its entity."""
        return EntityTree([*self, *(e for e in extra if e.id not in self._by_id)])

    def roots(self) -> list[Entity]:
        return [e for e in self if not e.parent]

    def children(self, ident: str) -> list[Entity]:
        return list(self._children.get(ident, ()))

    def group_of(self, ident: str) -> str:
        """The top-level ancestor (Xiaomi, HIMA or a maker)."""
        entity = self._by_id[ident]
        while entity.parent:
            entity = self._by_id[entity.parent]
        return entity.id

    def is_hima_member(self, ident: str) -> bool:
        return ident != "HIMA" and self.group_of(ident) == "HIMA"

    def find(self, name: str) -> Entity | None:
        """Match an id, English or Chinese name, case-insensitively."""
        wanted = name.strip().casefold()
        for entity in self:
            if wanted in (entity.id.casefold(), entity.name_en.casefold(), entity.name_zh.casefold()):
                return entity
        return None

    def resolve(self, names: list[str]) -> list[Entity]:
        """Entities for a list of names; KeyError naming the first unknown one."""
        found = []
        for name in names:
            entity = self.find(name)
            if entity is None:
                known = ", ".join(e.id for e in self)
                raise KeyError(f"unknown entity {name!r} (known: {known})")
            found.append(entity)
        return found


def layer_entities(names: Iterable[str], tree: EntityTree) -> list[Entity]:
    """An entity for each name `tree` does not know, as data layers name them (the id and the
    display name are the name as imported).

    Each gets a colour no entity of `tree` has, picked from the name (crc32, not `hash`, which
    changes from run to run) so BYD keeps its colour from session to session; a name whose
    colour an earlier one took gets the next free one.
    """
    taken = {e.colour.upper() for e in tree}
    palette = [c for c in LAYER_COLOURS if c not in taken] or list(LAYER_COLOURS)
    made: list[Entity] = []
    for name in dict.fromkeys(n for n in names if n not in tree):
        used = {e.colour for e in made}
        first = zlib.crc32(name.encode("utf-8")) % len(palette)
        turn = palette[first:] + palette[:first]
        colour = next((c for c in turn if c not in used), turn[0])
        made.append(Entity(id=name, name_en=name, name_zh="", parent="", kind=LAYER_KIND, partner_oem="",
                           joined_hima="", first_model="", first_model_launch="", launch_milestone="",
                           colour=colour))
    return made

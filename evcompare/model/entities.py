"""The entity tree: Xiaomi and its models, HIMA and its brands and models, partner makers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Entity:
    id: str
    name_en: str
    name_zh: str
    parent: str
    kind: str  # group / brand / model / maker
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

    def roots(self) -> list[Entity]:
        return [e for e in self if not e.parent]

    def children(self, ident: str) -> list[Entity]:
        return [e for e in self if e.parent == ident]

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

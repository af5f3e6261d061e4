"""Undoable edits of the user's figures: data layers (imports) and overrides of single periods.

Each command keeps what the project handed back when it changed, so undo restores exactly
that. A layer's own entities (names the entity list does not have) go with it: a command
that removes or replaces a layer first takes those it no longer names out of the comparison,
in the same undo step. A linked layer's import settings (which column holds which field)
travel with the project in `project.visual[LINKS_KEY]`, so the link can read the file again
after the project is reopened. Reloads of a linked file are not commands: they are the file's
change, not the user's edit (see `evcompare.ui.live_link`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from evcompare.io.tabular_import import FIELDS
from evcompare.model.comparison import Comparison
from evcompare.model.figures import QUALIFIER_SIGN
from evcompare.model.project import DataLayer, FigureKey, Override, Project

LINKS_KEY = "data_links"  # in Project.visual: layer name -> LinkSettings.to_dict()


def _tr(text: str) -> str:
    return QCoreApplication.translate("DataCommands", text)


@dataclass(frozen=True)
class LinkSettings:
    """How a linked file is read again: the column of each field and the defaults chosen."""

    mapping: dict[str, str] = field(default_factory=dict)
    measure: str = ""
    unit: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"mapping": dict(self.mapping), "measure": self.measure, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: object) -> LinkSettings | None:
        """The settings a project file holds; None for anything else (the file is then read
        with the guessed mapping, as on a first import)."""
        if not isinstance(data, dict):
            return None
        mapping, measure, unit = data.get("mapping"), data.get("measure", ""), data.get("unit", "")
        if not (isinstance(mapping, dict) and isinstance(measure, str) and isinstance(unit, str)
                and all(k in FIELDS and isinstance(v, str) for k, v in mapping.items())):
            return None
        return cls(dict(mapping), measure, unit)


def layer_link(project: Project, name: str) -> LinkSettings | None:
    links = project.visual.get(LINKS_KEY)
    return LinkSettings.from_dict(links.get(name)) if isinstance(links, dict) else None


def _set_link(project: Project, name: str, link: LinkSettings | None) -> LinkSettings | None:
    """Store (or drop, for None) a layer's link settings; returns the ones replaced."""
    previous = layer_link(project, name)
    stored = project.visual.get(LINKS_KEY)
    links = dict(stored) if isinstance(stored, dict) else {}
    if link is None:
        links.pop(name, None)
    else:
        links[name] = link.to_dict()
    if links:
        project.visual[LINKS_KEY] = links
    else:
        project.visual.pop(LINKS_KEY, None)
    return previous


def _hide_vanishing(project: Project, layers: list[DataLayer]) -> Comparison | None:
    """Take out of the comparison the layer-only entities that `layers` (what the project's
    layers are about to be) no longer name, before the data loses them, so no view is ever
    asked to draw an entity the data does not have. Returns the comparison replaced (for
    undo to put back after the layers), None when nothing had to go."""
    staying = {e.id for e in project.layer_entities(layers)}
    going = {e.id for e in project.layer_entities()} - staying
    comparison = project.comparison
    if not going.intersection(comparison.entities):
        return None
    return project.set_comparison(comparison.replace(
        entities=tuple(e for e in comparison.entities if e not in going)))


class AddLayer(QUndoCommand):
    """Add an imported layer (replacing one of the same name); undo takes it out again."""

    def __init__(self, project: Project, layer: DataLayer, link: LinkSettings | None = None,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.layer = layer
        self.link = link
        self.replaced: DataLayer | None = None
        self.replaced_link: LinkSettings | None = None
        self.shown: Comparison | None = None  # the comparison before its vanishing entities went
        self.setText(_tr("Import {name}").format(name=layer.name))

    def redo(self) -> None:
        others = [layer for layer in self.project.layers if layer.name != self.layer.name]
        self.shown = _hide_vanishing(self.project, [*others, self.layer])
        self.replaced_link = _set_link(self.project, self.layer.name, self.link)
        self.replaced = self.project.add_layer(self.layer)

    def undo(self) -> None:
        # Kept as the project had it, so redo brings back what live reloads made of it.
        self.link = _set_link(self.project, self.layer.name, self.replaced_link)
        if self.replaced is not None:  # put back in one change: no moment without the layer
            self.layer = self.project.add_layer(self.replaced)
        else:
            self.layer = self.project.remove_layer(self.layer.name)
        if self.shown is not None:
            self.project.set_comparison(self.shown)


class RemoveLayer(QUndoCommand):
    def __init__(self, project: Project, name: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.name = name
        self.layer: DataLayer | None = None
        self.link: LinkSettings | None = None
        self.shown: Comparison | None = None  # the comparison before the layer's entities went
        self.setText(_tr("Remove layer {name}").format(name=name))

    def redo(self) -> None:
        self.shown = _hide_vanishing(self.project, [layer for layer in self.project.layers
                                                    if layer.name != self.name])
        self.link = _set_link(self.project, self.name, None)
        self.layer = self.project.remove_layer(self.name)

    def undo(self) -> None:
        _set_link(self.project, self.name, self.link)
        self.project.add_layer(self.layer)
        if self.shown is not None:
            self.project.set_comparison(self.shown)


def _figure_text(override: Override) -> str:
    value = f"{override.value:,.0f}" if override.value.is_integer() else f"{override.value:,g}"
    return f"{QUALIFIER_SIGN[override.qualifier]}{value}"


class SetOverride(QUndoCommand):
    """Make the user's figure the one shown for a period; undo puts back what was there."""

    def __init__(self, project: Project, override: Override, parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.override = override
        self.replaced: Override | None = None
        self.setText(_tr("Set {entity} {period} to {value}").format(
            entity=override.entity, period=override.period, value=_figure_text(override)))

    def redo(self) -> None:
        self.replaced = self.project.set_override(self.override)

    def undo(self) -> None:
        if self.replaced is None:
            self.project.remove_override(self.override.key)
        else:
            self.project.set_override(self.replaced)


class RemoveOverride(QUndoCommand):
    def __init__(self, project: Project, key: FigureKey, parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.key = key
        self.removed: Override | None = None
        entity, _measure, period = key
        self.setText(_tr("Remove my figure for {entity} {period}").format(entity=entity, period=period))

    def redo(self) -> None:
        self.removed = self.project.remove_override(self.key)

    def undo(self) -> None:
        self.project.set_override(self.removed)

"""The one way the comparison state changes: a `SetComparison` pushed on the window's undo stack.

The command holds the whole old and new `Comparison` (they are small and immutable), so undo
is a plain swap and no widget keeps state of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from evcompare.charts import labels
from evcompare.model.comparison import Comparison
from evcompare.model.project import Project

# Fields edited in bursts (spinning through months, typing unit counts): consecutive changes
# of one of these merge into one undo step. A combo box choice is a deliberate step and is
# kept, so undo after picking YoY then MoM goes back to YoY.
MERGEABLE_FIELDS = frozenset({"start", "end", "race_units"})


def _tr(text: str) -> str:
    return QCoreApplication.translate("SetComparison", text)


def changed_fields(old: Comparison, new: Comparison) -> list[str]:
    return [name for name in Comparison.__dataclass_fields__ if getattr(old, name) != getattr(new, name)]


def _entity_text(project: Project, old: Comparison, new: Comparison) -> str:
    names = labels.entity_labels(project.dataset.entities, new.language)
    added = [names.get(e, e) for e in new.entities if e not in old.entities]
    removed = [names.get(e, e) for e in old.entities if e not in new.entities]
    if added and not removed:
        return _tr("Add {names}").format(names=", ".join(added))
    if removed and not added:
        return _tr("Remove {names}").format(names=", ".join(removed))
    return _tr("Show {names}").format(names=", ".join(names.get(e, e) for e in new.entities))


def describe(project: Project, old: Comparison, new: Comparison) -> str:
    """The undo text for a change, e.g. 'Change metric to YoY'."""
    fields = changed_fields(old, new)
    if len(fields) != 1:
        return _tr("Change view")
    name = fields[0]
    value = getattr(new, name)
    simple = {
        "measure": (_tr("Change measure to {value}"), labels.measure_label),
        "metric": (_tr("Change metric to {value}"), labels.metric_labels().get),
        "freq": (_tr("Change frequency to {value}"), labels.frequency_labels().get),
        "chart": (_tr("Change chart to {value}"), labels.chart_labels().get),
        "layout": (_tr("Change layout to {value}"), labels.layout_labels().get),
        "language": (_tr("Change language to {value}"), labels.language_labels().get),
        "theme": (_tr("Change theme to {value}"), labels.theme_labels().get),
        "start": (_tr("Change period start to {value}"), str),
        "end": (_tr("Change period end to {value}"), lambda v: v or _tr("latest")),
        "race_units": (_tr("Change race marks to {value}"),
                       lambda v: ", ".join(f"{units:,}" for units in v)),
        "milestone_categories": (_tr("Show milestones: {value}"),
                                 lambda v: ", ".join(labels.category_labels()[c] for c in v)
                                 or _tr("none")),
    }
    if name == "entities":
        return _entity_text(project, old, new)
    if name == "shared_y":
        return _tr("Share the value axis") if value else _tr("Separate value axes")
    if name == "area_share":
        return _tr("Show areas as shares") if value else _tr("Show areas as units")
    template, show = simple[name]
    return template.format(value=show(value))


class SetComparison(QUndoCommand):
    """Replace the project's comparison state; undo puts the previous one back."""

    ID = 0x45_56_43  # 'EVC': any constant unique among the app's mergeable commands

    def __init__(self, project: Project, new: Comparison, parent: QUndoCommand | None = None) -> None:
        super().__init__(parent)
        problems = new.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.project = project
        self.old = project.comparison
        self.new = new
        fields = changed_fields(self.old, new)
        self.field = fields[0] if len(fields) == 1 else ""
        self.setText(describe(project, self.old, new))

    def redo(self) -> None:
        self.project.set_comparison(self.new)

    def undo(self) -> None:
        self.project.set_comparison(self.old)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Fold a burst of edits of one field (see MERGEABLE_FIELDS) into a single step."""
        if not (isinstance(other, SetComparison) and other.project is self.project
                and self.field in MERGEABLE_FIELDS and other.field == self.field):
            return False
        self.new = other.new
        self.setText(other.text())
        self.setObsolete(self.new == self.old)
        return True

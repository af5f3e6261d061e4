"""What a slide is before it is drawn: the export sizes, and the title of a view nobody named.

Kept apart from the renderer (`evcompare.charts.export`) so the window can offer sizes and
titles at start-up without loading the renderer, which waits for the first thumbnail or export.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from evcompare.charts.labels import entity_labels, frequency_labels, measure_metric_label
from evcompare.model.comparison import Comparison
from evcompare.model.entities import EntityTree

SIZES: dict[str, tuple[int, int]] = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
DEFAULT_SIZE = SIZES["1920x1080"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Slide", text)  # the slide's own context, as before


def default_title(comparison: Comparison, tree: EntityTree) -> str:
    """'Xiaomi vs HIMA: Deliveries, YoY (Month)': a title for a chart nobody has named yet."""
    names = entity_labels(tree, comparison.language)
    shown = _tr(" vs ").join(names.get(e, e) for e in comparison.entities) or _tr("Nothing selected")
    if comparison.chart == "race":
        return _tr("{entities}: the race").format(entities=shown)
    return _tr("{entities}: {measure} ({freq})").format(
        entities=shown, measure=measure_metric_label(comparison.measure, comparison.metric),
        freq=frequency_labels()[comparison.freq].lower())

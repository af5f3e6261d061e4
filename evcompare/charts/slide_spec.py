"""What a slide is before it is drawn: the export sizes, the look at a size, and the title of
a view nobody named.

Kept apart from the renderer (`evcompare.charts.export`) so the window can offer sizes and
titles at start-up without loading the renderer, which waits for the first thumbnail or export.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from PySide6.QtCore import QCoreApplication

from evcompare.charts.labels import entity_labels, frequency_labels, measure_metric_label
from evcompare.model.comparison import Comparison
from evcompare.model.entities import EntityTree
from evcompare.ui.theming import THEMES, Theme

SIZES: dict[str, tuple[int, int]] = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
DEFAULT_SIZE = SIZES["1920x1080"]
BASE_HEIGHT = 1080  # the presentation theme's sizes are meant for a slide this tall


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


@cache
def export_theme(height: int) -> Theme:
    """The presentation look (light colours, large type, thick lines) scaled to a slide
    `height` pixels tall, so a 720-pixel export looks like a smaller 1080-pixel one."""
    base = THEMES["presentation"]
    k = height / BASE_HEIGHT
    return dataclasses.replace(
        base, name=f"export-{height}", font_pt=max(5, round(base.font_pt * k)),
        marker_size=max(5, round(base.marker_size * k)),
        series_pen_width=max(1.0, round(base.series_pen_width * k, 1)),
        line_width=max(1.0, round(base.line_width * k, 1)))

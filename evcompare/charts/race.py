"""The race chart's crossings: 'Xiaomi: 500,000 in 602 days', placed so labels never overlap."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF

from evcompare.model.race import RaceResult

# Where a label may sit around its marker, as TextItem anchors (a little past the corner so
# the marker stays visible): above left first, since a rising curve leaves that side emptier.
ANCHORS = ((1.02, 1.1), (-0.02, -0.1), (-0.02, 1.1), (1.02, -0.1))


def _tr(text: str) -> str:
    return QCoreApplication.translate("RaceChart", text)


def race_text(label: str, result: RaceResult) -> str:
    """The marker label; a month-end crossing (not a dated milestone) is marked approximate."""
    days = str(result.days) if result.method == "milestone" else f"≈{result.days}"
    return _tr("{label}: {units} in {days} days").format(label=label, units=f"{result.units:,}", days=days)


def crossing_tooltip(label: str, result: RaceResult) -> str:
    how = (_tr("dated milestone") if result.method == "milestone"
           else _tr("first month end at or above the count; the day itself is not reported"))
    lines = [race_text(label, result),
             _tr("Launch: {launch}; reached: {date}").format(launch=result.launch, date=result.date),
             _tr("How: {how} ({basis})").format(how=how, basis=result.basis)]
    if result.source_title:
        lines.append(_tr("Source: {title}").format(title=result.source_title))
    return "\n".join(lines)


def _rect(at: QPointF, size: QRectF, anchor: tuple[float, float]) -> QRectF:
    return QRectF(at.x() - anchor[0] * size.width(), at.y() - anchor[1] * size.height(),
                  size.width(), size.height())


def place_labels(view: pg.ViewBox, labels: list[tuple[pg.TextItem, float, float]]) -> None:
    """Anchor each (label, x, y) at the first corner of its marker where it overlaps no label
    placed before it and stays inside the view (the first corner when none is free)."""
    bounds = view.sceneBoundingRect()
    placed: list[QRectF] = []
    for label, x, y in sorted(labels, key=lambda item: (item[1], item[2])):
        at = view.mapViewToScene(QPointF(x, y))
        size = label.boundingRect()
        free = [a for a in ANCHORS if bounds.contains(_rect(at, size, a))
                and not any(_rect(at, size, a).intersects(other) for other in placed)]
        anchor = free[0] if free else ANCHORS[0]
        placed.append(_rect(at, size, anchor))
        label.setAnchor(anchor)

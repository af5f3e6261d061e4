"""The symbol of each milestone category, shared by the timeline and the charts' milestone lines
(and the timeline's filter buttons), so a category looks the same everywhere."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF

RADIUS = 5.0  # a marker's half-size in pixels


def _polygon(radii: list[float], turn: float) -> QPainterPath:
    """A closed polygon centred on (0, 0): vertices evenly spaced, the first at angle `turn`."""
    step = 2 * math.pi / len(radii)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(r * math.cos(turn + k * step), r * math.sin(turn + k * step))
                               for k, r in enumerate(radii)]))
    path.closeSubpath()
    return path


def _circle(radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QPointF(0, 0), radius * 0.9, radius * 0.9)
    return path


def category_shape(category: str, radius: float = RADIUS) -> QPainterPath:
    """The marker outline of a category, centred on (0, 0); also used for the filter icons."""
    shapes = {
        "launch": lambda: _polygon([radius * 1.15] * 4, 0.0),  # diamond
        "production": lambda: _circle(radius),
        "financial": lambda: _polygon([radius * 1.05] * 4, math.pi / 4),  # square
        "corporate": lambda: _polygon([radius * 1.1] * 3, -math.pi / 2),  # triangle, point up
        "alliance": lambda: _polygon([radius * 1.05] * 6, 0.0),  # hexagon
        "target": lambda: _polygon([radius * 1.3, radius * 0.6] * 5, -math.pi / 2),  # star
    }
    return shapes.get(category, shapes["production"])()

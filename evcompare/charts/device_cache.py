"""An item's drawing kept as an image in device pixels, so an unchanged item is blitted.

Qt repaints every item in a changed region: an axis whose ticks did not move (the time axis
when the metric changes) or ~35 dashed milestone lines would be drawn again from scratch.
The image is made for one device position and scale and drawn back at exactly those pixels;
painters that are not raster (SVG, PDF, printing) are left to draw vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPaintEngine, QPainter, QTransform

MARGIN_PX = 2  # what pens and text may reach past an item's bounding rectangle


def device_xy(transform: QTransform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points mapped by an affine `transform` (a painter's, to its device pixels), as arrays:
    QTransform maps one point a call."""
    return (transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy())


def rasters(painter: QPainter) -> bool:
    """Whether `painter` draws pixels (a widget, an image), where a cached image may stand in."""
    return painter.paintEngine().type() == QPaintEngine.Type.Raster


class DeviceImage:
    """The last drawing of an item, for the key and device pixels it was made for."""

    def __init__(self) -> None:
        self._key: tuple = ()
        self._image: QImage | None = None

    def draw(self, painter: QPainter, rect: QRectF, key: Hashable,
             render: Callable[[QPainter], None]) -> None:
        """Blit the image of `rect` (item coordinates) drawn by `render`, made anew when `key`
        or the device pixels under `rect` changed. What else of the painter's transform the
        drawing depends on is the caller's to put in `key` (lines across the view do not move
        when the value range does)."""
        to_device = painter.deviceTransform()
        area = to_device.mapRect(rect).toAlignedRect().adjusted(-MARGIN_PX, -MARGIN_PX, MARGIN_PX, MARGIN_PX)
        full_key = (key, area.getRect(), to_device.m11())
        if full_key != self._key or self._image is None:
            self._key = full_key
            self._image = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
            self._image.fill(Qt.GlobalColor.transparent)
            cache = QPainter(self._image)
            cache.setRenderHints(painter.renderHints())
            cache.setTransform(to_device * QTransform.fromTranslate(-area.left(), -area.top()))
            render(cache)
            cache.end()
        # World coordinates that are device pixels: undo what the painter adds after the world
        # transform (the widget's offset in the window, the screen's pixel ratio).
        after_world = painter.worldTransform().inverted()[0] * to_device
        painter.save()
        painter.setWorldTransform(after_world.inverted()[0])
        # Pixel for pixel: smoothing would change nothing, but takes the raster engine's slow
        # path (a 450x330 image: ~150 µs instead of ~22).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(area.topLeft(), self._image)
        painter.restore()

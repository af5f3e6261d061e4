"""Main windows for the GUI tests, like napari's make_napari_viewer: each is closed and
destroyed when its test ends, so no window, timer or file watcher leaks; and what tests read
off a painted image."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QEvent, QIODevice, QObject, QRect, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


def window_factory(qtbot, dataset: Dataset) -> Iterator[WindowFactory]:
    """The body of each test module's `make_window` fixture: `yield from window_factory(...)`."""
    windows: list[MainWindow] = []

    def make(comparison: Comparison | None = None, remember_layout: bool = False,
             project: Project | None = None) -> MainWindow:
        window = MainWindow(project or Project(dataset, comparison), remember_layout=remember_layout)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    destroyed: list[bool] = []
    for window in windows:
        window.destroyed.connect(lambda: destroyed.append(True))
        window.undo_stack.setClean()  # the test is over: nothing to ask about
        window.close()
        window.deleteLater()
    qtbot.waitUntil(lambda: len(destroyed) == len(windows))
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def table_value(window: MainWindow, entity: str, period: str) -> str:
    """The Value cell of the data table's row for (entity, period), as the user reads it."""
    names = {e.id: e.label(window.project.comparison.language) for e in window.project.dataset.entities}
    return next(value for label, row_period, value, _q in window.table.rows()
                if label == names.get(entity, entity) and row_period == period)


class PaintCount(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def pixels(image: QImage) -> np.ndarray:
    """The image's (height, width, 3) RGB values, as ints (differences may be negative)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    return rows[:, :rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).astype(int)


def bare_plot(qtbot, size: tuple[int, int], x_range: tuple[float, float],
              y_range: tuple[float, float]) -> pg.PlotWidget:
    """A white plot without axes showing exactly `x_range` and `y_range`, shown: for items
    drawn on their own."""
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.setRange(xRange=x_range, yRange=y_range, padding=0)
    widget.hideAxis("left"), widget.hideAxis("bottom")
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def drawn_with(plot: pg.PlotWidget, item: pg.GraphicsObject) -> np.ndarray:
    """The plot's pixels with `item` added (and taken away again)."""
    plot.addItem(item)
    image = pixels(plot.grab().toImage())
    plot.removeItem(item)
    return image


def svg_of(widget: QWidget) -> str:
    """The SVG text of `widget` rendered as an export does."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    svg = QSvgGenerator()
    svg.setOutputDevice(buffer)
    svg.setSize(QSize(widget.width(), widget.height()))
    svg.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    painter = QPainter(svg)
    widget.render(painter)
    painter.end()
    return bytes(buffer.data()).decode()

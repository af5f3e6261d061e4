"""The chart's symbol item: drawn as pyqtgraph's scatter draws it, with its tips, clicks and vector export."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
import pytest
from gui_windows import bare_plot, drawn_with, svg_of
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from evcompare.charts.marks import Marks

X = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
Y = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])
SYMBOLS = ["o", "t1", "o", "s", "star", "d"]
PENS = [pg.mkPen("#E69F00", width=2), pg.mkPen("#332288", width=1.5, style=Qt.PenStyle.DotLine),
        pg.mkPen("#E69F00", width=2), pg.mkPen("w", width=2), pg.mkPen("k"), pg.mkPen("#009E73", width=3)]
BRUSHES = [pg.mkBrush("#E69F00"), pg.mkBrush(None), pg.mkBrush("#E69F00"), pg.mkBrush("#332288"),
           pg.mkBrush("#CC79A7"), pg.mkBrush(None)]
SIZES = np.array([9.0, 9.0, 9.0, 12.0, 15.0, 9.0])


@pytest.fixture
def plot(qtbot) -> pg.PlotWidget:
    return bare_plot(qtbot, (400, 300), (-0.5, 5.5), (0, 7))


def styled(item: pg.ScatterPlotItem | Marks) -> pg.ScatterPlotItem | Marks:
    item.setData(x=X, y=Y, data=list(range(len(X))), symbol=SYMBOLS, pen=PENS, brush=BRUSHES, size=SIZES)
    return item


def test_marks_look_as_pyqtgraphs_scatter_of_the_same_points(plot):
    ours, theirs = drawn_with(plot, styled(Marks())), drawn_with(plot, styled(pg.ScatterPlotItem()))
    background = drawn_with(plot, pg.ScatterPlotItem())
    assert (np.abs(theirs - background).sum(axis=2) > 0).sum() > 300  # six symbols were drawn
    differ = np.abs(ours - theirs).max(axis=2)  # identical here; a pixel's rounding is no fault
    assert (differ > 64).sum() < 0.02 * (np.abs(theirs - background).sum(axis=2) > 0).sum()


def test_points_keep_their_data_and_style(qtbot):
    marks = styled(Marks())
    spots = marks.points()
    assert [s.symbol() for s in spots] == SYMBOLS
    assert [s.pen() for s in spots] == PENS and [s.brush() for s in spots] == BRUSHES
    assert [s.size() for s in spots] == list(SIZES)
    assert [s.data() for s in spots] == list(range(6)) and list(marks.data["y"]) == list(Y)
    assert spots[3].pos() == QPointF(3.0, 5.0)
    marks.setPen(pg.mkPen("r"))  # as ScatterPlotItem's setter: every point takes it
    assert {s.pen().color().name() for s in marks.points()} == {"#ff0000"}
    assert [s.symbol() for s in marks.points()] == SYMBOLS


def test_one_style_for_all_points(qtbot):
    marks = Marks(symbol="o", brush=None)
    marks.setSize(14)
    marks.setData(x=[1.0, 2.0], y=[3.0, float("nan")])
    assert [(s.symbol(), s.size(), s.brush().style()) for s in marks.points()] == [
        ("o", 14.0, Qt.BrushStyle.NoBrush)] * 2


def viewport_point(plot: pg.PlotWidget, item: Marks, index: int) -> QPoint:
    return plot.mapFromScene(item.mapToScene(QPointF(X[index], Y[index])))


def move_to(plot: pg.PlotWidget, at: QPoint) -> None:
    viewport = plot.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(at),
                                                 QPointF(viewport.mapToGlobal(at)), Qt.MouseButton.NoButton,
                                                 Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


@pytest.fixture
def every_move() -> Iterator[None]:
    """pyqtgraph drops mouse moves that follow the last one sooner than its rate limit allows."""
    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", limit)


def test_hovering_a_point_shows_its_tip_on_the_view(plot, every_move):
    marks = styled(Marks(hoverable=True, tip=lambda x, y, data: f"point {data} at {x:g}, {y:g}"))
    plot.addItem(marks)
    view = plot.getPlotItem().getViewBox()
    move_to(plot, viewport_point(plot, marks, 3))
    assert view.toolTip() == "point 3 at 3, 5"
    move_to(plot, viewport_point(plot, marks, 3) + QPoint(0, 40))  # away from every point
    assert view.toolTip() == ""


def test_clicking_a_point_reports_it(plot, qtbot):
    marks = styled(Marks())
    plot.addItem(marks)
    with qtbot.waitSignal(marks.sigClicked) as clicked:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(plot, marks, 4))
    item, spots, _event = clicked.args
    assert item is marks and [s.data() for s in spots] == [4]


def test_an_svg_gets_every_symbol_as_a_shape(plot):
    marks = styled(Marks())
    plot.addItem(marks)
    text = svg_of(plot)
    assert "<image" not in text
    assert text.count("#332288") >= 2  # the dotted triangle's outline and the square's fill

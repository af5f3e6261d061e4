"""A series' line: drawn as pyqtgraph draws it, gaps kept, long series reduced to what a pixel shows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from gui_windows import bare_plot, drawn_with, pixels, svg_of

from evcompare.charts.line import Line

X = np.arange(12.0)
Y = np.array([1.0, 3.0, 2.0, 5.0, np.nan, 4.0, 6.0, 5.5, 2.0, 3.0, 4.5, 4.0])  # a gap at x = 4
ORANGE = np.array([0xE6, 0x9F, 0x00])


@pytest.fixture
def plot(qtbot) -> pg.PlotWidget:
    return bare_plot(qtbot, (500, 300), (-0.5, 11.5), (0, 7))


def orange(rgb: np.ndarray) -> np.ndarray:
    return (np.abs(rgb - ORANGE) <= 40).all(axis=2)


def curve(item: pg.PlotCurveItem) -> pg.PlotCurveItem:
    item.setData(X, Y, connect="finite")
    item.setPen(pg.mkPen("#E69F00", width=2))
    return item


def test_a_line_looks_as_pyqtgraphs_curve_and_breaks_at_a_gap(plot):
    ours = orange(drawn_with(plot, curve(Line(antialias=True))))
    theirs = orange(drawn_with(plot, curve(pg.PlotCurveItem(antialias=True))))
    assert theirs.sum() > 1000
    assert (ours ^ theirs).sum() < 0.03 * theirs.sum()  # a pixel where the segments meet at most
    left, right = (plot.getPlotItem().getViewBox().mapViewToDevice(pg.Point(x, 0)).x() for x in (3.2, 4.8))
    assert not ours[:, int(left) + 2:int(right) - 2].any()  # nothing drawn across the gap


def test_a_long_series_draws_the_extremes_of_what_is_in_view(plot):
    x = np.arange(200_000.0)
    y = np.sin(x / 5_000.0) * 2 + 3
    y[123_457] = 6.8  # a one-point spike
    y[150_000:150_010] = np.nan  # ten missing points
    line = Line(antialias=True, pen=pg.mkPen("#E69F00", width=2))
    line.setData(x, y, connect="finite")
    plot.addItem(line)
    plot.setRange(xRange=(100_000, 180_000), yRange=(0, 7), padding=0)
    image = pixels(plot.grab().toImage())  # painting applies the new range
    to_device = line.deviceTransform(plot.viewportTransform())
    shown_x, shown_y = line.shown_data(to_device)
    assert len(shown_x) <= 4 * (plot.width() + 2)  # two points a pixel column (and their framing)
    assert shown_x.min() > 99_000 and shown_x.max() < 181_000
    assert np.nanmax(shown_y) == 6.8  # the spike survives
    assert np.isnan(shown_y).any()  # so does the gap
    assert orange(image).sum() > 500


def test_an_svg_gets_the_line_as_a_vector_path(plot):
    plot.addItem(curve(Line(antialias=True)))
    text = svg_of(plot)
    assert "#e69f00" in text.lower() and "<path" in text and "<image" not in text

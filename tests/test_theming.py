"""Themes: the app palette and stylesheet follow the theme, and plots are recoloured in place."""

from __future__ import annotations

from collections.abc import Iterator

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from evcompare.ui.theming import (
    QUALIFIER_STYLE,
    THEMES,
    apply_theme,
    get_theme,
    point_pen_brush,
    style_plot,
    stylesheet,
)

AXES = ("left", "bottom", "right", "top")


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with its look restored afterwards so other tests see the default."""
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_apply_theme_sets_palette_and_stylesheet(app: QApplication, name: str) -> None:
    theme = get_theme(name)
    apply_theme(app, theme)
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == theme.window
    assert palette.color(QPalette.ColorRole.Text).name() == theme.text
    assert theme.panel in app.styleSheet()
    assert "QFrame#kpiCard" in app.styleSheet()
    app.setStyleSheet("")  # unwraps the style the sheet was applied over
    assert app.style().name().lower() == "fusion"


def test_stylesheet_fills_every_placeholder() -> None:
    for theme in THEMES.values():
        sheet = stylesheet(theme)
        assert "$" not in sheet
        assert theme.banner in sheet


def test_unknown_theme_names_the_choices() -> None:
    with pytest.raises(KeyError, match="light"):
        get_theme("sepia")


def _plot_colours(plot: pg.PlotItem) -> dict[str, str]:
    colours = {"view": plot.getViewBox().background.brush().color().name()}
    for name in AXES:
        axis = plot.getAxis(name)
        colours[f"{name} text"] = axis.textPen().color().name()
        colours[f"{name} line"] = axis.pen().color().name()
    return colours


def test_style_plot_colours_background_and_all_axes(qtbot) -> None:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    dark = get_theme("dark")
    style_plot(plot, dark)
    colours = _plot_colours(plot)
    assert colours["view"] == dark.plot_background
    for name in AXES:
        assert colours[f"{name} text"] == dark.plot_foreground
        assert colours[f"{name} line"] == dark.axis
    assert widget.backgroundBrush().color().name() == dark.plot_background
    assert plot.getAxis("left").grid == int(dark.grid_alpha * 255)


def test_theme_toggle_restores_light_values_without_new_items(qtbot) -> None:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    plot.setTitle("Deliveries")
    plot.setLabel("left", "vehicles")
    light, dark = get_theme("light"), get_theme("dark")
    style_plot(plot, light)
    before, items = _plot_colours(plot), len(widget.scene().items())
    style_plot(plot, dark)
    assert _plot_colours(plot) != before
    assert dark.plot_foreground in plot.titleLabel.item.toHtml()
    style_plot(plot, light)
    assert _plot_colours(plot) == before
    assert light.plot_foreground in plot.titleLabel.item.toHtml()
    assert plot.getAxis("left").labelStyle["color"] == light.plot_foreground
    assert len(widget.scene().items()) == items


def test_qualifiers_are_drawn_distinctly(qapp: QApplication) -> None:
    theme = get_theme("light")
    exact = point_pen_brush("exact", "#E69F00", theme)
    over = point_pen_brush("over", "#E69F00", theme)
    approx = point_pen_brush("approx", "#E69F00", theme)
    assert exact[0] == "o" and exact[2].color().name() == "#e69f00"
    assert over[0] == "t1" and over[2].style() == Qt.BrushStyle.NoBrush
    assert approx[2].style() == Qt.BrushStyle.NoBrush
    assert approx[1].style() != Qt.PenStyle.SolidLine
    assert not QUALIFIER_STYLE["over"].filled and QUALIFIER_STYLE["exact"].filled
    assert point_pen_brush("", "#E69F00", theme) == exact  # a missing figure's qualifier

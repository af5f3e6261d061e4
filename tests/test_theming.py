"""Themes: the app palette and the panels painted from it follow the theme, and plots are
recoloured in place."""

from __future__ import annotations

from collections.abc import Iterator

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from evcompare.ui.banner import Banner
from evcompare.ui.kpi_cards import KpiCard
from evcompare.ui.theming import (
    QUALIFIER_STYLE,
    THEME_PROPERTY,
    apply_theme,
    current_theme,
    get_theme,
    point_pen_brush,
    style_plot,
)

AXES = ("left", "bottom", "right", "top")


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with its look restored afterwards so other tests see the default."""
    palette, style, theme = qapp.palette(), qapp.style().name(), qapp.property(THEME_PROPERTY)
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setProperty(THEME_PROPERTY, theme)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_apply_theme_sets_the_palette_and_no_stylesheet(app: QApplication, name: str) -> None:
    theme = get_theme(name)
    apply_theme(app, theme)
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == theme.window
    assert palette.color(QPalette.ColorRole.Text).name() == theme.text
    assert palette.color(QPalette.ColorRole.PlaceholderText).name() == theme.text_muted
    assert app.style().name().lower() == "fusion"
    assert app.styleSheet() == ""  # every widget would be styled through the sheet engine
    assert current_theme() is theme


def pixel(widget: QWidget, x: int, y: int) -> str:
    return widget.grab().toImage().pixelColor(x, y).name()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_kpi_cards_and_the_banner_paint_their_panels_in_the_theme(qtbot, app, name: str) -> None:
    theme = get_theme(name)
    apply_theme(app, theme)
    card, banner = KpiCard(None), Banner()
    for widget in (card, banner):
        qtbot.addWidget(widget)
        widget.resize(260, 120)
    banner.set_message("link", "Sales.xlsx could not be reloaded")
    assert pixel(card, 130, 60) == theme.panel and pixel(card, 130, 0) == theme.grid
    assert pixel(banner, 130, 60) == theme.banner and pixel(banner, 130, 0) == theme.banner_border
    assert banner.label.palette().color(QPalette.ColorRole.WindowText).name() == theme.banner_text
    caption = next(iter(card.captions.values()))
    assert caption.palette().color(caption.foregroundRole()).name() == theme.text_muted


def test_the_banner_follows_a_theme_change(qtbot, app) -> None:
    apply_theme(app, get_theme("light"))
    banner = Banner()
    qtbot.addWidget(banner)
    apply_theme(app, get_theme("dark"))
    qtbot.waitUntil(lambda: banner.label.palette().color(QPalette.ColorRole.WindowText).name()
                    == get_theme("dark").banner_text)


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

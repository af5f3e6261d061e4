"""Themes are data: one frozen `Theme` per look, applied to Qt widgets and to pyqtgraph plots.

Qt widgets follow the application palette (the KPI cards and the banner paint their panels
from the theme); pyqtgraph ignores it, so `style_plot` sets its colours explicitly. How a
figure's qualifier is drawn (filled point, hollow up-triangle for a lower bound, dashed hollow
circle for an approximation) is defined once here for the chart and its legend.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget

THEME_PROPERTY = "evcompareTheme"  # the name of the theme applied to the QApplication


@dataclass(frozen=True)
class Theme:
    """Colours ('#RRGGBB') and chart sizes for one look of the app."""

    name: str
    window: str
    panel: str
    alternate: str  # every other table row
    text: str
    text_muted: str
    grid: str  # borders and separators
    axis: str
    accent: str
    selection: str
    banner: str
    banner_text: str
    banner_border: str
    plot_background: str
    plot_foreground: str
    grid_alpha: float  # 0..1, applied to the axis colour for grid lines
    line_width: float  # axis lines and ticks
    marker_size: int
    font_pt: int  # chart tick and label text
    series_pen_width: float  # data series lines


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light", window="#f3f4f6", panel="#ffffff", alternate="#f6f8fa", text="#1f2328",
        text_muted="#59636e", grid="#d0d7de", axis="#57606a", accent="#0969da",
        selection="#cfe2ff", banner="#fff4ce", banner_text="#4d3800", banner_border="#e3c567",
        plot_background="#ffffff", plot_foreground="#24292f", grid_alpha=0.25, line_width=1.0,
        marker_size=7, font_pt=9, series_pen_width=2.0,
    ),
    "dark": Theme(
        name="dark", window="#1c2026", panel="#252a31", alternate="#2b3139", text="#e6e9ed",
        text_muted="#9ba5b0", grid="#3b434d", axis="#a3acb7", accent="#58a6ff",
        selection="#2d4a73", banner="#3d3214", banner_text="#f5dc8c", banner_border="#7a6422",
        plot_background="#181b20", plot_foreground="#d4d9df", grid_alpha=0.3, line_width=1.0,
        marker_size=7, font_pt=9, series_pen_width=2.0,
    ),
}
# For showing charts on a projector: the light colours with large type and thick lines.
THEMES["presentation"] = dataclasses.replace(
    THEMES["light"], name="presentation", line_width=1.5, marker_size=11, font_pt=14,
    series_pen_width=4.0,
)


def get_theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise KeyError(f"unknown theme {name!r} (expected one of {', '.join(THEMES)})") from None


def _palette(theme: Theme) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.alternate,
        QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.text_muted,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: theme.accent,
        QPalette.ColorRole.Highlight: theme.selection,
        QPalette.ColorRole.HighlightedText: theme.text,
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.LinkVisited: theme.accent,
        QPalette.ColorRole.Mid: theme.grid,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.text_muted))
    return palette


class _ThemeChanges(QObject):
    """Announces each theme applied to the app, to the widgets that draw from `current_theme`:
    Qt's palette-change events do not reach a widget whose palette Qt already resolved to the
    new colours."""

    applied = Signal(object)  # the Theme


theme_changes = _ThemeChanges()


def _use_fusion(app: QApplication) -> None:
    """Set the Fusion style (the one style that honours a palette everywhere) unless it is set:
    setting a style re-polishes every widget of the app."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Fusion style and the theme's palette, each only when the app does not have it yet.

    No application stylesheet: under one, Qt styles every widget through its stylesheet
    engine, which made the window's first paint ~40 ms later. What the palette cannot say
    (the KPI cards' and the banner's panels) those widgets paint themselves, from
    `current_theme`."""
    _use_fusion(app)
    changed = app.property(THEME_PROPERTY) != theme.name
    app.setProperty(THEME_PROPERTY, theme.name)
    palette = _palette(theme)
    if app.palette() != palette:
        app.setPalette(palette)
    if changed:
        theme_changes.applied.emit(theme)


def current_theme() -> Theme:
    """The theme last applied to the application (light before any)."""
    app = QApplication.instance()
    name = app.property(THEME_PROPERTY) if app is not None else None
    return THEMES.get(name, THEMES["light"]) if isinstance(name, str) else THEMES["light"]


def paint_panel(widget: QWidget, fill: str, border: str, radius: float) -> None:
    """A rounded panel with a one-pixel border over the whole of `widget` (from its paintEvent)."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(border), 1))
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


def style_plot(plot: pg.PlotItem, theme: Theme) -> None:
    """Colour a pyqtgraph plot for the theme; repeatable (a theme toggle) and creates no items.

    Also sets the background of the views showing the plot's scene, since pyqtgraph draws
    the area around the axes black by default.
    """
    plot.getViewBox().setBackgroundColor(theme.plot_background)
    scene = plot.scene()
    if scene is not None:
        for view in scene.views():
            if isinstance(view, pg.GraphicsView):
                view.setBackground(theme.plot_background)
    font = QFont()
    font.setPointSize(theme.font_pt)
    axis_pen = pg.mkPen(theme.axis, width=theme.line_width)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(axis_pen)
        axis.labelStyle["font-size"] = f"{theme.font_pt}pt"
        axis.setTextPen(theme.plot_foreground)  # also re-renders the axis label in its colour
        axis.setTickFont(font)
    plot.titleLabel.setText(plot.titleLabel.text, color=theme.plot_foreground,
                            size=f"{theme.font_pt + 2}pt")
    plot.showGrid(x=True, y=True, alpha=theme.grid_alpha)


@dataclass(frozen=True)
class PointStyle:
    """How a point is marked so its qualifier shows without reading a tooltip."""

    symbol: str  # a pyqtgraph symbol name
    filled: bool
    dashed: bool = False


QUALIFIER_STYLE: dict[str, PointStyle] = {
    "exact": PointStyle("o", filled=True),
    "over": PointStyle("t1", filled=False),  # hollow up-triangle: "at least this much"
    "approx": PointStyle("o", filled=False, dashed=True),
}


def point_style(qualifier: str) -> PointStyle:
    """The style for a qualifier; a missing figure's empty qualifier falls back to exact."""
    return QUALIFIER_STYLE.get(qualifier, QUALIFIER_STYLE["exact"])


@cache
def point_pen_brush(qualifier: str, colour: str, theme: Theme) -> tuple[str, QPen, QBrush]:
    """(symbol, pen, brush) for one point, shared by the chart's spots and its legend.

    Cached: a chart asks for the same few combinations for every point it draws.
    """
    style = point_style(qualifier)
    pen = pg.mkPen(colour, width=theme.line_width if style.filled else theme.line_width + 0.5)
    if style.dashed:
        pen.setStyle(Qt.PenStyle.DotLine)
    brush = pg.mkBrush(colour) if style.filled else QBrush(Qt.BrushStyle.NoBrush)
    return style.symbol, pen, brush

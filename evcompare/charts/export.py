"""Slides: a saved view drawn at a fixed size, for exports, thumbnails and the presentation.

A slide is a widget — title, subtitle, a `ChartArea` (whose legend explains the lower-bound
and gap symbols) and a footnote naming the sources — laid out at the exact size wanted and
painted with `QWidget.render` into a QImage, an SVG or a PDF page. Painting the real widgets
keeps line widths, fonts and the legend in proportion at any size, which pyqtgraph's own
exporters do not, and draws vectors wherever the target is a vector format. Exports use the
light colours whatever the app's theme.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPaintEngine, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from evcompare.charts.data import ChartData, chart_data
from evcompare.charts.marks import Marks
from evcompare.charts.panels import ChartArea
from evcompare.charts.slide_spec import DEFAULT_SIZE, export_theme
from evcompare.io.paths import resource
from evcompare.model.comparison import Comparison
from evcompare.model.entities import EntityTree
from evcompare.model.project import Project
from evcompare.model.views import SavedView, cited_titles, short_title
from evcompare.ui.fonts import cjk_family
from evcompare.ui.theming import Theme

FOOTNOTE_SOURCES = 5  # source titles named in a footnote; the rest are counted
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _tr(text: str) -> str:
    return QCoreApplication.translate("Slide", text)


def view_project(project: Project, comparison: Comparison) -> Project:
    """A throwaway document showing `comparison` over the project's data and milestones.

    Slides are drawn from it so that exporting or presenting never touches the project's own
    comparison (nor its undo stack): the document is not made dirty by showing it.
    """
    shown = Project(project.dataset, comparison)
    shown.milestones = project.milestones
    return shown


def footnote_text(data: ChartData, as_of: str) -> str:
    """'Sources: …; ≥ = company said "more than"': what a slide's figures come from."""
    extra = [r.source_title for results in data.crossings.values() for r in results if r.days is not None]
    titles = cited_titles(data.frame["figure"], extra)
    named = "; ".join(short_title(t) for t in titles[:FOOTNOTE_SOURCES])
    if len(titles) > FOOTNOTE_SOURCES:
        named += _tr("; and {count} more").format(count=len(titles) - FOOTNOTE_SOURCES)
    parts = [_tr("Sources: {titles}").format(titles=named or _tr("none (no figures shown)")),
             _tr("≥ = company said 'more than'")]
    qualifiers = set(data.frame["qualifier"])
    if "approx" in qualifiers:
        parts.append(_tr("≈ = approximate"))
    if as_of:
        parts.append(_tr("data as of {date}").format(date=as_of))
    return "; ".join(parts)


class SlideWidget(QWidget):
    """Title, subtitle, chart with its legend, and the footnote (plus a counter when presented)."""

    def __init__(self, tree: EntityTree, theme: Theme, parent: QWidget | None = None,
                 flags: Qt.WindowType = Qt.WindowType.Widget) -> None:
        super().__init__(parent, flags)
        self.setObjectName("slide")
        self.theme: Theme | None = None
        self._header = True
        self.title = QLabel()
        self.subtitle = QLabel()
        self.footnote = QLabel()
        self.counter = QLabel()
        for label, name in ((self.title, "slideTitle"), (self.subtitle, "slideSubtitle"),
                            (self.footnote, "slideFootnote"), (self.counter, "slideCounter")):
            label.setObjectName(name)
            label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.title, self.subtitle, self.footnote):
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.counter.hide()
        self.chart = ChartArea(tree, theme)
        self.chart.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the slide's owner
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.chart, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.footnote, 1)
        footer.addWidget(self.counter)
        layout.addLayout(footer)
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        """Own colours and type sizes, so the app's theme (dark, say) does not leak in."""
        if theme is self.theme:
            return
        self.theme = theme
        pad = round(theme.font_pt * 1.6)
        self.layout().setContentsMargins(pad, pad, pad, round(pad * 0.6))
        self.layout().setSpacing(round(pad * 0.4))
        sizes = ((self.title, 2.0, QFont.Weight.DemiBold), (self.subtitle, 1.15, QFont.Weight.Normal),
                 (self.footnote, 0.8, QFont.Weight.Normal), (self.counter, 1.0, QFont.Weight.DemiBold))
        for label, scale, weight in sizes:
            font = QFont(self.font())
            font.setPointSizeF(theme.font_pt * scale)
            font.setWeight(weight)
            label.setFont(font)
        self.setStyleSheet(
            f"QWidget#slide {{ background: {theme.plot_background}; }}"
            f"QLabel#slideTitle, QLabel#slideCounter {{ color: {theme.plot_foreground}; }}"
            f"QLabel#slideSubtitle, QLabel#slideFootnote {{ color: {theme.text_muted}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.chart.legend.setLabelTextSize(f"{theme.font_pt * 0.9:.1f}pt")

    def set_parts(self, header: bool, footer: bool) -> None:
        """Show or hide the title lines and the footnote (a PPTX slide has them as text)."""
        self._header = header
        self.title.setVisible(header)
        self.subtitle.setVisible(header and bool(self.subtitle.text()))
        self.footnote.setVisible(footer)

    def show_view(self, project: Project, view: SavedView) -> ChartData:
        """Draw `view` over the project's data; returns what was drawn."""
        assert self.theme is not None
        shown = view_project(project, view.comparison)
        data = chart_data(shown)
        self.chart.show_data(data, list(project.milestones), self.theme)
        self._fit_time_axes()
        self.title.setText(view.title)
        self.subtitle.setText(view.subtitle)
        self.subtitle.setVisible(self._header and bool(view.subtitle))
        self.footnote.setText(footnote_text(data, str(project.dataset.manifest.get("as_of", ""))))
        return data


    def _fit_time_axes(self) -> None:
        """Make the bottom axes tall enough for their tick text: pyqtgraph reserves 0.8 of the
        font's height, which clips the descenders of large (slide-sized) type."""
        for panel in self.chart.panels():
            axis = panel.plot.getAxis("bottom")
            font = axis.style["tickFont"] or self.font()
            label = axis.label.boundingRect().height() * 0.8 if axis.label.isVisible() else 0.0
            axis.setHeight(QFontMetricsF(font).height() + axis.style["tickTextOffset"][1] + label)


def settle() -> None:
    """Deliver the layout and resize work Qt and pyqtgraph post, so a slide is painted as laid
    out (without processing user input, which an export must not react to)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents()


@contextmanager
def vector_points(widget: QWidget) -> Iterator[None]:
    """Draw points one by one as shapes while exporting: they are otherwise blitted from a
    screen-resolution image, blurry at 2x."""
    views = widget.findChildren(pg.GraphicsView)
    items = [item for view in views for item in view.scene().items() if isinstance(item, Marks)]
    for item in items:
        item.setExportMode(True, {"antialias": True})
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)


class SlideRenderer:
    """An offscreen slide of a fixed size that paints saved views into images, SVG and PDF pages.

    One renderer draws many views (a deck) with the same widgets: only the data changes.
    """

    def __init__(self, project: Project, size: tuple[int, int] = DEFAULT_SIZE, header: bool = True,
                 footer: bool = True, parent: QWidget | None = None, theme_height: int | None = None) -> None:
        """`theme_height`: the height of the slide the type is sized for, when the widget is only
        part of it (a PPTX picture); the widget's own height by default."""
        self.project = project
        self.size = QSize(*size)
        self.slide = SlideWidget(project.dataset.entities, export_theme(theme_height or size[1]), parent,
                                 Qt.WindowType.Window)
        self.slide.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.slide.set_parts(header, footer)
        self.slide.setFixedSize(self.size)
        self.slide.show()
        settle()

    def __enter__(self) -> SlideRenderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.slide.close()
        self.slide.deleteLater()

    def prepare(self, view: SavedView) -> ChartData:
        data = self.slide.show_view(self.project, view)
        settle()
        return data

    def paint(self, painter: QPainter) -> None:
        """Paint the prepared slide at the painter's origin, one unit per slide pixel."""
        raster = painter.paintEngine().type() == QPaintEngine.Type.Raster
        if raster and painter.device().devicePixelRatio() == 1:
            self.slide.render(painter, QPoint())
            return
        with vector_points(self.slide):
            self.slide.render(painter, QPoint())

    def image(self, view: SavedView, scale: float = 1.0) -> QImage:
        """The view as an image of exactly size × scale pixels (scale 2: for HiDPI screens)."""
        self.prepare(view)
        image = QImage(round(self.size.width() * scale), round(self.size.height() * scale),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.paint(painter)
        painter.end()
        return image

    def svg(self, view: SavedView) -> bytes:
        """The view as an SVG document: shapes and text, with the bundled Chinese font embedded
        when the slide has Chinese text, so it shows on machines without one."""
        self.prepare(view)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(self.size)
        generator.setViewBox(QRect(QPoint(), self.size))
        generator.setResolution(round(self.slide.logicalDpiX()))
        generator.setTitle(view.title)
        generator.setDescription(self.slide.footnote.text())
        painter = QPainter(generator)
        self.paint(painter)
        painter.end()
        return embed_cjk_font(bytes(buffer.data()))


def png_bytes(image: QImage, quality: int = -1) -> bytes:
    """The image as PNG file contents (`quality` trades zlib effort for speed; lossless either way)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG", quality):
        raise OSError(_tr("the image could not be encoded as PNG"))
    return bytes(data)


@cache
def _font_face() -> str:
    family = cjk_family()
    fonts = [p for p in sorted(resource("fonts").glob("*")) if p.suffix.lower() in (".otf", ".ttf")]
    if family is None or not fonts:
        return ""
    data = base64.b64encode(fonts[0].read_bytes()).decode("ascii")
    kind = "opentype" if fonts[0].suffix.lower() == ".otf" else "truetype"
    return (f"<defs><style type=\"text/css\">@font-face {{ font-family: '{family}'; "
            f"src: url(data:font/{fonts[0].suffix[1:]};base64,{data}) format('{kind}'); }}</style></defs>")


def embed_cjk_font(svg: bytes) -> bytes:
    """Embed the bundled CJK font if any text is Chinese. Qt already lists it after the default
    family in every `font-family`; embedded, it is there on machines that lack it."""
    text = svg.decode("utf-8")
    face = _font_face()
    if not face or not CJK.search(text):
        return svg
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m[1] + face, text, count=1).encode("utf-8")

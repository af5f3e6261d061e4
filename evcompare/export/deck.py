"""Saved views to files: PNG and SVG one per view, a PDF deck and a PowerPoint deck.

Everything is rendered into memory first and written with `write_atomic` at the end, so an
export that fails or is cancelled half-way leaves no partial file behind (and never a deck
with some pages missing). `progress(done, total)` is called after each page; returning False
cancels (ExportCancelled).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

from evcompare.charts.data import ChartData
from evcompare.charts.export import SlideRenderer, png_bytes
from evcompare.charts.labels import entity_labels
from evcompare.charts.series import value_text
from evcompare.charts.slide_spec import DEFAULT_SIZE
from evcompare.io.atomic import write_atomic
from evcompare.model.project import Project
from evcompare.model.views import SavedView

FORMATS = ("png", "svg", "pdf", "pptx")
DECK_FORMATS = ("pdf", "pptx")  # one file for all views; the others write one file per view
Progress = Callable[[int, int], bool]

# PowerPoint's 16:9 slide is 13.333 in wide; a slide of another shape keeps that width.
SLIDE_WIDTH_EMU = 12_192_000
PNG_QUALITY = 60  # Qt maps PNG quality to zlib effort: lossless either way, faster than the default


def _tr(text: str) -> str:
    return QCoreApplication.translate("Deck", text)


class ExportCancelled(Exception):
    """The user cancelled; nothing was written."""


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and not progress(done, total):
        raise ExportCancelled(_tr("Export cancelled"))


def slug(title: str) -> str:
    """A file name part from a view title: 'Xiaomi vs HIMA: monthly…' -> 'xiaomi-vs-hima-monthly'.
    Chinese and other letters are kept; only what file systems refuse or mangle goes."""
    text = unicodedata.normalize("NFKC", title).lower()
    text = re.sub(r"[^\w]+", "-", text).strip("-_")
    return text[:60].rstrip("-_") or "view"


def file_names(views: Sequence[SavedView], fmt: str) -> list[str]:
    """'01-xiaomi-vs-hima-monthly-deliveries.png', …: numbered so they sort in story order."""
    width = max(2, len(str(len(views))))
    return [f"{i:0{width}d}-{slug(v.title)}.{fmt}" for i, v in enumerate(views, start=1)]


def table_text(project: Project, data: ChartData) -> str:
    """The figures behind a chart as lines of text, for speaker notes: value, qualifier,
    coverage and the sources' titles for every period."""
    names = entity_labels(project.dataset.entities, data.comparison.language)
    signed = data.comparison.metric in ("yoy", "mom")
    unit = "" if data.percent else f" {data.unit}"
    lines = []
    for row in data.frame.itertuples():
        figure = row.figure
        if figure.missing:
            lines.append(_tr("{entity} {period}: no figure").format(entity=names.get(row.entity, row.entity),
                                                                  period=row.period))
            continue
        titles = "; ".join(dict.fromkeys(s.title for s in figure.sources if s.title))
        template = _tr("{entity} {period}: {value}{unit} ({qualifier}, {coverage} months; {sources})")
        lines.append(template.format(
            entity=names.get(row.entity, row.entity), period=row.period,
            value=value_text(figure, data.percent, signed), unit=unit, qualifier=figure.qualifier,
            coverage=row.coverage, sources=titles or _tr("no source")))
    return "\n".join(lines)


# --- single files ---------------------------------------------------------------------------

def image_files(project: Project, views: Sequence[SavedView], fmt: str, size: tuple[int, int] = DEFAULT_SIZE,
                scale: float = 1.0, progress: Progress | None = None) -> list[bytes]:
    """Each view as a PNG (size × scale pixels) or an SVG document."""
    files = []
    with SlideRenderer(project, size) as renderer:
        for index, view in enumerate(views):
            files.append(png_bytes(renderer.image(view, scale)) if fmt == "png" else renderer.svg(view))
            _step(progress, index + 1, len(views))
    return files


# --- decks ----------------------------------------------------------------------------------

def pdf_deck(project: Project, views: Sequence[SavedView], size: tuple[int, int] = DEFAULT_SIZE,
             progress: Progress | None = None) -> bytes:
    """One vector page per view, each page the slide's size at the screen's resolution."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(views[0].title if len(views) == 1 else _tr("evcompare deck"))
    writer.setCreator("evcompare")
    painter = QPainter()
    with SlideRenderer(project, size) as renderer:
        dpi = round(renderer.slide.logicalDpiX())
        writer.setResolution(dpi)
        points = QSizeF(size[0] * 72 / dpi, size[1] * 72 / dpi)
        writer.setPageSize(QPageSize(points, QPageSize.Unit.Point, _tr("Slide")))
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        try:
            for index, view in enumerate(views):
                renderer.prepare(view)
                if index == 0:
                    painter.begin(writer)
                else:
                    writer.newPage()
                renderer.paint(painter)
                _step(progress, index + 1, len(views))
        finally:
            if painter.isActive():
                painter.end()
    return bytes(data)


def pptx_deck(project: Project, views: Sequence[SavedView], size: tuple[int, int] = DEFAULT_SIZE,
              scale: float = 1.0, progress: Progress | None = None) -> bytes:
    """One slide per view: the title and subtitle as text, the chart (with its legend) as a PNG
    picture, the footnote as text, and the view's notes plus its figures in the speaker notes."""
    from pptx import Presentation  # imported when used: python-pptx takes a while to load
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    width, height = SLIDE_WIDTH_EMU, round(SLIDE_WIDTH_EMU * size[1] / size[0])
    margin = Inches(0.4)
    chart_top, chart_bottom = Inches(1.45), height - Inches(0.75)
    chart_size = (width - 2 * margin, chart_bottom - chart_top)
    pixels = (size[0], max(1, round(size[0] * chart_size[1] / chart_size[0])))
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(width), Emu(height)
    grey = RGBColor(0x59, 0x63, 0x6E)

    def text_box(slide: object, top: int, box_height: int, text: str, points: float) -> None:
        box = slide.shapes.add_textbox(Emu(margin), Emu(top), Emu(width - 2 * margin), Emu(box_height))
        box.text_frame.word_wrap = True
        box.text_frame.text = text
        font = box.text_frame.paragraphs[0].font
        font.size, font.color.rgb = Pt(points), grey

    with SlideRenderer(project, pixels, header=False, footer=False, theme_height=size[1]) as renderer:
        for index, view in enumerate(views):
            image = renderer.image(view, scale)
            data = renderer.slide.chart.data
            slide = deck.slides.add_slide(deck.slide_layouts[5])  # 'Title Only'
            title = slide.shapes.title
            title.left, title.top = margin, Inches(0.25)
            title.width, title.height = Emu(width - 2 * margin), Inches(0.75)
            title.text = view.title
            paragraph = title.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.font.size, paragraph.font.bold = Pt(28), True
            if view.subtitle:
                text_box(slide, Inches(0.95), Inches(0.45), view.subtitle, 14)
            slide.shapes.add_picture(io.BytesIO(png_bytes(image, PNG_QUALITY)), margin, chart_top,
                                     Emu(chart_size[0]), Emu(chart_size[1]))
            text_box(slide, chart_bottom + Inches(0.05), Inches(0.6),
                     renderer.slide.footnote.text(), 9)
            notes = [view.notes] if view.notes else []
            if data is not None:
                notes.append(_tr("Figures shown:") + "\n" + table_text(project, data))
            notes.append(renderer.slide.footnote.text())
            slide.notes_slide.notes_text_frame.text = "\n\n".join(notes)
            _step(progress, index + 1, len(views))
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# --- to disk --------------------------------------------------------------------------------

def check_target(out: Path, fmt: str, count: int) -> bool:
    """Whether `out` is a folder for one file per view; OSError with a clear message when it
    cannot be written. PNG and SVG of several views go to a folder (made if missing)."""
    as_folder = fmt not in DECK_FORMATS and (count > 1 or out.is_dir())
    parent = out if as_folder else out.parent
    if as_folder and out.exists() and not out.is_dir():
        raise OSError(_tr("{path} is a file; several views need a folder").format(path=out))
    if not as_folder and out.is_dir():
        raise OSError(_tr("{path} is a folder; give a file name ending in .{fmt}").format(path=out, fmt=fmt))
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OSError(_tr("cannot write to {path}").format(path=parent))
    return as_folder


def export_views(project: Project, views: Sequence[SavedView], fmt: str, out: str | os.PathLike[str],
                 size: tuple[int, int] = DEFAULT_SIZE, scale: float = 1.0,
                 progress: Progress | None = None) -> list[Path]:
    """Write the views in `fmt` to `out` (a file, or a folder for several PNG/SVG views) and
    return the files written. Raises ExportCancelled (nothing written) or OSError."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if not views:
        raise ValueError("no views to export")
    target = Path(out)
    as_folder = check_target(target, fmt, len(views))
    if fmt == "pdf":
        contents = [pdf_deck(project, views, size, progress)]
    elif fmt == "pptx":
        contents = [pptx_deck(project, views, size, scale, progress)]
    else:
        contents = image_files(project, views, fmt, size, scale, progress)
    if as_folder:
        target.mkdir(parents=True, exist_ok=True)
        paths = [target / name for name in file_names(views, fmt)]
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        paths = [target]
    for path, content in zip(paths, contents, strict=True):
        write_atomic(path, content)
    return paths


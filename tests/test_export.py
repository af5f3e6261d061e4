"""Slide exports: PNG at exact sizes, SVG with real text, a PDF and a PowerPoint deck that read
back, Chinese that survives, light colours whatever the app's theme, and cancel leaving nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import numpy as np
import pytest
from gui_windows import pixels
from pptx import Presentation as PptxFile
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QProgressDialog

from evcompare.charts.export import SlideRenderer, png_bytes
from evcompare.export.deck import ExportCancelled, export_views, pdf_deck
from evcompare.io.atomic import temp_files
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.model.views import SavedView, default_views
from evcompare.ui.export_actions import SizeDialog
from evcompare.ui.main_window import MainWindow
from evcompare.ui.theming import THEMES, apply_theme

XIAOMI = np.array([0xE6, 0x9F, 0x00])
TOLERANCE = 24  # antialiased lines blend the colour with the white background
MIN_SERIES_COLUMNS = 400  # a legend swatch is 20 pixels wide; the series crosses the chart


def columns_with(rgb: np.ndarray, colour: np.ndarray) -> int:
    return int((np.abs(rgb - colour) <= TOLERANCE).all(axis=2).any(axis=0).sum())


def flat(text: str) -> str:
    """Text as read back: ligatures ('ﬁ') split, runs of spaces and tabs made one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.fixture
def project(qapp, dataset: Dataset) -> Project:
    return Project(dataset)


@pytest.fixture
def story(dataset: Dataset) -> list[SavedView]:
    return list(default_views(dataset))


def test_png_is_exactly_the_size_asked_for_and_shows_the_xiaomi_series(project, story, tmp_path):
    for size in ((1920, 1080), (1280, 720), (1000, 1000)):
        [path] = export_views(project, story[:1], "png", tmp_path / f"{size[0]}x{size[1]}.png", size)
        image = QImage(str(path))
        assert (image.width(), image.height()) == size
        assert columns_with(pixels(image), XIAOMI) >= MIN_SERIES_COLUMNS * size[0] // 1920


def test_double_resolution_png_has_twice_the_pixels_of_the_same_slide(project, story, tmp_path):
    [path] = export_views(project, story[:1], "png", tmp_path / "hidpi.png", (1280, 720), scale=2.0)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (2560, 1440)
    assert columns_with(pixels(image), XIAOMI) >= MIN_SERIES_COLUMNS


def test_exports_are_light_whatever_the_apps_theme(project, story):
    app = QApplication.instance()
    apply_theme(app, THEMES["dark"])
    try:
        with SlideRenderer(project, (1280, 720)) as renderer:
            rgb = pixels(renderer.image(story[0]))
    finally:
        apply_theme(app, THEMES["light"])
    assert (rgb[5, 5] == [255, 255, 255]).all()  # the slide's background
    title = rgb[10:70, 10:600]
    assert title.min() < 80  # dark title text on white


def test_the_slide_carries_title_legend_and_footnote(project, story):
    with SlideRenderer(project) as renderer:
        renderer.prepare(story[0])
        slide = renderer.slide
        assert slide.title.text() == story[0].title and slide.title.isVisible()
        names = slide.chart.legend.names()
        assert {"Xiaomi", "HIMA", "≥ lower bound", "gap = no figure"} <= set(names)
        footnote = slide.footnote.text()
        assert footnote.startswith("Sources: ") and "≥ = company said 'more than'" in footnote
        assert "data as of 2026-05" in footnote


def test_svg_has_the_title_the_legend_and_the_sources_as_text(project, story, tmp_path):
    [path] = export_views(project, story[1:2], "svg", tmp_path / "race.svg")
    svg = path.read_text("utf-8")
    texts = [flat(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
    assert "The race to 500,000" in texts
    assert {"Xiaomi", "HIMA", "exact", "sources disagree"} <= set(texts)  # the legend too, not pixels
    assert any(t.startswith("Sources: ") for t in texts)
    assert 'viewBox="0 0 1920 1080"' in svg


def test_svg_with_chinese_text_embeds_the_bundled_font(project, story, tmp_path):
    comparison = Comparison(entities=("Aito", "Luxeed"), language="zh")
    chinese = story[0].replace(title="问界 智界", comparison=comparison)
    [path] = export_views(project, [chinese], "svg", tmp_path / "zh.svg")
    svg = path.read_text("utf-8")
    assert "问界 智界" in svg and "@font-face" in svg and "base64," in svg


def test_pdf_deck_has_one_page_per_view_with_its_title(project, story, tmp_path):
    [path] = export_views(project, story, "pdf", tmp_path / "deck.pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) == len(story)
    for page, view in zip(reader.pages, story, strict=True):
        text = flat(page.extract_text())
        assert view.title in text and "Sources:" in text
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (1440.0, 810.0)  # 1920x1080 px


def test_pptx_deck_has_one_slide_per_view_with_title_picture_and_notes(project, story, tmp_path):
    [path] = export_views(project, story[:3], "pptx", tmp_path / "deck.pptx")
    deck = PptxFile(str(path))
    assert len(deck.slides) == 3
    for slide, view in zip(deck.slides, story[:3], strict=True):
        assert slide.shapes.title.text == view.title
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1  # the chart, below the title and above the footnote, inside the slide
        title, picture = slide.shapes.title, pictures[0]
        assert title.top + title.height <= picture.top
        assert picture.left >= 0 and picture.left + picture.width <= deck.slide_width
        assert picture.top + picture.height < deck.slide_height
        assert picture.width > deck.slide_width * 0.9 and picture.height > deck.slide_height * 0.6
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert any(t.startswith("Sources: ") for t in texts)
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.startswith(view.notes) and "Figures shown:" in notes
    assert "Xiaomi 2025-03: 21.7 % (exact, 3/3 months;" in deck.slides[2].notes_slide.notes_text_frame.text


def title_pixels(project: Project, title: str) -> np.ndarray:
    view = SavedView("zh", title, Comparison(entities=("Aito",)))
    with SlideRenderer(project, (1280, 720)) as renderer:
        image = renderer.image(view)
        label = renderer.slide.title.geometry()
    return pixels(image)[label.top():label.bottom(), label.left():label.left() + 400]


def test_a_chinese_title_renders_as_glyphs_not_boxes(project):
    chinese = title_pixels(project, "问界 智界")
    boxes = title_pixels(project, "\ue000\ue000 \ue000\ue000")  # private use: no font has it, a box is drawn
    assert (chinese < 128).any()  # something dark was drawn
    assert not np.array_equal(chinese < 128, boxes < 128)


def test_a_cancelled_export_leaves_no_file(project, story, tmp_path):
    target = tmp_path / "deck.pdf"
    with pytest.raises(ExportCancelled):
        export_views(project, story, "pdf", target, progress=lambda done, total: done < 2)
    assert not target.exists() and temp_files(target) == [] and list(tmp_path.iterdir()) == []


def test_pngs_of_several_views_go_into_a_folder_in_story_order(project, story, tmp_path):
    written = export_views(project, story[:3], "png", tmp_path / "slides")
    assert [p.name for p in written] == ["01-xiaomi-vs-hima-monthly-deliveries.png",
                                         "02-the-race-to-500-000.png",
                                         "03-xiaomi-2025-against-its-target-revisions.png"]
    assert all(QImage(str(p)).width() == 1920 for p in written)


def test_a_path_that_cannot_be_written_is_refused_before_rendering(project, story, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OSError, match="cannot write"):
        export_views(project, story, "pdf", blocker / "deck.pdf")
    with pytest.raises(OSError, match="is a file; several views need a folder"):
        export_views(project, story, "png", blocker)


def test_the_pdf_is_vector_text_not_a_picture(project, story):
    data = pdf_deck(project, story[:1])
    assert b"/FontFile" in data  # the type is embedded as a font...
    assert data.count(b"/Subtype /Image") <= 2  # ...and the chart is drawn, not pasted as one big image


# --- from the window --------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, dataset: Dataset) -> Iterator[MainWindow]:
    made = MainWindow(Project(dataset), remember_layout=False)
    qtbot.addWidget(made)
    yield made
    made.close()


def test_the_current_view_exports_with_its_saved_title(window, tmp_path):
    exports = window.slides.exports
    assert exports.current_view().title == "Xiaomi vs HIMA: Deliveries (month)"  # an unsaved chart
    window.slides.apply(window.slides.store.views()[2])
    [path] = exports.export_image(str(tmp_path / "targets.png"), (1280, 720), 1.0)
    assert QImage(str(path)).size().toTuple() == (1280, 720)
    assert exports.current_view().title == "Xiaomi 2025 against its target revisions"


def test_copy_view_puts_a_slide_sized_image_on_the_clipboard(window):
    window.slides.exports.copy_action.trigger()
    image = QApplication.clipboard().image()
    assert (image.width(), image.height()) == (1920, 1080)


def test_cancel_in_the_progress_dialog_writes_nothing(window, tmp_path, monkeypatch):
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    target = tmp_path / "deck.pptx"
    assert window.slides.exports.export_deck("pptx", str(target)) == []
    assert not target.exists()
    assert window.statusBar().currentMessage() == "Export cancelled; nothing was written"


def test_a_deck_export_from_the_window_writes_every_view(window, tmp_path):
    target = tmp_path / "deck.pdf"
    assert window.slides.exports.export_deck("pdf", str(target)) == [target]
    assert len(PdfReader(str(target)).pages) == len(window.slides.store.views())


def test_png_bytes_round_trip(project, story):
    with SlideRenderer(project, (640, 360)) as renderer:
        image = renderer.image(story[4])
    decoded = QImage.fromData(png_bytes(image), "PNG")
    assert decoded.size() == image.size() and decoded.pixelColor(3, 3) == image.pixelColor(3, 3)
    assert decoded.pixelColor(3, 3) == Qt.GlobalColor.white


def test_the_size_dialog_offers_slide_sizes_custom_and_double_resolution(window):
    dialog = SizeDialog(window)
    texts = [dialog.choice.itemText(i) for i in range(dialog.choice.count())]
    assert texts == ["1920 × 1080", "1280 × 720", "Custom"]
    assert not dialog.width.isEnabled()
    dialog.choice.setCurrentIndex(dialog.choice.findData("custom"))
    dialog.width.setValue(1600)
    dialog.height.setValue(900)
    dialog.double.setChecked(True)
    dialog.accept()
    assert (dialog.size_chosen(), dialog.scale()) == ((1600, 900), 2.0)
    window.slides.exports.copy_image()  # the clipboard copy follows the last size chosen
    assert QApplication.clipboard().image().size().toTuple() == (1600, 900)

"""`evcompare --smoke-test`: prove that an installed or bundled app can start and draw.

Packaging breaks in ways no unit test sees: a Qt plugin, a font, a data file or a module that
is imported lazily can go missing from a PyInstaller bundle or a .deb. This goes through the
real start-up path (`create_app`, the bundled dataset, `MainWindow`), draws every chart kind
and every layout once, and writes one PNG, so such a bundle fails on the build machine and
not on a user's desktop. It needs no display: on Linux without one it uses Qt's offscreen
platform.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QElapsedTimer, QEvent, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from evcompare.model.comparison import CHART_KINDS, LAYOUTS, Comparison

if TYPE_CHECKING:
    from evcompare.model.project import Project
    from evcompare.ui.main_window import MainWindow

VIEW_TIMEOUT_MS = 10_000  # how long one view may take to appear on screen
SAMPLE_SIZE = (96, 60)  # images are compared and judged at this size
MIN_COLOURS = 8  # a blank or single-colour image has one or two; a drawn window has hundreds


class SmokeFailure(Exception):
    """What went wrong, as one line for the user."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("smoke", text)


def views() -> list[tuple[str, str]]:
    """(chart, layout) pairs: every chart kind in the default layout, then line in the others.

    Consecutive views always differ, so each one must change what the chart shows.
    """
    default = Comparison().layout
    return [(chart, default) for chart in CHART_KINDS] + [
        ("line", layout) for layout in LAYOUTS if layout != default]


def _sample(image: QImage) -> bytes:
    small = image.convertToFormat(QImage.Format.Format_RGB32).scaled(
        *SAMPLE_SIZE, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return bytes(small.constBits())


def colour_count(image: QImage) -> int:
    """Distinct colours in a downscaled copy: a cheap test that something was drawn."""
    pixels = _sample(image)
    return len({pixels[i:i + 4] for i in range(0, len(pixels), 4)})


def _next_image(app: QApplication, widget: QWidget, before: bytes) -> QImage | None:
    """Process events until the widget draws differently from `before`; None after VIEW_TIMEOUT_MS."""
    deadline = QDeadlineTimer(VIEW_TIMEOUT_MS)
    while True:
        image = widget.grab().toImage()
        if _sample(image) != before:
            return image
        if deadline.hasExpired():
            return None
        app.processEvents()


def _render_views(app: QApplication, window: MainWindow, project: Project) -> int:
    """Show each view and check that the chart changed and is not blank; returns how many."""
    before = _sample(window.chart.grab().toImage())
    for chart, layout in views():
        project.set_comparison(project.comparison.replace(chart=chart, layout=layout))
        image = _next_image(app, window.chart, before)
        name = f"{chart} / {layout}"
        if image is None:
            raise SmokeFailure(_tr("the chart did not change when switching to {view}").format(view=name))
        if colour_count(image) < MIN_COLOURS:
            raise SmokeFailure(_tr("the {view} chart is blank").format(view=name))
        before = _sample(image)
    return len(views())


def _export_png(window: QWidget, folder: Path) -> tuple[int, int]:
    """Write the window to a PNG, read it back and check it; returns its size."""
    path = folder / "smoke.png"
    if not window.grab().save(str(path), "PNG"):
        raise SmokeFailure(_tr("could not write {path}").format(path=path))
    image = QImage(str(path))
    if path.stat().st_size == 0 or image.isNull() or image.width() == 0 or image.height() == 0:
        raise SmokeFailure(_tr("the exported PNG {path} is empty or unreadable").format(path=path))
    if colour_count(image) < MIN_COLOURS:
        raise SmokeFailure(_tr("the exported PNG is blank"))
    return image.width(), image.height()


def _export_slide(project: Project) -> None:
    """Write the first default view as a PPTX slide in memory: a bundle that lacks python-pptx
    or its lxml/Pillow/template data fails here rather than in front of a user."""
    from evcompare.export.deck import pptx_deck
    from evcompare.model.views import default_views

    if not pptx_deck(project, default_views(project.dataset)[:1]).startswith(b"PK"):
        raise SmokeFailure(_tr("the PPTX export is not a valid file"))


def _run() -> tuple[int, tuple[int, int], str]:
    # Imported here so that an import error in the GUI (a module a bundle lacks) is reported
    # as a smoke-test failure rather than stopping the caller.
    from evcompare.app import create_app
    from evcompare.io.dataset_loader import load_dataset
    from evcompare.model.project import Project
    from evcompare.ui.main_window import MainWindow

    app = create_app()
    project = Project(load_dataset())
    window = MainWindow(project, remember_layout=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    try:
        count = _render_views(app, window, project)
        with tempfile.TemporaryDirectory(prefix="evcompare-smoke-") as folder:
            size = _export_png(window, Path(folder))
            _export_slide(project)
    finally:
        # Destroyed now, while the QApplication and Python are whole: left to interpreter exit,
        # the window's pyqtgraph items are torn down in an arbitrary order and may crash.
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return count, size, app.platformName()


def run_smoke_test() -> int:
    """Start the app headless, draw every view, export a PNG; 0 and a report line when all works.

    The report names the Qt platform plugin that drew (offscreen, xcb, wayland, cocoa, windows).

    On failure prints one line to stderr and returns 1 (the traceback too with EVCOMPARE_DEBUG=1).
    """
    # Must happen before the QApplication exists. A display, when there is one, is used (as are
    # Windows' and macOS's window systems, which have no such variable), so that the platform
    # plugin users get is the one tested; WA_DontShowOnScreen keeps the window invisible.
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if no_display and sys.platform not in ("win32", "darwin"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    clock = QElapsedTimer()
    clock.start()
    try:
        count, (width, height), platform = _run()
    except Exception as error:
        if os.environ.get("EVCOMPARE_DEBUG") == "1":
            traceback.print_exc()
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if not isinstance(error, SmokeFailure):
            reason = f"{type(error).__name__}: {reason}"
        print(_tr("evcompare: smoke test failed: {reason}").format(reason=reason), file=sys.stderr)
        return 1
    seconds = clock.elapsed() / 1000
    print(_tr("smoke test ok: {count} views rendered, png {width} x {height}, {seconds:.2f} s "
              "(Qt platform {platform})").format(
        count=count, width=width, height=height, seconds=seconds, platform=platform))
    return 0


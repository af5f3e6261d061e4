"""Starting the desktop app: the interactive window and the headless screenshot.

`evcompare.cli` calls `run_gui` (no subcommand) and `screenshot` (`evcompare screenshot`).
Qt is imported here and not in the CLI so the text commands run on machines without a display.
"""

from __future__ import annotations

import os
import sys
import time

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

import evcompare
from evcompare.io.dataset_loader import load_dataset
from evcompare.io.paths import resource
from evcompare.io.project_file import SUFFIX, ProjectFileError, load_project
from evcompare.io.schema import ValidationError
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.ui.fonts import apply_app_font
from evcompare.ui.main_window import MainWindow
from evcompare.ui.recovery import CrashReporter, offer_recovery

PAINT_TIMEOUT_MS = 10_000

# What `evcompare screenshot --view` shows; 'default' is what the app opens with.
VIEWS: dict[str, Comparison] = {
    "default": Comparison(),
    "race": Comparison(chart="race", layout="overlay"),
    "side-by-side": Comparison(entities=("Xiaomi", "Xiaomi SU7", "Xiaomi YU7", "HIMA", "Aito", "Luxeed"),
                               layout="side_by_side"),
    "overlay": Comparison(layout="overlay"),
    "multiples": Comparison(entities=("Xiaomi", "HIMA", "Aito", "Luxeed"), layout="multiples"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the app's names (QSettings uses them), icon and CJK font fallback."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("evcompare")
    app.setApplicationName("evcompare")
    app.setApplicationVersion(evcompare.__version__)
    icon = resource("icons", "evcompare.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    apply_app_font(app)
    pg.setConfigOptions(antialias=True, useOpenGL=False)
    return app


def _load(app: QApplication, headless: bool) -> Dataset | None:
    try:
        return load_dataset()
    except ValidationError as error:
        message = _tr("The bundled data is invalid:\n{problems}").format(
            problems="\n".join(str(p) for p in error.problems[:20]))
        if headless:
            print(message, file=sys.stderr)
        else:
            QMessageBox.critical(None, _tr("evcompare cannot start"), message)
        return None


def _open_first_project(dataset: Dataset, files: list[str]) -> tuple[Project, str | None, list[str]]:
    """The project of the first *.evcompare file given (the default one without), its file,
    and what could not be opened, each with the reason."""
    project, path, skipped = None, None, []
    for file in files:
        if project is None and file.endswith(SUFFIX):
            try:
                project, path = load_project(file, dataset), file
                continue
            except (OSError, ProjectFileError) as error:
                skipped.append(str(error))
                continue
        skipped.append(_tr("{file}: only one project file can be opened at start-up").format(file=file)
                       if file.endswith(SUFFIX) else
                       _tr("{file}: not a project file (*{suffix})").format(file=file, suffix=SUFFIX))
    return project or Project(dataset), path, skipped


def run_gui(files: list[str]) -> int:
    """Open the main window on the first project file given, else on the default comparison."""
    app = create_app()
    dataset = _load(app, headless=False)
    if dataset is None:
        return 1
    restored = offer_recovery(dataset)  # a session that did not close normally comes first
    if restored is None:
        project, path, skipped = _open_first_project(dataset, files)
    else:
        project, path = restored[0], None
        skipped = [_tr("{file}: not opened; the restored project was opened instead").format(file=file)
                   for file in files]
    window = MainWindow(project)
    if restored is None:
        window.document.adopt(path)
    else:
        window.document.adopt_restored(restored[1])
    reporter = CrashReporter(window.document.autosaver.autosave, window)
    reporter.install()
    window.show()
    if skipped:
        QMessageBox.warning(window, _tr("Some files were not opened"), "\n".join(skipped))
    code = app.exec()
    reporter.uninstall()
    # Destroyed while Python and the QApplication are whole: left to interpreter exit, the
    # pyqtgraph items are torn down in an arbitrary order and may crash (exit 139).
    _dispose(window)
    return code


class _PaintWatch(QObject):
    """Quits an event loop at the first paint of the watched widget."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.loop.quit)
        return False


def _dispose(window: MainWindow) -> None:
    """Close and delete the window now, so a caller that goes on (tests, scripts) keeps no window."""
    loop = QEventLoop()
    window.destroyed.connect(loop.quit)
    window.close()
    window.deleteLater()
    QTimer.singleShot(PAINT_TIMEOUT_MS, loop.quit)
    loop.exec()


def screenshot(out: str, size: tuple[int, int], theme: str, view: str, timeline: bool = False) -> int:
    """Render the window offscreen at exactly `size` pixels into the PNG `out`; `timeline`
    raises the milestone timeline under the charts in place of the data table."""
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = create_app()
    dataset = _load(app, headless=True)
    if dataset is None:
        return 1
    comparison = VIEWS[view].replace(theme=theme)
    window = MainWindow(Project(dataset, comparison), remember_layout=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    width, height = size
    window.resize(width, height)
    if timeline:
        window.show_timeline()  # sized for its lanes once shown
    loop = QEventLoop()
    watch = _PaintWatch(loop)
    window.chart.view.viewport().installEventFilter(watch)
    window.show()
    if not watch.painted:
        QTimer.singleShot(PAINT_TIMEOUT_MS, loop.quit)
        loop.exec()
    app.processEvents()
    thumbnails = window.slides.storyboard.thumbnails
    deadline = time.monotonic() + PAINT_TIMEOUT_MS / 1000
    while thumbnails.pending() and time.monotonic() < deadline:  # the storyboard's pictures too
        app.processEvents()
    image = window.grab().toImage()
    if image.size() != QSize(width, height):
        image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    saved = image.save(out, "PNG")
    _dispose(window)
    if not saved:
        print(_tr("Could not write {path}").format(path=out), file=sys.stderr)
        return 1
    return 0

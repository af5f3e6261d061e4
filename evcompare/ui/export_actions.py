"""Slide exports from the window: the current view as PNG or SVG (or to the clipboard), and the
saved views as a PDF or PowerPoint deck.

Sizes are fixed and independent of the window (1920 × 1080, 1280 × 720 or custom; PNG also at
2× for HiDPI screens). Long exports show a progress dialog whose Cancel stops between pages;
nothing is written until the last page is done, so a cancelled export leaves no file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from evcompare.charts.slide_spec import DEFAULT_SIZE, SIZES, default_title
from evcompare.commands.views import ViewStore
from evcompare.model.views import SavedView

STATUS_MS = 6000
CUSTOM = "custom"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SlideExports", text)


def _settings() -> QSettings:
    return QSettings("evcompare", "evcompare")


def stored_size() -> tuple[int, int]:
    value = _settings().value("export/size")
    try:
        width, height = (int(part) for part in str(value).split("x"))
    except ValueError:
        return DEFAULT_SIZE
    return (width, height) if 100 <= width <= 10_000 and 100 <= height <= 10_000 else DEFAULT_SIZE


class SizeDialog(QDialog):
    """The exported image's size in pixels, and whether to draw it at 2× for HiDPI screens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export size"))
        self.choice = QComboBox()
        for key, (width, height) in SIZES.items():
            self.choice.addItem(self.tr("{width} × {height}").format(width=width, height=height), key)
        self.choice.addItem(self.tr("Custom"), CUSTOM)
        self.width = QSpinBox()
        self.height = QSpinBox()
        for box in (self.width, self.height):
            box.setRange(100, 10_000)
            box.setSuffix(self.tr(" px"))
        width, height = stored_size()
        self.width.setValue(width)
        self.height.setValue(height)
        known = next((k for k, v in SIZES.items() if v == (width, height)), CUSTOM)
        self.choice.setCurrentIndex(self.choice.findData(known))
        self.double = QCheckBox(self.tr("PNG at double resolution (2×, for HiDPI screens)"))
        self.double.setChecked(_settings().value("export/scale", 1, type=float) == 2)
        custom = QHBoxLayout()
        custom.addWidget(self.width)
        custom.addWidget(self.height)
        form = QFormLayout(self)
        form.addRow(self.tr("&Size:"), self.choice)
        form.addRow(self.tr("Custom size:"), custom)
        form.addRow("", self.double)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.choice.currentIndexChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        key = self.choice.currentData()
        custom = key == CUSTOM
        self.width.setEnabled(custom)
        self.height.setEnabled(custom)
        if not custom:
            self.width.setValue(SIZES[key][0])
            self.height.setValue(SIZES[key][1])

    def size_chosen(self) -> tuple[int, int]:
        return self.width.value(), self.height.value()

    def scale(self) -> float:
        return 2.0 if self.double.isChecked() else 1.0

    def accept(self) -> None:
        _settings().setValue("export/size", "{}x{}".format(*self.size_chosen()))
        _settings().setValue("export/scale", self.scale())
        super().accept()


class SlideExports(QObject):
    """The export actions of a window and what they run."""

    def __init__(self, window: QMainWindow, store: ViewStore) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.progress: QProgressDialog | None = None
        self.image_action = self._action(_tr("Export view as &image…"),
                                         _tr("Save the current chart as a PNG or SVG slide, with its title, "
                                             "legend and sources"), self.export_image)
        self.copy_action = self._action(_tr("&Copy view as image"),
                                        _tr("Copy the current chart as a slide image to the clipboard"),
                                        self.copy_image, "Ctrl+Shift+C")
        self.pdf_action = self._action(_tr("Export views as &PDF deck…"),
                                       _tr("One PDF page per saved view"), lambda: self.export_deck("pdf"))
        self.pptx_action = self._action(_tr("Export views as Power&Point…"),
                                        _tr("One slide per saved view, with the notes and figures as "
                                            "speaker notes"), lambda: self.export_deck("pptx"))

    def actions(self) -> list[QAction]:
        return [self.image_action, self.copy_action, self.pdf_action, self.pptx_action]

    def _action(self, text: str, tip: str, slot: object, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def current_view(self) -> SavedView:
        """The window's chart as a view: a saved view's title and notes when it shows one."""
        comparison = self.store.project.comparison
        for view in self.store.views():
            if view.comparison.replace(theme=comparison.theme) == comparison:
                return dataclasses.replace(view, comparison=comparison)
        title = default_title(comparison, self.store.project.dataset.entities)
        return SavedView("current", title, comparison)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    # --- single view ---------------------------------------------------------------------------

    def export_image(self, path: str | None = None, size: tuple[int, int] | None = None,
                     scale: float | None = None) -> list[Path]:
        """Ask for the size and file unless given; PNG or SVG by the file's suffix."""
        if size is None:
            dialog = SizeDialog(self.window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return []
            size, scale = dialog.size_chosen(), dialog.scale()
        if path is None:
            from evcompare.export.deck import slug  # the exporters are loaded when first used

            view = self.current_view()
            path, _filter = QFileDialog.getSaveFileName(
                self.window, _tr("Export view"), slug(view.title) + ".png",
                _tr("PNG image (*.png);;SVG drawing (*.svg)"))
            if not path:
                return []
        fmt = "svg" if path.lower().endswith(".svg") else "png"
        if not path.lower().endswith("." + fmt):
            path += "." + fmt
        return self._run([self.current_view()], fmt, path, size, scale or 1.0)

    def copy_image(self, size: tuple[int, int] | None = None) -> None:
        """The current view as a slide image on the clipboard (the last export size)."""
        from evcompare.charts.export import SlideRenderer  # the renderer is loaded when first used

        with SlideRenderer(self.store.project, size or stored_size()) as renderer:
            image = renderer.image(self.current_view())
        QGuiApplication.clipboard().setImage(image)
        self._status(_tr("Copied a {width} × {height} image of the view").format(
            width=image.width(), height=image.height()))

    # --- decks ---------------------------------------------------------------------------------

    def export_deck(self, fmt: str, path: str | None = None,
                    size: tuple[int, int] | None = None) -> list[Path]:
        """Every saved view into one PDF or PowerPoint file (asked for unless given)."""
        views = self.store.views()
        if path is None:
            name = {"pdf": _tr("PDF document (*.pdf)"), "pptx": _tr("PowerPoint presentation (*.pptx)")}[fmt]
            path, _filter = QFileDialog.getSaveFileName(self.window, _tr("Export views"),
                                                        "evcompare." + fmt, name)
            if not path:
                return []
            if not path.lower().endswith("." + fmt):
                path += "." + fmt
        return self._run(views, fmt, path, size or stored_size(), 1.0)

    def _run(self, views: list[SavedView], fmt: str, path: str, size: tuple[int, int],
             scale: float) -> list[Path]:
        """Export with a cancellable progress dialog; the files written ([] when cancelled)."""
        from evcompare.export.deck import ExportCancelled, export_views

        self.progress = dialog = QProgressDialog(_tr("Exporting {count} views…").format(count=len(views)),
                                                 _tr("Cancel"), 0, len(views), self.window)
        dialog.setWindowTitle(_tr("Export"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setValue(0)

        def step(done: int, total: int) -> bool:
            dialog.setValue(done)
            QCoreApplication.processEvents()
            return not dialog.wasCanceled()

        try:
            written = export_views(self.store.project, views, fmt, path, size, scale, step)
        except ExportCancelled:
            self._status(_tr("Export cancelled; nothing was written"))
            return []
        except (OSError, ValueError) as error:
            QMessageBox.warning(self.window, _tr("Export failed"), str(error))
            return []
        finally:
            dialog.reset()
            dialog.deleteLater()
            self.progress = None
        self._status(_tr("Exported {path}").format(path=written[0] if len(written) == 1 else Path(path)))
        return written

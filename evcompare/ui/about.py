"""The About box: the version and which data the numbers come from (as-of date, source count)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

import evcompare
from evcompare.model.dataset import Dataset


def _tr(text: str) -> str:
    return QCoreApplication.translate("About", text)


def about_text(dataset: Dataset) -> str:
    manifest = dataset.manifest
    lines = [
        _tr("<h3>evcompare {version}</h3>").format(version=evcompare.__version__),
        _tr("<p>Xiaomi's EV business against Huawei's HIMA alliance "
            "(Aito 问界, Luxeed 智界, Stelato 享界, Maextro 尊界, Shangjie 尚界).</p>"),
        _tr("<p>Data as of <b>{as_of}</b>, from {count} sources (compiled {compiled}, schema {schema}).</p>")
        .format(as_of=manifest.get("as_of", "?"), count=manifest.get("source_count", "?"),
                compiled=manifest.get("compiled", "?"), schema=manifest.get("schema_version", "?")),
        _tr("<p>Every figure keeps its qualifier (exact, ≥ lower bound, ≈ approximate) and its "
            "source; a period without a figure is a gap, never a zero. The app never goes online.</p>"),
    ]
    return "".join(lines)


def show_about(parent: QWidget | None, dataset: Dataset) -> None:
    QMessageBox.about(parent, _tr("About evcompare"), about_text(dataset))

"""The floor for start-up time: the libraries evcompare stands on, one plot, nothing of ours.

Imports PySide6, pyqtgraph and pandas, shows one PlotWidget (24 points with symbols) at the
main window's default size and writes 'painted' to stdout once the plot has been painted,
then quits. `test_gui_speed.py` times this next to the real app: whatever the app takes
beyond it is start-up work of our own.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

SIZE = (1440, 900)


class FirstPaint(QObject):
    """Reports the first paint of the watched widget, after the paint has finished."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False

    def report(self) -> None:
        os.write(1, b"painted\n")
        self.app.quit()


def main() -> int:
    app = QApplication([])
    months = pd.period_range("2024-04", periods=24, freq="M")
    values = pd.Series(np.linspace(7_000, 50_000, len(months)), index=months)
    widget = pg.PlotWidget()
    widget.plot(np.arange(len(values)), values.to_numpy(), pen="#E69F00", symbol="o")
    widget.resize(*SIZE)
    watch = FirstPaint(app)
    widget.viewport().installEventFilter(watch)
    widget.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())

"""The `evcompare` command's way in: what it imports at start-up, with the collector off.

Start-up imports make objects that live as long as the process (Qt's bindings, pandas,
pyqtgraph, the modules themselves), so the garbage collector is kept off while they are made
and they are then frozen out of it. Left in, every collection walks them all: ~60 ms of
collections while the command line's modules load (one full collection alone ~27 ms) and
~150 ms while the app's do, before the first paint, finding next to nothing.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def collector_off() -> Iterator[None]:
    """No collections inside; what was made inside is then frozen out of later ones (and the
    collector is on again, or the process would never free a cycle)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


# The Qt-free modules the window stands on (pandas and numpy with them), imported before Qt:
# once PySide6 is loaded, its import hook inspects every module imported after it. pandas alone
# (~300 modules) took ~450 ms to import before PySide6 and ~700 ms after it, here.
# tests/test_cli.py checks the order.
QT_FREE_FIRST = ("evcompare.io.dataset_loader", "evcompare.io.project_file", "evcompare.io.tabular_import",
                 "evcompare.model.metrics", "evcompare.model.race", "evcompare.model.views",
                 "evcompare.charts.data")


def app_module() -> ModuleType:
    """The desktop app's module, imported with everything it stands on, with the collector off
    (ImportError when Qt or pyqtgraph is missing)."""
    with collector_off():
        for name in QT_FREE_FIRST:
            importlib.import_module(name)
        from evcompare import app
    return app


def main() -> int:
    """The `evcompare` command (and `python -m evcompare`). With no arguments, as from the
    desktop's menu, it opens the app at once: the command line's parser and commands (~15 ms
    of imports before the first paint) are for every other use."""
    if len(sys.argv) < 2:
        try:
            app = app_module()
        except ImportError:
            pass  # the command line says why, as its error message
        else:
            return app.run_gui([])
    with collector_off():
        from evcompare import cli
    return cli.main()

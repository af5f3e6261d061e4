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


def mentions_pyside(module: ModuleType) -> bool:
    """Whether a module's source mentions PySide6: what PySide6 asks of every module imported
    after it (to apply its opt-in `__feature__` switches), answered by reading the file.

    PySide6 asks `inspect.getsource`, which goes through `inspect.getmodule` and its scan of
    every loaded module: for the 274 modules pyqtgraph and the app import after PySide6 that
    took ~50 ms, reading the files ~10 ms, with the same answer for each (napari/napari#8584
    traces the same cost). A module without a source file (built in, compiled, frozen) has no
    source to mention it, as there."""
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file.endswith(".py"):
        return False
    try:
        with open(file, "rb") as source:  # Python source is ASCII-compatible: no need to decode
            return b"PySide6" in source.read()
    except OSError:
        return False


def _quicker_feature_check() -> None:
    """Give PySide6's import hook `mentions_pyside`, where this PySide6 has the hook."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = mentions_pyside


def app_module() -> ModuleType:
    """The desktop app's module, imported with everything it stands on, with the collector off
    (ImportError when Qt or pyqtgraph is missing)."""
    with collector_off():
        for name in QT_FREE_FIRST:
            importlib.import_module(name)
        import PySide6.QtCore  # noqa: F401 (installs the import hook)

        _quicker_feature_check()
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

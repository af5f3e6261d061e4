"""The `evcompare` command's way in: what it imports at start-up, with the collector off.

Start-up imports make objects that live as long as the process (Qt's bindings, pandas,
pyqtgraph, the modules themselves), so the garbage collector is kept off while they are made
and they are then frozen out of it. Left in, every collection walks them all: ~60 ms of
collections while the command line's modules load (one full collection alone ~27 ms) and
~150 ms while the app's do, before the first paint, finding next to nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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


def main() -> int:
    """The `evcompare` command (and `python -m evcompare`)."""
    with collector_off():
        from evcompare import cli
    return cli.main()

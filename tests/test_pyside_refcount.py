"""Regression guard for PySide6 6.12.0 on Python 3.11, which drops a reference to True on
every Python-side Signal.emit() until the interpreter aborts in bool_dealloc (the reason
pyproject pins PySide6-Essentials below 6.12)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

EMITS = 10_000


class Toggle(QObject):
    toggled = Signal(bool)


def test_emitting_true_keeps_its_reference_count(qapp):
    sender = Toggle()
    seen = {"true": 0}

    def count(on: bool) -> None:
        seen["true"] += on is True

    sender.toggled.connect(count)
    sender.toggled.emit(True)  # let PySide6 build and cache whatever it needs first
    before = sys.getrefcount(True)
    for _ in range(EMITS):
        sender.toggled.emit(True)
    after = sys.getrefcount(True)
    assert seen["true"] == EMITS + 1
    assert abs(after - before) <= 5, f"emit(True) x {EMITS} changed True's refcount {before} -> {after}"

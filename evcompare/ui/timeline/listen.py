"""Weak subscriptions: a closed view must stop hearing the model, not be called after Qt
has deleted it (and must not be kept alive by the model either)."""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject
from shiboken6 import isValid


def subscribe_weakly(owner: QObject, source: Any, handler: str) -> None:
    """Call `owner.<handler>(*change)` on every change `source` reports while `owner` lives.

    `source` is anything with `subscribe(listener)` (the milestone store, the project); the
    subscription holds the owner weakly, and ends when Qt destroys the owner if the source
    also has `unsubscribe(listener)`.
    """
    ref = weakref.ref(owner)

    def listener(*change: object) -> None:
        target = ref()
        if target is not None and isValid(target):
            getattr(target, handler)(*change)

    source.subscribe(listener)
    unsubscribe = getattr(source, "unsubscribe", None)
    if unsubscribe is not None:
        owner.destroyed.connect(lambda *_: unsubscribe(listener))

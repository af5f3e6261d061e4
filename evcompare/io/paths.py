"""The one place that finds `data/` and `resources/`.

They sit at the top of a checkout, under `<prefix>/share/evcompare` in an installed wheel,
and under `sys._MEIPASS` in a frozen (PyInstaller) bundle.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    roots: list[Path] = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    roots.append(_PACKAGE_DIR.parent)
    roots.append(Path(sys.prefix) / "share" / "evcompare")
    return roots


@cache
def app_root() -> Path:
    """The folder holding `data/` and `resources/`."""
    for root in _candidates():
        if (root / "data" / "manifest.json").is_file():
            return root
    searched = ", ".join(str(r) for r in _candidates())
    raise FileNotFoundError(f"evcompare's bundled data was not found (looked in {searched})")


def data_dir() -> Path:
    return app_root() / "data"


def resources_dir() -> Path:
    return app_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)

"""Bundled fonts: make Chinese names render on machines without a CJK font.

Many Linux installs (and minimal containers) ship no font with Chinese glyphs, so names such
as 问界 or 小米汽车 come out as boxes. We ship a subset of Noto Sans CJK SC under
`resources/fonts/` and add it as a *fallback* family: Latin text keeps the platform's
default font and only characters that font lacks are drawn from the bundled one.

Everything here needs a QGuiApplication (or QApplication) to exist first, as QFontDatabase
does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QFontInfo, QGuiApplication, QRawFont

from evcompare.io.paths import resource

_log = logging.getLogger(__name__)

_FONT_SUFFIXES = frozenset({".otf", ".ttf"})

# 车 and 问 exist only in Simplified Chinese, so a Traditional Chinese or Japanese font fails.
# Checked as code points: with a 1-character str, PySide6 6.11's QRawFont.supportsCharacter
# wrongly reports 界 and 米 as missing.
_CJK_PROBE = "中国汽车问界"

# Font file -> families Qt registered for it. Qt hands out a new id each time the same file
# is added, so we remember what we did and register each file once per process.
_registered: dict[Path, list[str]] = {}
# Font file -> whether it has the Simplified Chinese probe glyphs (loading it costs ~2 MB).
_has_cjk: dict[Path, bool] = {}


def _font_files() -> list[Path]:
    folder = resource("fonts")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _FONT_SUFFIXES)


def register_bundled_fonts() -> list[str]:
    """Register every .otf/.ttf in `resources/fonts` with Qt; return their family names.

    Safe to call more than once: files already registered are not added again, and their
    families are still included in the result. A file Qt cannot load is logged and skipped,
    since missing fonts should degrade the look of the app, not stop it.
    """
    families: list[str] = []
    for path in _font_files():
        key = path.resolve()
        if key not in _registered:
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                _log.warning("Qt could not load bundled font %s", path)
                continue
            _registered[key] = list(QFontDatabase.applicationFontFamilies(font_id))
        for family in _registered[key]:
            if family not in families:
                families.append(family)
    return families


def cjk_family() -> str | None:
    """The bundled family that has Simplified Chinese glyphs, or None if there is none.

    Registers the bundled fonts first if needed. Callers use the result as a fallback after
    their preferred family, e.g. `font.setFamilies([QFontInfo(font).family(), cjk])`.

    Coverage is checked glyph by glyph rather than with `QFontDatabase.writingSystems`:
    fontconfig only credits a font with Chinese when it covers its whole zh-cn character
    list, which a subset does not, so on Linux Qt lists the bundled font as Latin only.
    """
    register_bundled_fonts()
    for path, families in _registered.items():
        if path not in _has_cjk:
            raw = QRawFont(str(path), 12.0)
            _has_cjk[path] = raw.isValid() and all(raw.supportsCharacter(ord(c)) for c in _CJK_PROBE)
        if families and _has_cjk[path]:
            return families[0]
    return None


def apply_app_font(app: QGuiApplication) -> None:
    """Make the bundled CJK font the application-wide fallback after the default family.

    The default family stays first so the app keeps the platform's look for Latin text; Qt
    only reaches for the next family for glyphs the default font lacks. Does nothing beyond
    registering if no CJK font is bundled.
    """
    cjk = cjk_family()
    if cjk is None:
        _log.warning("No bundled CJK font found; Chinese text may render as boxes")
        return
    font = app.font()
    # The family Qt actually resolved, not the requested name: on Linux the request is often
    # a generic alias ("Sans Serif") that matches no real family, and Qt would then skip to
    # the CJK font and draw Latin text with it too.
    default = QFontInfo(font).family()
    if default == cjk:
        return
    font.setFamilies([default, cjk])
    app.setFont(font)

"""Render resources/icons/evcompare.svg to the PNG sizes, the .ico and the .icns that packagers need.

Run from anywhere: `python packaging/make_icons.py`. Writes, next to the SVG,
evcompare-<N>.png for each size in SIZES, evcompare.ico (16-256 px) and evcompare.icns (16-1024
px, for the macOS app bundle), each size drawn from the SVG rather than scaled down from one
bitmap, so small sizes stay crisp. The outputs are committed, so this only needs re-running
after the SVG changes.

Needs PySide6 (QtSvg is in PySide6-Essentials) and Pillow for the .ico and .icns (Pillow writes
both itself, on any platform; no macOS tools needed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_MAX = 256  # the largest size the .ico format holds
ICNS_MAX = 1024  # macOS asks for 512 px at 2x; rendered for the .icns only, not written as PNG


def render(svg: Path, size: int) -> QImage:
    """Draw the SVG into a transparent size x size image."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot parse {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def to_pillow(image: QImage) -> Image.Image:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    size = (rgba.width(), rgba.height())
    return Image.frombuffer("RGBA", size, bytes(rgba.constBits()), "raw", "RGBA", rgba.bytesPerLine(), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=ICONS / "evcompare.svg")
    parser.add_argument("--out", type=Path, default=ICONS, help="output folder")
    args = parser.parse_args(argv)

    # No window is shown; the offscreen platform lets this run on a headless build machine.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])

    stem = args.svg.stem
    args.out.mkdir(parents=True, exist_ok=True)
    pngs: dict[int, Path] = {}
    for size in SIZES:
        path = args.out / f"{stem}-{size}.png"
        if not render(args.svg, size).save(str(path)):
            raise SystemExit(f"cannot write {path}")
        pngs[size] = path
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    ico_sizes = [s for s in SIZES if s <= ICO_MAX]
    frames = [Image.open(pngs[s]).convert("RGBA") for s in ico_sizes]
    ico = args.out / f"{stem}.ico"
    # Pillow writes one entry per size; giving it every rendered frame makes it use them as
    # they are instead of shrinking the largest one.
    frames[-1].save(ico, format="ICO", sizes=[(s, s) for s in ico_sizes], append_images=frames)
    print(f"wrote {ico.relative_to(ROOT) if ico.is_relative_to(ROOT) else ico}")

    # Pillow fills each ICNS slot from the image of that size it is given (the largest is the
    # base, the others go in append_images) and scales the base only for a size it lacks.
    icns = args.out / f"{stem}.icns"
    largest = to_pillow(render(args.svg, ICNS_MAX))
    largest.save(icns, format="ICNS", append_images=[Image.open(pngs[s]).convert("RGBA") for s in SIZES])
    print(f"wrote {icns.relative_to(ROOT) if icns.is_relative_to(ROOT) else icns}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

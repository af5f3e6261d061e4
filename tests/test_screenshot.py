"""`evcompare screenshot` end to end: a real process, headless, writing a PNG of the window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

XIAOMI = np.array([0xE6, 0x9F, 0x00])
TOLERANCE = 14  # antialiased edges blend the colour with the background
# Swatches (entity tree, KPI card, legend) are a few pixels wide; a drawn series spans the chart.
MIN_SERIES_COLUMNS = 200


def shoot(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-m", "evcompare", "screenshot", "--out", str(out), *args],
                            capture_output=True, text=True, timeout=180, env=env)
    return result, out


def pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def columns_with(rgb: np.ndarray, colour: np.ndarray) -> int:
    near = (np.abs(rgb - colour) <= TOLERANCE).all(axis=2)
    return int(near.any(axis=0).sum())


@pytest.mark.slow
@pytest.mark.parametrize(("theme", "view"), [("light", "default"), ("dark", "race")])
def test_screenshot_is_the_requested_size_and_shows_xiaomi(tmp_path, theme, view):
    result, out = shoot(tmp_path, "--size", "1200x800", "--theme", theme, "--view", view)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    rgb = pixels(out)
    assert columns_with(rgb, XIAOMI) >= MIN_SERIES_COLUMNS
    brightness = rgb.mean()
    assert (brightness > 150) if theme == "light" else (brightness < 100)


def test_screenshot_reports_an_unwritable_path(tmp_path):
    result = subprocess.run([sys.executable, "-m", "evcompare", "screenshot", "--out",
                             str(tmp_path / "missing" / "shot.png"), "--size", "400x300"],
                            capture_output=True, text=True, timeout=180,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1
    assert "Could not write" in result.stderr


@pytest.mark.slow
def test_screenshot_with_the_timeline_shows_it_under_the_charts(tmp_path):
    """`--timeline` raises the timeline in the data table's place: in the lower third of the
    window Xiaomi's lanes hold orange markers across the dates (about 100 pixel columns), where
    the table and the bottom of the charts show about 40."""
    band = slice(800 - 280, 800 - 30)  # the lower third, above the status bar and the dock tabs
    result, out = shoot(tmp_path, "--size", "1200x800", "--timeline")
    assert result.returncode == 0, result.stderr
    with_timeline = columns_with(pixels(out)[band], XIAOMI)
    result, out = shoot(tmp_path, "--size", "1200x800")
    assert result.returncode == 0, result.stderr
    assert with_timeline >= 75 and with_timeline >= 2 * columns_with(pixels(out)[band], XIAOMI)

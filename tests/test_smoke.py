"""The packaging smoke test, run the way a packager runs it: in a fresh process with no display."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from PySide6.QtGui import QColor, QImage

from evcompare.smoke import MIN_COLOURS, colour_count, views

RUN = "import sys; from evcompare.cli import main; sys.exit(main([\"--smoke-test\"]))"  # the CLI flag
# Makes the bundled dataset unreadable in the child process only.
BREAK_DATA = ("import evcompare.io.dataset_loader as loader\n"
              "def broken(folder=None):\n"
              "    raise OSError('manifest.json is missing')\n"
              "loader.load_dataset = broken\n")
REPORT = re.compile(r"^smoke test ok: (\d+) views rendered, png (\d+) x (\d+), \d+\.\d\d s "
                    r"\(Qt platform (\w+)\)$", re.M)


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "EVCOMPARE_DEBUG")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=environ | env)


def test_smoke_test_renders_every_view_headless_and_reports() -> None:
    result = _run(RUN)
    assert result.returncode == 0, result.stderr
    match = REPORT.search(result.stdout)
    assert match, result.stdout
    count, width, height = map(int, match.groups()[:3])
    assert count == len(views())
    assert width >= 800 and height >= 500
    assert match[4] == "offscreen"  # forced: the child process has no display


def test_every_chart_kind_and_layout_is_rendered() -> None:
    shown = views()
    assert {chart for chart, _ in shown} == {"line", "bars", "area", "race"}
    assert {layout for _, layout in shown} == {"overlay", "side_by_side", "multiples"}
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))


def test_failure_is_one_line_on_stderr_and_exit_1() -> None:
    result = _run(BREAK_DATA + RUN)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if "smoke test" in line or "Traceback" in line]
    assert lines == ["evcompare: smoke test failed: OSError: manifest.json is missing"]


def test_debug_variable_adds_the_traceback() -> None:
    result = _run(BREAK_DATA + RUN, EVCOMPARE_DEBUG="1")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "evcompare: smoke test failed: OSError: manifest.json is missing" in result.stderr


def test_a_blank_image_does_not_count_as_drawn() -> None:
    blank = QImage(400, 300, QImage.Format.Format_RGB32)
    blank.fill(QColor("#ffffff"))
    assert colour_count(blank) < MIN_COLOURS
    striped = blank.copy()
    for x in range(0, 400, 8):
        for y in range(300):
            striped.setPixelColor(x, y, QColor.fromHsv(x * 359 // 400, 200, 200))
    assert colour_count(striped) >= MIN_COLOURS

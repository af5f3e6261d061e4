"""The model and io packages must work without Qt: the command line and the tests of the
numbers run where PySide6 cannot even be imported."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("evcompare.model", "evcompare.io")
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")

BLOCKED_RUN = textwrap.dedent(f"""
    import importlib, pkgutil, sys

    BLOCKED = {QT_MODULES!r}

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is blocked in this test")
            return None

    sys.meta_path.insert(0, Blocker())
    try:
        import PySide6  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker let PySide6 through")

    imported = []
    for package_name in {CORE_PACKAGES!r}:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            importlib.import_module(info.name)
            imported.append(info.name)

    from evcompare.io.dataset_loader import load_dataset
    from evcompare.model import metrics

    ds = load_dataset()
    frame = metrics.table(ds, [e.id for e in ds.entities], metric="yoy", freq="quarter")
    assert len(frame) > 0 and frame["value"].notna().any()
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    assert not leaked, leaked
    print(" ".join(imported))
""")


def test_core_imports_and_computes_with_qt_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCKED_RUN], capture_output=True, text=True,
                            encoding="utf-8", cwd=REPO, timeout=120, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    imported = set(result.stdout.split())
    assert {"evcompare.model.metrics", "evcompare.model.race", "evcompare.io.dataset_loader",
            "evcompare.io.schema"} <= imported


def core_files() -> list[Path]:
    return sorted(p for package in CORE_PACKAGES
                  for p in (REPO / package.replace(".", "/")).rglob("*.py"))


def qt_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.name}:{node.lineno}: {n}" for n in names if n.split(".")[0] in QT_MODULES]
    return found


@pytest.mark.parametrize("path", core_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_core_file_imports_qt(path):
    assert qt_imports(path) == []


def test_the_import_scan_finds_qt_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom PySide6.QtCore import QObject\nimport pyqtgraph as pg\n",
                      encoding="utf-8")
    assert qt_imports(sample) == ["sample.py:2: PySide6.QtCore", "sample.py:3: pyqtgraph"]

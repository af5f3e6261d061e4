"""Test set-up: no display, and no test touches the user's real settings or data folders."""

from __future__ import annotations

import os

# Must be set before any QApplication exists: without a display every Qt process aborts.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from evcompare.io.dataset_loader import load_dataset  # noqa: E402
from evcompare.model.dataset import Dataset  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point settings, data and config folders at a temporary directory."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()

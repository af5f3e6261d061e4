"""Atomic saves: a save killed at any moment leaves the previous project file intact and
loadable, and interrupted saves do not leave temporary files piling up."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from evcompare.io import atomic
from evcompare.io.atomic import temp_files, write_atomic
from evcompare.io.project_file import load_project, project_document
from evcompare.model.dataset import Dataset
from evcompare.model.figures import Observation, Source
from evcompare.model.project import DataLayer, Project

KILLS = 120
MARKER = '"__SAVE__"'


def test_write_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "p.evcompare"
    write_atomic(target, "小米 v1")
    if os.name == "posix":
        target.chmod(0o640)
    write_atomic(target, "小米 v2".encode())
    assert target.read_text("utf-8") == "小米 v2"
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o640
    assert temp_files(target) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_removes_its_temp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    target = tmp_path / "p.evcompare"
    write_atomic(target, "old")

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, failing, broken)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new")
    assert target.read_text("utf-8") == "old"
    assert temp_files(target) == []


def test_leftovers_of_an_interrupted_write_are_cleared_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "p.evcompare"
    stale = tmp_path / ".p.evcompare.0123456789ab.evtmp"
    stale.write_text("half a proj")
    other = tmp_path / ".q.evcompare.0123456789ab.evtmp"  # another file's: not ours to remove
    other.write_text("x")
    assert temp_files(target) == [stale]
    write_atomic(target, "whole")
    assert temp_files(target) == [] and other.exists()


def _large_project_text(dataset: Dataset, path: Path) -> str:
    """A realistic project document (about 400 kB) whose save number is MARKER."""
    project = Project(dataset)
    source = Source("Dealer survey", "https://example.com/survey")
    rows = tuple(Observation("Aito", "deliveries", f"{2000 + i // 12}-{i % 12 + 1:02d}", float(i),
                             "vehicles", "exact", source, notes=f"row {i} " + "备注" * 20, user=True)
                 for i in range(800))
    project.add_layer(DataLayer("big", rows))
    project.visual = {"save": "__SAVE__"}
    return json.dumps(project_document(project, path), ensure_ascii=False, indent=1)


def _start_saving(target: Path, template: str, first: int) -> tuple[int, io.TextIOWrapper]:
    """Fork a process that announces the number of each save on a pipe, then saves the template
    with that number, over and over; returns its pid and the pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the saving process: never returns into pytest
        try:
            os.close(read_end)
            for number in range(first, first + 10_000):
                os.write(write_end, f"{number}\n".encode())
                write_atomic(target, template.replace(MARKER, str(number)))
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, os.fdopen(read_end, encoding="ascii")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked saving process (POSIX)")
def test_saves_killed_at_random_moments_never_lose_the_previous_file(dataset: Dataset,
                                                                     tmp_path: Path) -> None:
    target = tmp_path / "big.evcompare"
    template = _large_project_text(dataset, target)
    expected = json.loads(template.replace(MARKER, "0"))
    write_atomic(target, template.replace(MARKER, "0"))
    rng = random.Random(20260115)
    last_saved, interrupted = 0, 0
    for _ in range(KILLS):
        first = last_saved + 1
        pid, announcements = _start_saving(target, template, first)
        with announcements:
            for _ in range(rng.randint(1, 2)):
                announced = int(announcements.readline())  # every save it started before is complete
            time.sleep(rng.uniform(0, 0.004))  # the randomized kill moment, somewhere inside a save
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        saved = json.loads(target.read_text("utf-8"))  # whole and valid JSON, never half a file
        expected["visual"]["save"] = saved["visual"]["save"]
        assert saved == expected
        assert saved["visual"]["save"] >= max(last_saved, announced - 1 if announced > first else 0)
        leftovers = temp_files(target)
        assert len(leftovers) <= 1  # at most the killed save's own temporary file
        interrupted += len(leftovers)
        last_saved = saved["visual"]["save"]
    assert interrupted > KILLS // 10, "too few kills landed inside a save to exercise anything"
    assert load_project(target, dataset).visual == {"save": last_saved}

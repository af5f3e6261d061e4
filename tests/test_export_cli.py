"""`evcompare export`: every format from the command line, headless, and one clear line on errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation as PptxFile
from pypdf import PdfReader
from PySide6.QtGui import QImage

from evcompare import cli
from evcompare.io.project_file import save_project
from evcompare.model.comparison import Comparison
from evcompare.model.dataset import Dataset
from evcompare.model.project import Project
from evcompare.model.views import SavedView, default_views


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project_file(dataset: Dataset, tmp_path: Path) -> Path:
    project = Project(dataset)
    project.views = [
        SavedView("mine", "Aito alone", Comparison(entities=("Aito",)), notes="Aito notes").to_dict(),
        SavedView("yours", "Luxeed alone", Comparison(entities=("Luxeed",))).to_dict(),
    ]
    path = tmp_path / "story.evcompare"
    save_project(path, project)
    return path


def test_without_a_view_the_first_default_view_is_exported(qapp, capsys, tmp_path):
    out = tmp_path / "first.png"
    code, printed, err = run(capsys, "--format", "png", "--out", str(out))
    assert (code, err) == (0, "")
    assert printed.strip() == str(out)
    assert QImage(str(out)).size().toTuple() == (1920, 1080)


def test_size_and_scale(qapp, capsys, tmp_path):
    out = tmp_path / "small.png"
    code, _printed, _err = run(capsys, "--format", "png", "--size", "1280x720", "--scale", "2",
                               "--out", str(out))
    assert code == 0 and QImage(str(out)).size().toTuple() == (2560, 1440)


def test_all_views_as_svg_go_into_a_folder(qapp, capsys, tmp_path, dataset):
    out = tmp_path / "svgs"
    code, printed, _err = run(capsys, "--all", "--format", "svg", "--out", str(out))
    assert code == 0
    files = sorted(out.iterdir())
    assert [f.name[:3] for f in files] == [f"{n:02d}-" for n in range(1, len(default_views(dataset)) + 1)]
    assert printed.split() == [str(f) for f in files]


def test_a_view_by_title_to_pdf(qapp, capsys, tmp_path):
    out = tmp_path / "race.pdf"
    code, _printed, _err = run(capsys, "--view", "the race to 500,000", "--format", "pdf", "--out", str(out))
    reader = PdfReader(str(out))
    assert code == 0 and len(reader.pages) == 1
    assert "The race to 500,000" in " ".join(reader.pages[0].extract_text().split())


def test_a_projects_views_to_pptx(qapp, capsys, tmp_path, project_file):
    out = tmp_path / "deck.pptx"
    code, _printed, _err = run(capsys, "--project", str(project_file), "--all", "--format", "pptx",
                               "--out", str(out))
    deck = PptxFile(str(out))
    assert code == 0
    assert [s.shapes.title.text for s in deck.slides] == ["Aito alone", "Luxeed alone"]
    assert deck.slides[0].notes_slide.notes_text_frame.text.startswith("Aito notes")


def test_a_view_by_number(qapp, capsys, tmp_path, project_file):
    out = tmp_path / "two.pdf"
    code, _printed, _err = run(capsys, "--project", str(project_file), "--view", "2", "--format", "pdf",
                               "--out", str(out))
    assert code == 0 and "Luxeed alone" in " ".join(PdfReader(str(out)).pages[0].extract_text().split())


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--view", "No such view", "--format", "png"], 2,
     "evcompare: error: unknown view 'No such view' (views: 1 "),
    (["--project", "missing.evcompare", "--format", "pdf"], 1, "evcompare: error: cannot open the project: "),
])
def test_problems_end_with_one_clear_line(qapp, capsys, tmp_path, args, code, message):
    result, printed, err = run(capsys, *args, "--out", str(tmp_path / "x.out"))
    assert (result, printed) == (code, "")
    assert err.startswith(message) and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.out").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf", "--size", "10x10"], "argument --size: '10x10' is not a size"),
    (["--format", "gif"], "argument --format: invalid choice: 'gif'"),
    (["--format", "pdf", "--all", "--view", "1"], "argument --view: not allowed with argument --all"),
])
def test_bad_arguments_are_refused_by_the_parser(qapp, capsys, tmp_path, args, message):
    result, _printed, err = run(capsys, *args, "--out", str(tmp_path / "x.out"))
    assert result == 2 and message in err


def test_an_unwritable_path_is_one_line_and_no_file(qapp, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, _printed, err = run(capsys, "--format", "pdf", "--out", str(blocker / "deck.pdf"))
    assert code == 1
    assert err.strip().splitlines() == [f"evcompare: error: cannot write {blocker / 'deck.pdf'}: "
                                        f"cannot write to {blocker}"]


def test_a_bad_project_is_one_line(qapp, capsys, tmp_path):
    bad = tmp_path / "bad.evcompare"
    bad.write_text("{", encoding="utf-8")
    code, _printed, err = run(capsys, "--project", str(bad), "--format", "png",
                              "--out", str(tmp_path / "x.png"))
    assert code == 1
    assert err.startswith("evcompare: error: cannot open the project: ")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_export_runs_without_a_display(tmp_path):
    out = tmp_path / "deck.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "evcompare", "export", "--all", "--format", "pdf",
                             "--out", str(out)], capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(str(out)).pages) == 7

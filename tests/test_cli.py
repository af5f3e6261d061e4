"""The command line as a script sees it: exit codes, columns, and the known sourced figures."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import evcompare
from evcompare import __version__, cli
from evcompare.cli import main

REPO = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_quarter_total_is_the_reported_figure_with_its_source(capsys):
    code, out, _ = run(capsys, "table", "--entities", "Xiaomi", "--freq", "quarter",
                       "--from", "2025-07", "--to", "2025-09", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["entity"], row["period"], row["value"], row["qualifier"]) == \
        ("Xiaomi", "2025Q3", 108796, "exact")
    assert row["coverage"] == "3/3"
    assert row["sources"] and all(url.startswith("http") for url in row["sources"])


def test_yoy_text_shows_signed_percentage_and_legend(capsys):
    code, out, _ = run(capsys, "table", "--entities", "Xiaomi", "--metric", "yoy", "--freq", "quarter",
                       "--from", "2025-07", "--to", "2025-09")
    assert code == 0
    assert "+173.4 %" in out
    assert out.rstrip().splitlines()[-1].startswith("≥ = source says 'more than' (lower bound)")


def test_lower_bound_month_shows_its_sign_in_text(capsys):
    code, out, _ = run(capsys, "table", "--entities", "Aito", "--from", "2024-08", "--to", "2024-08")
    assert code == 0
    line = next(line for line in out.splitlines() if "2024-08" in line)
    assert "≥ 25,700" in line and "over" in line


def test_target_attainment_is_a_lower_bound(capsys):
    code, out, _ = run(capsys, "targets", "--entities", "Xiaomi", "--format", "csv")
    assert code == 0
    row = next(r for r in rows_of(out) if r["year"] == "2025" and r["kind"] == "initial")
    assert row["target"] == "300000"
    assert (row["attainment_pct"], row["attainment_qualifier"]) == ("136.7", "over")
    assert (row["actual"], row["actual_qualifier"]) == ("410000", "over")


def test_race_to_half_a_million_comes_from_the_milestone(capsys):
    code, out, _ = run(capsys, "race", "--entities", "Xiaomi", "--units", "500000", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["days"], row["method"], row["launch"], row["date"]) == \
        (602, "milestone", "2024-03-28", "2025-11-20")
    assert row["source"].startswith("http")


def test_unreached_race_target_has_no_days(capsys):
    code, out, _ = run(capsys, "race", "--entities", "Xiaomi", "--units", "100000000", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["days"], row["method"]) == (None, "not reached")


def test_entity_names_match_in_english_any_case_or_chinese(capsys):
    _, english, _ = run(capsys, "table", "--entities", "aito", "--format", "csv")
    code, chinese, _ = run(capsys, "table", "--entities", "问界", "--format", "csv")
    assert code == 0
    assert english == chinese
    assert rows_of(chinese)[0]["entity"] == "Aito"


def test_a_month_without_a_figure_is_a_gap_not_zero(capsys):
    args = ("table", "--entities", "Aito", "--from", "2024-04", "--to", "2024-04")
    [row] = rows_of(run(capsys, *args, "--format", "csv")[1])
    assert (row["value"], row["qualifier"], row["coverage"]) == ("", "", "0/1")
    [record] = json.loads(run(capsys, *args, "--format", "json")[1])
    assert record["value"] is None
    text_row = next(line for line in run(capsys, *args)[1].splitlines() if "2024-04" in line)
    assert "—" in text_row and " 0 " not in text_row


def test_aito_share_of_hima(capsys):
    code, out, _ = run(capsys, "table", "--metric", "share", "--entities", "Aito",
                       "--from", "2025-05", "--to", "2025-07", "--format", "json")
    assert code == 0
    values = [row["value"] for row in json.loads(out)]
    assert len(values) == 3 and all(60 < v < 90 for v in values)
    assert {row["unit"] for row in json.loads(out)} == {"%"}


def test_milestones_of_a_group_include_its_models_only(capsys):
    code, out, _ = run(capsys, "milestones", "--entities", "Xiaomi", "--category", "production",
                       "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["entity"] for r in rows} >= {"Xiaomi", "Xiaomi SU7"}
    assert {r["category"] for r in rows} == {"production"}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    _, out, _ = run(capsys, "milestones", "--entities", "Xiaomi SU7", "--format", "json")
    assert {r["entity"] for r in json.loads(out)} == {"Xiaomi SU7"}


def test_chinese_prints_on_an_ascii_stdout(capsys, monkeypatch):
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert main(["milestones", "--entities", "Luxeed", "--format", "csv"]) == 0
    sys.stdout.flush()
    assert "第一财经" in raw.getvalue().decode("utf-8")


def test_check_accepts_the_bundled_table(capsys):
    code, out, _ = run(capsys, "check", str(REPO / "data" / "observations.csv"))
    assert code == 0
    assert out.strip().endswith("observations.csv: ok (197 rows, observations table)")


def test_check_names_file_row_and_column_of_each_problem(capsys, tmp_path):
    lines = (REPO / "data" / "observations.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    bad = tmp_path / "observations.csv"
    frame = list(csv.reader(lines[:3]))
    frame[1][header.index("qualifier")] = "roughly"
    frame[2][header.index("source_published")] = "2025-02-30"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(frame)
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:2:qualifier: expected one of exact, over, approx, got 'roughly'",
        f"{bad}:3:source_published: expected a real calendar date, got '2025-02-30'",
    ]
    assert "Traceback" not in err


@pytest.mark.parametrize(("name", "message"), [
    ("missing.csv", "0:-: no such file"),
    ("table.ods", "0:-: unsupported file type '.ods' (expected .csv, .xlsx, .evcompare)"),
    ("table.xlsx", "1:-: not a readable Excel workbook (BadZipFile: File is not a zip file)"),
])
def test_check_reports_unreadable_files_as_problems(capsys, tmp_path, name, message):
    path = tmp_path / name
    if path.suffix != ".csv":
        path.write_bytes(b"PK")
    code, out, err = run(capsys, "check", str(path))
    assert code == 1
    assert out.strip() == f"{path}:{message}"
    assert "Traceback" not in err


@pytest.mark.parametrize(("argv", "bad"), [
    (["table", "--entities", "Foo"], "unknown entity 'Foo' (known: Xiaomi,"),
    (["table", "--metric", "median"], "'median'"),
    (["table", "--from", "2025-13"], "'2025-13' is not a month (expected YYYY-MM"),
    (["table", "--measure", "speed"], "unknown measure 'speed'"),
    (["race", "--units", "lots"], "'lots'"),
    (["screenshot", "--out", "x.png", "--size", "50x2000"], "'50x2000'"),
    (["milestones", "--category", "rumour"], "'rumour'"),
    (["tabel"], "invalid choice: 'tabel'"),
])
def test_bad_arguments_exit_2_with_one_error_line(capsys, argv, bad):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    [error] = [line for line in err.splitlines() if "error:" in line]
    assert bad in error
    assert "Traceback" not in err


def test_version_names_package_and_dataset(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"evcompare {__version__} (dataset as of 2026-05)"


def test_gui_missing_is_a_message_not_a_traceback(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "evcompare.app", None)
    monkeypatch.delattr(evcompare, "app", raising=False)  # what an earlier test imported
    code, _, err = run(capsys, "screenshot", "--out", "x.png")
    assert code == 1
    assert err.startswith("evcompare: error: the desktop app cannot start")


def test_files_without_a_command_open_the_gui(capsys, monkeypatch):
    app = pytest.importorskip("evcompare.app")
    opened = []
    monkeypatch.setattr(app, "run_gui", lambda files: opened.append(files) or 0)
    assert main(["a.evcompare", "b.csv"]) == 0
    assert main([]) == 0
    assert opened == [["a.evcompare", "b.csv"], []]


def test_screenshot_writes_a_png_of_the_requested_size(tmp_path):
    pytest.importorskip("evcompare.app")
    out = tmp_path / "shot.png"
    assert main(["screenshot", "--out", str(out), "--size", "800x500", "--view", "race"]) == 0
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (800, 500)


def test_closed_pipe_ends_quietly(capsys, monkeypatch):
    read_end, write_end = os.pipe()
    os.close(read_end)
    stream = open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", stream)
    try:
        assert main(["milestones", "--format", "csv"]) == 1
    finally:
        stream.close()
    assert "Traceback" not in capsys.readouterr().err


def test_module_entry_point_runs_without_qt():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "evcompare", "table", "--entities", "问界",
         "--freq", "quarter", "--format", "csv"],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    rows = rows_of(result.stdout)
    assert {r["entity"] for r in rows} == {"Aito"}
    assert all(r["period"][4] == "Q" for r in rows)
    by_period = {r["period"]: r for r in rows}
    assert (by_period["2024Q2"]["value"], by_period["2024Q2"]["qualifier"],
            by_period["2024Q2"]["coverage"]) == ("42780", "over", "1/3")
    assert (by_period["2024Q4"]["value"], by_period["2024Q4"]["coverage"]) == ("", "0/3")
    assert "PySide6" not in result.stderr


def test_every_screenshot_view_the_app_knows_is_accepted() -> None:
    """The CLI keeps its own copy of the view names so it can start without Qt."""
    app = pytest.importorskip("evcompare.app")
    assert set(cli.VIEWS) == set(app.VIEWS)


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_check_reads_an_excel_table_as_the_import_does(capsys, tmp_path):
    good = _workbook(tmp_path / "mine.xlsx", [["月份", "品牌", "交付量"], ["2026-04", "小米汽车", 41000],
                                              ["2026-05", "问界", "约4.1万"]])
    code, out, _ = run(capsys, "check", str(good))
    assert (code, out.strip()) == (0, f"{good}: ok (2 rows, import table)")


def test_check_names_each_bad_cell_of_an_excel_table(capsys, tmp_path):
    bad = _workbook(tmp_path / "bad.xlsx", [["月份", "品牌", "交付量"], ["2026-04", "小米汽车", 41000],
                                            ["2026-13", "问界", "lots"]])
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    assert out.splitlines() == [
        f"{bad}:3:月份: expected a period like 2025-03, 2025Q1, 2025年3月 or Mar 2025, got '2026-13'",
        f"{bad}:3:交付量: not a number: 'lots'",
    ]
    assert "Traceback" not in err


def test_check_opens_a_project_file_against_the_bundled_data(capsys, tmp_path):
    from evcompare.io.dataset_loader import load_dataset
    from evcompare.io.project_file import save_project
    from evcompare.model.project import Project

    good = tmp_path / "good.evcompare"
    save_project(good, Project(load_dataset()))
    document = json.loads(good.read_text("utf-8"))
    document["comparison"]["freq"] = "fortnight"
    bad = tmp_path / "bad.evcompare"
    bad.write_text(json.dumps(document), "utf-8")
    code, out, _ = run(capsys, "check", str(good), str(bad))
    assert code == 1
    assert out.splitlines() == [
        f"{good}: ok (0 rows, project table)",
        f"{bad}:0:comparison.freq: expected one of month, quarter, year, got \"fortnight\"",
    ]


def test_the_app_is_imported_with_the_collector_on_and_its_modules_frozen_out_of_it():
    """Start-up keeps the collector off while the app's modules are imported and then
    freezes them out of it; it must be on again afterwards, or the app would never free a
    cycle."""
    gc.unfreeze()
    try:
        assert cli._app().MainWindow.__name__ == "MainWindow"
        assert gc.isenabled()
        assert gc.get_freeze_count() > 10_000  # every object alive at import, not just a few
    finally:
        gc.unfreeze()


def test_the_command_imports_its_modules_with_the_collector_off_and_then_on():
    """`evcompare` (evcompare.startup.main) imports the command line with the collector off and
    freezes what it imported; the collector is on again when the command runs."""
    code = ("import gc, sys; from evcompare import startup; sys.argv = ['evcompare', '--version']; "
            "code = startup.main(); print(code, gc.isenabled(), gc.get_freeze_count() > 10_000)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"evcompare {__version__} (dataset as of 2026-05)", "0 True True"]


def test_the_command_alone_opens_the_app_without_its_command_line():
    """`evcompare` with no arguments (the desktop menu's start) opens the window straight away,
    without importing the command line's parser and commands first; with Qt missing it says
    why as the command line does."""
    code = ("import sys; from evcompare import app, startup; sys.argv = ['evcompare']; "
            "app.run_gui = lambda files: print('evcompare.cli' in sys.modules, files) or 0; "
            "sys.exit(startup.main())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert (run.returncode, run.stdout) == (0, "False []\n"), run.stderr
    no_qt = ("import sys; sys.modules['PySide6'] = None; from evcompare import startup; "
             "sys.argv = ['evcompare']; sys.exit(startup.main())")
    run = subprocess.run([sys.executable, "-c", no_qt], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stderr.startswith("evcompare: error: the desktop app cannot start")
    assert "Traceback" not in run.stderr


def test_the_app_imports_its_qt_free_core_before_qt():
    """PySide6 inspects every module imported after it: pandas and the app's model and file
    modules are imported first."""
    code = ("import sys; from evcompare import startup; startup.app_module(); names = list(sys.modules); "
            "qt = names.index('PySide6'); "
            "print(sorted(n for n in names[qt:] if n.startswith(('evcompare.model', 'evcompare.io', "
            "'pandas', 'numpy'))))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_pysides_import_hook_gets_the_same_answers_quicker():
    """Start-up answers PySide6's question of every imported module (does its source mention
    PySide6?) by reading the file: the same answer as PySide6's own for every module loaded."""
    code = textwrap.dedent("""
        import inspect, sys
        from evcompare import startup
        startup.app_module()
        print(sys.modules["shibokensupport.feature"]._mod_uses_pyside is startup.mentions_pyside)

        def theirs(module):  # what PySide6 asks
            try:
                return "PySide6" in inspect.getsource(module)
            except (TypeError, OSError, SyntaxError):
                return False

        modules = [m for m in list(sys.modules.values()) if m is not None]
        print(len(modules) > 500, [m.__name__ for m in modules if theirs(m) != startup.mentions_pyside(m)],
              sum(map(startup.mentions_pyside, modules)) > 20)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["True", "True [] True"]


def test_the_app_starts_without_loading_what_waits_for_the_user():
    """Dialogs, exporters, the slide renderer, the timeline and the small-multiples canvas load
    when first used: each one imported at start-up delays the first paint."""
    later = ("evcompare.ui.import_dialog", "evcompare.ui.override_dialog", "evcompare.io.export_data",
             "evcompare.export.deck", "evcompare.ui.timeline", "evcompare.charts.multiples",
             "evcompare.charts.export", "pptx", "openpyxl")
    code = f"import sys, evcompare.app; print(sorted(m for m in {later!r} if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"

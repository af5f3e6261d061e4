"""`evcompare export`: saved views to PNG, SVG, a PDF deck or a PowerPoint deck, headless.

    evcompare export [--project FILE.evcompare] [--view NAME | --all] --format png|svg|pdf|pptx
                     [--size 1920x1080] [--scale 2] --out PATH

Without --project the app's default views are exported; without --view or --all, the first
view. PDF and PPTX write one file holding every chosen view. PNG and SVG write one file per
view: with --all (or when PATH is an existing folder) PATH is a folder, created if missing,
and the files are named '01-<title>.png', '02-…' in story order. Works without a display (Qt's
offscreen platform is used when there is none). Any problem — an unknown view, a bad project
file, a path that cannot be written — ends with one 'evcompare: error:' line and a non-zero
exit code. Qt is imported only when the command runs, so the other commands stay light.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

FORMATS = ("png", "svg", "pdf", "pptx")  # evcompare.export.deck.FORMATS, without importing Qt
SIZE_LIMITS = (100, 10_000)


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    low, high = SIZE_LIMITS
    if match and all(low <= int(side) <= high for side in match.groups()):
        return int(match[1]), int(match[2])
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a size WxH with both sides {low}..{high} (e.g. 1920x1080)")


def add_export_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `export` to the command line's subcommands."""
    export = subparsers.add_parser(
        "export", help="saved views as PNG, SVG, a PDF deck or PowerPoint, without a display",
        description="Render saved views at a fixed size, with title, legend and sources. PNG and SVG "
                    "write one file per view: with --all, --out is a folder (created if missing) "
                    "holding 01-<title>.png, 02-…; PDF and PPTX write one deck.")
    export.add_argument("--project", metavar="FILE.evcompare",
                        help="the project whose views to export (default: the views that ship with the app)")
    which = export.add_mutually_exclusive_group()
    which.add_argument("--view", metavar="NAME",
                       help="a view's title, id or number (default: the first view)")
    which.add_argument("--all", action="store_true", help="every view, in story order")
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH",
                        help="the slide's size in pixels (default: 1920x1080)")
    export.add_argument("--scale", type=float, choices=(1.0, 2.0), default=1.0,
                        help="2: PNG and PowerPoint pictures at twice the pixels, for HiDPI screens")
    export.add_argument("--out", required=True, metavar="PATH",
                        help="the file to write; a folder for PNG or SVG with --all")
    export.set_defaults(run=cmd_export)
    return export


def _choose(views: list, name: str | None, every: bool) -> list:
    """The views asked for; ValueError naming the views there are when `name` matches none."""
    if every:
        return views
    if name is None:
        return views[:1]
    wanted = name.strip().casefold()
    for number, view in enumerate(views, start=1):
        if wanted in (view.title.casefold(), view.id.casefold(), str(number)):
            return [view]
    listed = "; ".join(f"{number} {view.title!r}" for number, view in enumerate(views, start=1))
    raise ValueError(f"unknown view {name!r} (views: {listed})")


def cmd_export(args: argparse.Namespace) -> int:
    from evcompare.cli import CliError, _dataset

    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists
    from evcompare.app import create_app
    from evcompare.export.deck import export_views
    from evcompare.io.project_file import ProjectFileError, load_project
    from evcompare.model.project import Project
    from evcompare.model.views import known_entities, project_views, read_views

    dataset = _dataset()
    if args.project:
        try:
            project = load_project(args.project, dataset)
        except (OSError, ProjectFileError) as error:
            raise CliError(f"cannot open the project: {error}", code=1) from None
    else:
        project = Project(dataset)
    _readable, problems = read_views(project.views, known_entities(project))
    for index, why in problems:
        print(f"evcompare: warning: views[{index}] skipped: {why}", file=sys.stderr)
    try:
        views = _choose(project_views(project), args.view, args.all)
    except ValueError as error:
        raise CliError(str(error)) from None
    create_app()
    try:
        written = export_views(project, views, args.format, args.out, args.size, args.scale)
    except OSError as error:
        raise CliError(f"cannot write {args.out}: {error.strerror or error}", code=1) from None
    for path in written:
        print(path)
    return 0

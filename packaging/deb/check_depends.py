"""Check a .deb's Depends line against the shared libraries its PyInstaller bundle links to.

The bundle carries Qt, Python and numpy's libraries but takes the X, Wayland, GL, font and
C++ runtime libraries from the system (the spec calls `exclude_system_libraries`), so every
such library must come from a package named in Depends, or the app fails to start on a
machine that lacks it. This reads each ELF file's NEEDED entries, resolves the ones the
bundle does not carry as the loader would (`ldd`), and maps each to its Debian package.

    python packaging/deb/check_depends.py BUNDLE --depends "libc6 (>= 2.35), libxcb1, ..."
        [--installed]

Exit 1 when a library's package is not in Depends or the bundle needs a newer glibc than
Depends asks for; with --installed (after `apt-get install` of the .deb, when every
dependency is present) a library that does not resolve is an error too, otherwise a note.
Needs binutils (`readelf`), `ldd` and `dpkg`: Debian or a derivative only.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def parse_depends(line: str) -> dict[str, str]:
    """Package name -> version constraint ('' for none) from a Depends value."""
    packages: dict[str, str] = {}
    for item in line.split(","):
        match = re.fullmatch(r"\s*([a-z0-9][a-z0-9.+-]*)(?:\s*\((.+)\))?\s*", item)
        if not match:
            raise SystemExit(f"cannot parse Depends item {item!r}")
        packages[match[1]] = (match[2] or "").strip()
    return packages


def elf_files(bundle: Path) -> list[Path]:
    files = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    files.append(path)
    return files


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def needed(path: Path) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", _run("readelf", "-d", "--wide", str(path)))


def glibc_versions(path: Path) -> set[tuple[int, ...]]:
    names = re.findall(r"Name: GLIBC_(\d+(?:\.\d+)+)", _run("readelf", "--version-info", "--wide", str(path)))
    return {tuple(int(part) for part in name.split(".")) for name in names}


def resolved(path: Path) -> dict[str, str]:
    """soname -> the file the loader picks for it ('' when not found), for every library ldd lists."""
    found = {}
    for line in _run("ldd", str(path)).splitlines():
        if match := re.match(r"\s*(\S+) => (\S+)", line):
            found[match[1]] = "" if match[2] == "not" else match[2]
        elif match := re.match(r"\s*(/\S+) \(0x", line):  # the dynamic loader, named by its path
            found[Path(match[1]).name] = match[1]
    return found


def owners(paths: set[str]) -> dict[str, str]:
    """Library path -> the package that installed it, trying /lib and /usr/lib (merged /usr)."""
    candidates = {path: list(dict.fromkeys((path, str(Path(path).resolve()))))
                  for path in paths}
    for options in candidates.values():
        options += [variant for option in list(options) for variant in _usr_variants(option)]
    queried = sorted({option for options in candidates.values() for option in options})
    package_of: dict[str, str] = {}
    for line in _run("dpkg", "-S", *queried).splitlines() if queried else []:
        package, _, file = line.partition(": ")
        package_of[file.strip()] = package.split(":")[0]
    return {path: next((package_of[o] for o in options if o in package_of), "")
            for path, options in candidates.items()}


def _usr_variants(path: str) -> list[str]:
    if path.startswith("/usr/"):
        return [path[len("/usr"):]]
    return [f"/usr{path}"] if path.startswith("/lib") else []


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def check(bundle: Path, depends: dict[str, str], installed: bool) -> list[str]:
    """Problems (empty when Depends covers the bundle); prints what it found."""
    files = elf_files(bundle)
    carried = {p.name for p in bundle.rglob("*")}
    wanted: dict[str, str] = {}  # external soname -> first file that needs it
    glibc: set[tuple[int, ...]] = set()
    paths: dict[str, str] = {}
    for path in files:
        external = [name for name in needed(path) if name not in carried]
        for name in external:
            wanted.setdefault(name, str(path.relative_to(bundle)))
        glibc |= glibc_versions(path)
        if external:
            found = resolved(path)
            paths.update({name: found.get(name, "") for name in external if paths.get(name, "") == ""})

    problems: list[str] = []
    missing = sorted(name for name in wanted if not paths.get(name))
    package_of = owners({p for p in paths.values() if p})
    packages: dict[str, list[str]] = {}
    for name, path in sorted(paths.items()):
        if path:
            packages.setdefault(package_of.get(path) or f"? ({path} belongs to no package)", []).append(name)
    print(f"{len(files)} ELF files, {len(wanted)} system libraries from {len(packages)} packages")
    for package, names in sorted(packages.items()):
        mark = "ok " if package in depends else "NOT IN DEPENDS"
        print(f"  {mark} {package}: {', '.join(names)}")
        if package not in depends:
            problems.append(f"{package} ({', '.join(names)}) is not in Depends")
    if missing:
        where = "; ".join(f"{name} (for {wanted[name]})" for name in missing)
        if installed:
            problems.append(f"not found after installing: {where}")
        else:
            print(f"  not installed on this machine, so not checked until after install: {where}")
    unused = sorted(set(depends) - set(packages))
    if unused and not missing:
        print(f"  in Depends but no bundled file links to it (directly): {', '.join(unused)}")
    if glibc:
        newest = max(glibc)
        floor = version_tuple(depends.get("libc6", "").removeprefix(">="))
        print(f"  newest glibc symbol version needed: {'.'.join(map(str, newest))}")
        if newest > floor:
            problems.append(f"the bundle needs glibc {'.'.join(map(str, newest))} but Depends says "
                            f"libc6 ({depends.get('libc6') or 'no version'})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller folder (or /opt/evcompare)")
    parser.add_argument("--depends", required=True, help="the control file's Depends value")
    parser.add_argument("--installed", action="store_true",
                        help="every dependency is installed: a library that is not found is an error")
    args = parser.parse_args(argv)
    problems = check(args.bundle, parse_depends(args.depends), args.installed)
    for problem in problems:
        print(f"check_depends: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

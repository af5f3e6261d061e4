"""Cheap checks of the installer recipes in packaging/: the files each installer carries, the
desktop and file-type registrations, and the Debian dependencies. No PyInstaller run here;
packaging/ci_package_smoke.sh builds and installs the real package."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import plistlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "evcompare.spec"
BUILD_LINUX = PACKAGING / "build_linux.sh"
ISS = PACKAGING / "windows" / "evcompare.iss"
PLIST = PACKAGING / "macos" / "Info.plist"
MIME_TYPE = "application/x-evcompare"
REQUIRED_DEPENDS = {"libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1", "libegl1",
                    "libgl1", "libfontconfig1", "libdbus-1-3"}


def _path_parts(node: ast.expr) -> list[str]:
    """The string pieces of `ROOT / "a" / "b"`, in order (ROOT itself contributes none)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _path_parts(node.left) + _path_parts(node.right)
    if isinstance(node, ast.Call):  # str(...)
        return [part for arg in node.args for part in _path_parts(arg)]
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []


def _spec_datas() -> list[tuple[str, str]]:
    """The spec's DATAS as (source path relative to the checkout, folder in the bundle)."""
    tree = ast.parse(SPEC.read_text("utf-8"))
    assign = next(node for node in tree.body if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "DATAS" for t in node.targets))
    entries = []
    for element in assign.value.elts:
        source, dest = element.elts
        entries.append(("/".join(_path_parts(source)), dest.value))
    return entries


def _check_depends_module():
    spec = importlib.util.spec_from_file_location("check_depends", PACKAGING / "deb" / "check_depends.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build_script_depends() -> str:
    match = re.search(r'^DEPENDS="(.*?)"$', BUILD_LINUX.read_text("utf-8"), re.S | re.M)
    assert match, "build_linux.sh has no DEPENDS=\"...\" line"
    return match[1].replace("\\\n", "")


def test_bundle_carries_the_dataset_and_resources_but_not_the_docs() -> None:
    datas = _spec_datas()
    assert ("data/manifest.json", "data") in datas
    assert ("data/*.csv", "data") in datas
    assert ("resources/fonts", "resources/fonts") in datas
    assert ("resources/icons", "resources/icons") in datas
    assert not any("docs" in source for source, _ in datas)
    for source, _ in datas:
        assert list(REPO.glob(source)), f"the spec bundles {source}, which matches nothing"


def test_desktop_entry_starts_evcompare_and_claims_the_file_type() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(REPO / "resources" / "evcompare.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"].split()[0] == "evcompare"
    assert desktop["Icon"] == "evcompare"
    assert MIME_TYPE in desktop["MimeType"].split(";")


def test_mime_package_declares_the_same_type_for_evcompare_files() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    root = ET.parse(REPO / "resources" / "evcompare-mime.xml").getroot()
    mime = root.find("m:mime-type", ns)
    assert mime is not None and mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall("m:glob", ns)] == ["*.evcompare"]


def test_deb_depends_names_the_qt_platform_libraries() -> None:
    depends = _check_depends_module().parse_depends(_build_script_depends())
    assert set(depends) >= REQUIRED_DEPENDS
    assert depends["libc6"].startswith(">=")


def test_every_control_placeholder_is_filled_by_the_build_script() -> None:
    placeholders = set(re.findall(r"@[A-Z_]+@", (PACKAGING / "deb" / "control.in").read_text("utf-8")))
    assert placeholders == {"@VERSION@", "@ARCH@", "@INSTALLED_SIZE@", "@DEPENDS@"}
    script = BUILD_LINUX.read_text("utf-8")
    for placeholder in placeholders:
        assert f"s/{placeholder}/" in script


def test_every_icon_the_installers_use_exists() -> None:
    icons = REPO / "resources" / "icons"
    sizes = {int(p.stem.rsplit("-", 1)[1]) for p in icons.glob("evcompare-*.png")}
    assert sizes >= {16, 32, 48, 128, 256}  # hicolor sizes the .deb installs
    for name in ("evcompare.svg", "evcompare.ico", "evcompare.icns"):  # scalable, Windows, macOS
        assert (icons / name).stat().st_size > 0


def test_info_plist_exports_the_workspace_type_and_opens_it() -> None:
    with PLIST.open("rb") as handle:
        info = plistlib.load(handle)
    assert info["CFBundleIdentifier"] == "org.evcompare.evcompare"
    assert info["NSHighResolutionCapable"] is True
    (document,) = info["CFBundleDocumentTypes"]
    (uti,) = document["LSItemContentTypes"]
    exported = {t["UTTypeIdentifier"]: t for t in info["UTExportedTypeDeclarations"]}
    tags = exported[uti]["UTTypeTagSpecification"]
    assert tags["public.filename-extension"] == ["evcompare"]
    assert MIME_TYPE in tags["public.mime-type"]


def test_windows_installer_is_per_user_and_associates_evcompare_files() -> None:
    text = ISS.read_text("utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.M)
    assert re.search(r"^ChangesAssociations=yes$", text, re.M)
    prog_id = re.search(r'#define ProgId "(.+)"', text)[1]
    registry = [line for line in text.splitlines() if line.startswith("Root:")]
    assert registry and all(line.startswith("Root: HKCU; Subkey: \"Software\\Classes\\") for line in registry)
    assert any('Classes\\.evcompare"' in line and 'ValueData: "{#ProgId}"' in line for line in registry)
    command = next(line for line in registry if "shell\\open\\command" in line)
    assert '""%1""' in command and "{#AppExe}" in command
    assert prog_id == "evcompare.workspace"
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.M)[1].replace("\\", "/")
    assert (ISS.parent / icon).resolve() == REPO / "resources" / "icons" / "evcompare.ico"


@pytest.mark.parametrize("script", sorted(PACKAGING.rglob("*.sh")) + [PACKAGING / "deb" / "desktop-caches"],
                         ids=lambda p: str(p.relative_to(PACKAGING)))
def test_shell_scripts_parse(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_depends_parser_reads_versions_and_rejects_garbage() -> None:
    parse = _check_depends_module().parse_depends
    assert parse("libc6 (>= 2.35), libxcb1") == {"libc6": ">= 2.35", "libxcb1": ""}
    with pytest.raises(SystemExit):
        parse("libc6 (>= 2.35) | libxcb1")


@pytest.mark.skipif(not (shutil.which("readelf") and shutil.which("dpkg") and Path("/bin/true").is_file()),
                    reason="needs binutils and dpkg (Debian)")
def test_depends_check_finds_a_missing_package_and_a_too_old_glibc(tmp_path: Path) -> None:
    checker = _check_depends_module()
    shutil.copy("/bin/true", tmp_path / "true")
    assert checker.check(tmp_path, {"libc6": ">= 2.99"}, installed=True) == []
    missing = checker.check(tmp_path, {"zlib1g": ""}, installed=True)
    assert any(p.startswith("libc6 (libc.so.6) is not in Depends") for p in missing)
    too_old = checker.check(tmp_path, {"libc6": ">= 2.0"}, installed=True)
    assert len(too_old) == 1 and "needs glibc" in too_old[0]

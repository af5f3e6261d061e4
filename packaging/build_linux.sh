#!/usr/bin/env bash
# Build the Linux bundle and the Debian package from a checkout:
#   packaging/out/dist/evcompare/            the PyInstaller one-folder bundle
#   packaging/out/evcompare_<version>_<arch>.deb
#
#   bash packaging/build_linux.sh
#
# Environment:
#   EVCOMPARE_NO_VENV=1   build with the current python (which must have the app's dependencies
#                         and may lack PyInstaller) instead of a fresh venv in build/venv
#   PYTHON                the interpreter for the venv (default: python3)
# Needs: python3 with venv, dpkg-deb, readelf (binutils), strip, ldd. Debian 12 or later.
set -euo pipefail
umask 022

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/packaging/out"
DIST="$OUT/dist/evcompare"
PYINSTALLER_REQ="pyinstaller>=6.10,<7"

# Every package that owns a library the bundle links to and does not carry (the spec leaves
# system libraries to the system). packaging/deb/check_depends.py fails the build when a
# bundled file links to a library from a package missing here. glibc 2.35: PySide6 6.11.
DEPENDS="libc6 (>= 2.35), libgcc-s1, libstdc++6, zlib1g, libzstd1, libbz2-1.0, liblzma5, libffi8, \
libssl3, libuuid1, libglib2.0-0, libdbus-1-3, libfontconfig1, libfreetype6, libegl1, libgl1, \
libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-glx0, libxcb-icccm4, libxcb-image0, \
libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, \
libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0, \
libwayland-client0, libwayland-cursor0, libwayland-egl1"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'build_linux.sh: %s\n' "$*" >&2; exit 1; }

for tool in dpkg-deb dpkg readelf strip ldd; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install dpkg binutils libc-bin)"
done

cd "$ROOT"
started=$SECONDS

if [ "${EVCOMPARE_NO_VENV:-0}" = "1" ]; then
    PY="$(command -v python3 || command -v python)"
    say "using $PY (EVCOMPARE_NO_VENV=1)"
    "$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install -q "$PYINSTALLER_REQ"
else
    say "creating build/venv"
    "${PYTHON:-python3}" -m venv --clear build/venv
    PY="$ROOT/build/venv/bin/python"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q . "$PYINSTALLER_REQ"
fi
VERSION="$("$PY" -c 'import evcompare; print(evcompare.__version__)')"
ARCH="$(dpkg --print-architecture)"
DEB="$OUT/evcompare_${VERSION}_${ARCH}.deb"
deps_done=$SECONDS

say "PyInstaller bundle (evcompare $VERSION)"
rm -rf "$DIST"
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" packaging/evcompare.spec
# Python's own libraries ship with debug symbols (libpython alone is ~20 MB of them); the wheels'
# libraries are stripped already and are left alone.
find "$DIST/_internal" -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
find "$DIST/_internal" -path '*/lib-dynload/*.so' -type f -exec strip --strip-unneeded {} +
"$DIST/evcompare" --version
bundle_done=$SECONDS

say "checking Depends against the bundle's libraries"
"$PY" packaging/deb/check_depends.py "$DIST" --depends "$DEPENDS"

say "Debian package"
STAGE="$OUT/deb-root"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
    "$STAGE/usr/share/doc/evcompare"
cp -a "$DIST" "$STAGE/opt/evcompare"
# The bootloader follows the link to find _internal/ next to the real executable.
ln -s ../../opt/evcompare/evcompare "$STAGE/usr/bin/evcompare"
install -m 644 resources/evcompare.desktop "$STAGE/usr/share/applications/evcompare.desktop"
install -m 644 resources/evcompare-mime.xml "$STAGE/usr/share/mime/packages/evcompare.xml"
install -m 644 resources/icons/evcompare.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/evcompare.svg"
for png in resources/icons/evcompare-*.png; do
    size="${png##*-}"
    size="${size%.png}"
    install -D -m 644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/evcompare.png"
done
install -m 644 packaging/deb/copyright "$STAGE/usr/share/doc/evcompare/copyright"
install -m 755 packaging/deb/desktop-caches "$STAGE/DEBIAN/postinst"
install -m 755 packaging/deb/desktop-caches "$STAGE/DEBIAN/postrm"
installed_kb="$(du -sk --apparent-size --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$installed_kb/" \
    -e "s/@DEPENDS@/$DEPENDS/" packaging/deb/control.in > "$STAGE/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$STAGE"

rm -f "$DEB"
# zstd needs dpkg >= 1.21.18 (Debian 12 has 1.21.22); older dpkg-deb gets xz.
if ! dpkg-deb --root-owner-group -Zzstd -b "$STAGE" "$DEB" >/dev/null 2>&1; then
    echo "dpkg-deb cannot write zstd here; using xz"
    dpkg-deb --root-owner-group -Zxz -b "$STAGE" "$DEB" >/dev/null
fi
rm -rf "$STAGE"
deb_done=$SECONDS

say "done"
printf 'dependencies  %4d s\n' $((deps_done - started))
printf 'bundle        %4d s   %s  %s\n' $((bundle_done - deps_done)) "$(du -sh "$DIST" | cut -f1)" "$DIST"
printf 'deb           %4d s   %s  %s\n' $((deb_done - bundle_done)) "$(du -h "$DEB" | cut -f1)" "$DEB"
printf 'total         %4d s\n' $((deb_done - started))

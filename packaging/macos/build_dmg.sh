#!/usr/bin/env bash
# Build evcompare.app and packaging/out/evcompare-<version>.dmg on macOS (run it on the
# architecture you ship: PyInstaller does not cross-build; the app is arm64 or x86_64 like
# the Python that builds it). Signing and notarisation happen only when their credentials are
# in the environment; otherwise they are skipped with a message and the .dmg is unsigned.
#
#   bash packaging/macos/build_dmg.sh
#
# Environment (all optional):
#   MACOS_SIGN_IDENTITY   codesign identity, e.g. "Developer ID Application: Name (TEAMID)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarytool credentials (an app-specific password)
#   PYTHON                interpreter for the build venv (default: python3)
#
# Written for macOS 13+ with Xcode's command line tools; it has not been run on a Mac yet.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/packaging/out"
APP="$OUT/dist/evcompare.app"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'build_dmg.sh: %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)" = "Darwin" ] || die "this builds the macOS app and must run on macOS"
cd "$ROOT"

say "creating build/venv"
"${PYTHON:-python3}" -m venv --clear build/venv
PY="$ROOT/build/venv/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q . "pyinstaller>=6.10,<7"
VERSION="$("$PY" -c 'import evcompare; print(evcompare.__version__)')"
DMG="$OUT/evcompare-$VERSION.dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    # The hardened runtime that notarisation requires; CPython's ctypes (libffi closures)
    # needs writable-executable memory under it.
    mkdir -p "$OUT"
    export MACOS_ENTITLEMENTS="$OUT/entitlements.plist"
    cat > "$MACOS_ENTITLEMENTS" <<'PLIST'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>com.apple.security.cs.allow-unsigned-executable-memory</key>
	<true/>
</dict>
</plist>
PLIST
    say "PyInstaller will sign with: $MACOS_SIGN_IDENTITY"
else
    say "MACOS_SIGN_IDENTITY is not set: building an unsigned app (Gatekeeper will warn users)"
fi

say "PyInstaller app bundle (evcompare $VERSION)"
rm -rf "$APP" "$OUT/dist/evcompare"
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/work" packaging/evcompare.spec
"$APP/Contents/MacOS/evcompare" --smoke-test

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    say "signing the app"
    codesign --force --timestamp --options runtime --entitlements "$MACOS_ENTITLEMENTS" \
        --sign "$MACOS_SIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

say "disk image"
STAGE="$OUT/dmg-root"
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "evcompare $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$STAGE"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
        && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    say "notarising (this waits for Apple's answer)"
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$DMG"
    xcrun stapler validate "$DMG"
else
    say "notarisation skipped: it needs MACOS_SIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD"
fi

say "done"
du -sh "$APP" "$DMG"

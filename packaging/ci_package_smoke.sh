#!/usr/bin/env bash
# What CI runs after the test suite: build the .deb from this checkout, install it with apt
# (which pulls in its Depends), smoke-test the installed app headless, check that every
# library it links to resolves and comes from a package in Depends, compare its start time
# with the source tree's, and remove it again. Debian 12 or later, as root.
#
#   bash packaging/ci_package_smoke.sh
#
# Fails when the build, the install, the smoke test or the library check fails, or when the
# installed app starts more than MAX_RATIO times slower than the source tree (the goal is
# at most GOAL_RATIO; above it only a warning, since timings on a shared CI machine are noisy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=3
GOAL_RATIO=1.2
MAX_RATIO=2.0
APP=/usr/bin/evcompare

say() { printf '\n== %s\n' "$*"; }

cd "$ROOT"
started=$SECONDS
export QT_QPA_PLATFORM=offscreen

command -v readelf >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends binutils >/dev/null

bash packaging/build_linux.sh
built=$SECONDS
VERSION="$(python3 -c 'import evcompare; print(evcompare.__version__)')"
DEB="packaging/out/evcompare_${VERSION}_$(dpkg --print-architecture).deb"

say "installing $DEB"
dpkg -s evcompare >/dev/null 2>&1 && apt-get purge -y -qq evcompare >/dev/null
trap 'apt-get purge -y -qq evcompare >/dev/null 2>&1 || true' EXIT
apt-get update -qq
apt-get install -y -qq "./$DEB" >/dev/null
# The files outside the bundle: the command, menu entry, icons, MIME type and copyright.
dpkg -L evcompare | grep -v '^/opt/evcompare/_internal/' | while read -r path; do
    if [ -f "$path" ] || [ -L "$path" ]; then echo "$path"; fi
done
installed=$SECONDS

say "smoke test of the installed app"
(cd /tmp && "$APP" --version && "$APP" --smoke-test)

say "libraries of the installed app"
python3 packaging/deb/check_depends.py /opt/evcompare --installed \
    --depends "$(dpkg-query -W -f '${Depends}' evcompare)"

say "start time: installed app against the source tree, $RUNS runs each (--smoke-test)"
# Seconds one command takes, wall clock; a failing run fails the script.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "ci_package_smoke.sh: failed: $*" >&2; return 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
installed_times=()
source_times=()
for _ in $(seq "$RUNS"); do
    t=$(cd /tmp && seconds "$APP" --smoke-test)
    installed_times+=("$t")
    t=$(seconds python3 -m evcompare --smoke-test)
    source_times+=("$t")
done
installed_median=$(median "${installed_times[@]}")
source_median=$(median "${source_times[@]}")
ratio=$(awk -v a="$installed_median" -v b="$source_median" 'BEGIN { printf "%.3f", a / b }')
printf 'installed app  %.2f s (median of %s)\n' "$installed_median" "${installed_times[*]}"
printf 'source tree    %.2f s (median of %s)\n' "$source_median" "${source_times[*]}"
printf 'ratio          %.2fx (goal <= %s)\n' "$ratio" "$GOAL_RATIO"
measured=$SECONDS

say "removing the package (purge)"
apt-get purge -y -qq evcompare >/dev/null
trap - EXIT
if [ -e "$APP" ] || [ -e /opt/evcompare/evcompare ]; then
    echo "ci_package_smoke.sh: evcompare is still installed after apt-get purge" >&2
    exit 1
fi

say "timings"
printf 'build (bundle + deb)  %4d s\n' $((built - started))
printf 'install               %4d s\n' $((installed - built))
printf 'smoke + start times   %4d s\n' $((measured - installed))
printf 'total                 %4d s\n' $((SECONDS - started))

if above "$ratio" "$MAX_RATIO"; then
    printf 'ci_package_smoke.sh: the installed app starts %.2fx slower than the source tree (limit %s)\n' \
        "$ratio" "$MAX_RATIO" >&2
    exit 1
fi
if above "$ratio" "$GOAL_RATIO"; then
    printf 'WARNING: start-time ratio %.2fx is above the %sx goal\n' "$ratio" "$GOAL_RATIO"
fi

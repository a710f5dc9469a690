#!/usr/bin/env bash
# Writes PNGs of the app's main views to data/screenshots/, from a real
# window under Xvfb on the bundled library. Usage: build-aux/screenshots.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out="$top/data/screenshots"

need=(xvfb xauth dbus at-spi2-core python3-pyatspi gir1.2-atspi-2.0 xdotool imagemagick fonts-cantarell fonts-ipafont-gothic)
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

ninja -C "$build" src/ui/kizuna data/gschemas.compiled >/dev/null
mkdir -p "$out"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" \
  /usr/bin/python3 "$top/build-aux/screenshots.py" "$build" "$out" 2>&1 | grep -v '^dbus-daemon'

#!/usr/bin/env bash
# Installs the build into a scratch DESTDIR and checks what a package
# would ship: the programs, desktop file, metainfo, D-Bus service, icons,
# settings schema, translations and man page. Then runs the installed
# kizuna-cli and compiles the installed schema.
#
# Usage: test-install.sh BUILD_ROOT SOURCE_ROOT PREFIX BINDIR DATADIR
#                        MANDIR LOCALEDIR APP_ID SCHEMA_ID VERSION
# (the directories as meson resolves them, absolute). Prints TAP;
# exits 77 (skipped) when meson is not on PATH.
set -uo pipefail

if [ $# -ne 10 ]; then
  echo "usage: $0 BUILD_ROOT SOURCE_ROOT PREFIX BINDIR DATADIR MANDIR LOCALEDIR APP_ID SCHEMA_ID VERSION" >&2
  exit 2
fi

build_root=$1 source_root=$2 prefix=$3 bindir=$4 datadir=$5
mandir=$6 localedir=$7 app_id=$8 schema_id=$9 version=${10}

if ! command -v meson >/dev/null 2>&1; then
  echo "1..0 # SKIP meson is not on PATH"
  exit 77
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kizuna-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
destdir=$scratch/root

n=0
failed=0
ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
}
check () {
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# The build is up to date: meson test built what this test depends on.
if meson install -C "$build_root" --destdir "$destdir" --no-rebuild --quiet >"$scratch/install.log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir" "$(tail -n 20 "$scratch/install.log")"
  echo "1..$n"
  exit 1
fi

bin=$destdir$bindir
data=$destdir$datadir
man=$destdir$mandir
locale=$destdir$localedir
icons=$data/icons/hicolor

expected=(
  "$bin/kizuna"
  "$bin/kizuna-cli"
  "$data/applications/$app_id.desktop"
  "$data/metainfo/$app_id.metainfo.xml"
  "$data/dbus-1/services/$app_id.service"
  "$data/glib-2.0/schemas/$schema_id.gschema.xml"
  "$icons/scalable/apps/$app_id.svg"
  "$icons/symbolic/apps/$app_id-symbolic.svg"
  "$man/man1/kizuna-cli.1"
)
# One catalogue per language in po/LINGUAS (comments and blanks aside)
if [ -f "$source_root/po/LINGUAS" ]; then
  for lang in $(sed -e 's/#.*//' "$source_root/po/LINGUAS"); do
    expected+=("$locale/$lang/LC_MESSAGES/kizuna.mo")
  done
fi
for file in "${expected[@]}"; do
  check "installed ${file#"$destdir"}" test -s "$file"
done

for program in kizuna kizuna-cli; do
  check "$program is executable" test -x "$bin/$program"
done

# The stand-in for AniList is for tests and never ships.
check "kizuna-mock-anilist is not installed" test ! -e "$bin/kizuna-mock-anilist"

# The static libraries are linked in: no LD_LIBRARY_PATH needed.
cli_version=$(env -u LD_LIBRARY_PATH "$bin/kizuna-cli" --version 2>&1)
status=$?
if [ $status -eq 0 ] && [ "$cli_version" = "kizuna-cli $version" ]; then
  ok "installed kizuna-cli --version says kizuna-cli $version"
else
  not_ok "installed kizuna-cli --version says kizuna-cli $version" \
         "exit status $status, printed: $cli_version"
fi

# The desktop file, the D-Bus service and the icon name point at what
# was installed.
desktop=$data/applications/$app_id.desktop
exec_line=$(sed -n 's/^Exec=//p' "$desktop" 2>/dev/null)
program=${exec_line%% *}
check "desktop file runs an installed program (${program:-none})" \
  test -n "$program" -a -f "$bin/$program" -a -x "$bin/$program"
check "desktop file's icon is $app_id" \
  grep -qsx "Icon=$app_id" "$desktop"
service=$data/dbus-1/services/$app_id.service
check "D-Bus service is named $app_id" \
  grep -qsx "Name=$app_id" "$service"
check "D-Bus service starts $bindir/kizuna" \
  grep -qsx "Exec=$bindir/kizuna --gapplication-service" "$service"
check "metainfo has the id $app_id" \
  grep -qs "<id>$app_id</id>" "$data/metainfo/$app_id.metainfo.xml"

# The schema as installed compiles, and its keys can be read.
schemas=$scratch/schemas
mkdir -p "$schemas"
if glib-compile-schemas --strict --targetdir="$schemas" "$data/glib-2.0/schemas" >"$scratch/schemas.log" 2>&1 &&
   test -s "$schemas/gschemas.compiled"; then
  ok "installed schema compiles with --strict"
else
  not_ok "installed schema compiles with --strict" "$(cat "$scratch/schemas.log")"
fi
if command -v gsettings >/dev/null 2>&1; then
  language=$(GSETTINGS_SCHEMA_DIR="$schemas" GSETTINGS_BACKEND=memory \
             gsettings get "$schema_id" title-language 2>&1)
  if [ "$language" = "'romaji'" ]; then
    ok "installed schema reads title-language 'romaji'"
  else
    not_ok "installed schema reads title-language 'romaji'" "got: $language"
  fi
fi

if command -v man >/dev/null 2>&1; then
  if MANWIDTH=80 man -l "$man/man1/kizuna-cli.1" 2>/dev/null | grep -q "^EXIT STATUS"; then
    ok "installed man page renders"
  else
    not_ok "installed man page renders"
  fi
fi

echo "1..$n"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS
# (default 60), starting from the seeds in fuzz/corpus/. New inputs go to
# a scratch copy; a crash leaves its input in build-fuzz/crashes/ and
# fails the script. Usage: build-aux/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
seconds=${1:-60}
[ $# -gt 0 ] && shift

if ! command -v clang >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends clang >/dev/null
fi

if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(ls fuzz/corpus))
fi

mkdir -p build-fuzz/crashes
status=0
for target in "${targets[@]}"; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$target/." "$work/"
  echo "fuzz-$target: $seconds s"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
       "build-fuzz/fuzz/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="build-fuzz/crashes/$target-" -print_final_stats=1 "$work" \
       > "build-fuzz/fuzz-$target.log" 2>&1; then
    echo "fuzz-$target FAILED; see build-fuzz/fuzz-$target.log and build-fuzz/crashes/"
    tail -30 "build-fuzz/fuzz-$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "build-fuzz/fuzz-$target.log" | sed "s/^/  /"
  fi
  rm -rf "$work"
done
exit $status

#!/usr/bin/env bash
# Release build of kzscrape, kzupload and kznotify into build/ (binaries in build/src/*/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build}"
"$root/scripts/bootstrap.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF "$@" >/dev/null
cmake --build "$build_dir" -j2

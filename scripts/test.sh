#!/usr/bin/env bash
# Bootstrap, configure, build (with ASan+UBSan) and run the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build-test}"
"$root/scripts/bootstrap.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DKZ_BUILD_TESTS=ON -DKZ_SANITIZE=ON >/dev/null
cmake --build "$build_dir" -j2
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd "$build_dir" && ctest --output-on-failure -j2 --timeout 300)
# The Debian package: a Release build + cpack (scripts/package.sh, dist/), then its checks
# (lintian, contents, unpacked --version, man -l) and the proof that they fail on broken copies.
pkg_start=$SECONDS
deb="$("$root/scripts/package.sh")"
echo "scripts/package.sh: $deb ($((SECONDS - pkg_start)) s)"
check_start=$SECONDS
"$root/tests/package/check_package.sh" "$deb"
"$root/tests/package/self_test.sh" "$deb"
echo "tests/package: ok ($((SECONDS - check_start)) s)"
# The page parser under libFuzzer (clang, ASan + UBSan) for KZ_FUZZ_SECONDS (60): any finding fails.
"$root/scripts/fuzz.sh"
# The demo once, on the binaries just tested: the whole pipeline end to end.
KZ_DEMO_SKIP_BUILD=1 BUILD_DIR="$build_dir" "$root/scripts/demo.sh" >"$build_dir/demo.log" 2>&1 ||
  { cat "$build_dir/demo.log"; echo "scripts/demo.sh failed" >&2; exit 1; }
echo "scripts/demo.sh: ok (output in $build_dir/demo.log)"

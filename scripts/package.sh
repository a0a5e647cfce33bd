#!/usr/bin/env bash
# Builds the Debian package: a Release build in build-pkg/ (tests off, stripped by CPack),
# then cpack, leaving exactly one dist/kzpool_<version>_amd64.deb (older ones removed) and
# printing its path on stdout. Jobs: -j N or KZ_JOBS (default 2). SOURCE_DATE_EPOCH is the
# last commit's time (reproducible man page dates). ccache is used when present.
# Exit 0 with the path, 1 with one "package.sh: ..." line on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${KZ_PKG_BUILD_DIR:-$root/build-pkg}"
dist_dir="$root/dist"
jobs="${KZ_JOBS:-2}"

fail() { echo "package.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    -j) [ $# -ge 2 ] || fail "-j needs a number"; jobs="$2"; shift 2 ;;
    -j*) jobs="${1#-j}"; shift ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || fail "jobs must be a whole number above 0, not '$jobs'"

"$root/scripts/bootstrap.sh" || fail "scripts/bootstrap.sh failed"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null)" ||
    fail "no git history to take SOURCE_DATE_EPOCH from; set it"
fi
export SOURCE_DATE_EPOCH

# Debian's hardening flags (fortify, stack protector, relro, bindnow); run from the checkout so
# that their -ffile-prefix-map keeps its path out of the binaries.
export DEB_BUILD_MAINT_OPTIONS="hardening=+all"
cppflags="$(cd "$root" && dpkg-buildflags --get CPPFLAGS)"
cxxflags="$(cd "$root" && dpkg-buildflags --get CXXFLAGS)"
ldflags="$(cd "$root" && dpkg-buildflags --get LDFLAGS)"

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

log="$build_dir/package.log"
mkdir -p "$build_dir"
run() { "$@" >>"$log" 2>&1 || { tail -n 30 "$log" >&2; fail "'$*' failed (log: $log)"; }; }
: >"$log"
run cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF \
  -DKZ_SANITIZE=OFF -DCMAKE_INSTALL_PREFIX=/usr "${launcher[@]}" \
  "-DCMAKE_CXX_FLAGS=$cppflags $cxxflags" "-DCMAKE_EXE_LINKER_FLAGS=$ldflags"
run cmake --build "$build_dir" -j "$jobs"
rm -rf "$build_dir/packages"
(cd "$build_dir" && run cpack -G DEB --config CPackConfig.cmake)

shopt -s nullglob
built=("$build_dir"/packages/kzpool_*_amd64.deb)
[ ${#built[@]} -eq 1 ] || fail "cpack left ${#built[@]} kzpool_*_amd64.deb in $build_dir/packages, not 1"
mkdir -p "$dist_dir"
rm -f "$dist_dir"/kzpool_*.deb
cp "${built[0]}" "$dist_dir/"
echo "$dist_dir/$(basename "${built[0]}")"

#!/usr/bin/env bash
# Builds the page parser's libFuzzer target (clang-14, ASan + UBSan) in
# build-fuzz and runs it for a bounded time on a copy of the seed corpus.
# Exit 0: no crash, no sanitizer report, no hang, no broken invariant.
# Exit 1: a finding; the reproducer is in $build_dir/fuzz-artifacts/ (run the
# target on that file to see it again; keep it in fuzz/findings/ as a regression).
#
# Environment: KZ_FUZZ_SECONDS (default 60), KZ_FUZZ_BUILD_DIR (default build-fuzz),
# KZ_FUZZ_SKIP_BUILD=1 to run what is built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${KZ_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${KZ_FUZZ_SECONDS:-60}"
target="$build_dir/fuzz/page_parser_fuzz"

if [ "${KZ_FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DKZ_BUILD_TESTS=OFF -DKZ_BUILD_FUZZ=ON "${launcher[@]}" >/dev/null
  cmake --build "$build_dir" --target page_parser_fuzz -j"${KZ_FUZZ_JOBS:-2}"
fi

# Earlier findings: each must now be refused or parsed, never crash.
shopt -s nullglob
failed=0
findings=("$root"/fuzz/findings/*)
for finding in "${findings[@]}"; do
  if ! "$target" -timeout=10 -rss_limit_mb=2048 "$finding" >"$build_dir/fuzz-finding.log" 2>&1; then
    grep -E "ERROR|INVARIANT|SUMMARY" "$build_dir/fuzz-finding.log" >&2 || true
    echo "fuzz: earlier finding still fails: $finding" >&2
    failed=1
  fi
done

corpus="$build_dir/fuzz-corpus"
artifacts="$build_dir/fuzz-artifacts"
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"
seeds=("$root"/tests/data/*.html "$root"/tests/data/cases/*.html "$root"/fuzz/seeds/*)
cp "${seeds[@]}" "$corpus/"

log="$build_dir/fuzz.log"
echo "fuzz: page_parser_fuzz for ${seconds}s on ${#seeds[@]} seeds (log: $log)"
if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
  grep -E "ERROR|INVARIANT|SUMMARY|#[0-9]+ in " "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
  echo "fuzz: finding(s) in $artifacts:" >&2
  ls -l "$artifacts" >&2
  exit 1
fi
grep -E "stat::number_of_executed_units|Done" "$log" || true
echo "fuzz: no crash, no sanitizer report, no hang in ${seconds}s"
exit "$failed"

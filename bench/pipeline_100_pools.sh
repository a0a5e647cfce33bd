#!/usr/bin/env bash
# Times a full cron run (kzscrape --config + kzupload --config) for 100 pools of 200 workers,
# pages served locally and uploaded to the local Supabase stand-in.
#   bench/pipeline_100_pools.sh [BUILD_DIR]   (a Release build with tests on; default build-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
cmake --build "$build" -j2 --target kzscrape kzupload kz_local_supabase kz_serve_dir >/dev/null
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/pages"
for i in $(seq 0 99); do cp "$root/tests/data/observer_ru_200.html" "$work/pages/pool$i.html"; done
"$build/tests/support/kz_serve_dir" "$work/pages" >"$work/pages.env" & pids+=($!)
"$build/tests/support/gateway/kz_local_supabase" --env-file "$work/supabase.env" >/dev/null & pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/pages.env" ] && [ -s "$work/supabase.env" ] && break; sleep 0.1; done
base="$(sed -n 's/^URL=//p' "$work/pages.env")"
. "$work/supabase.env"
{
  echo '{"pools": ['
  for i in $(seq 0 99); do
    [ "$i" -gt 0 ] && echo ","
    echo "{\"account_name\": \"KZPool_$i\", \"observer_url\": \"$base/pool$i.html\", \"client\": \"C$i\"}"
  done
  echo ']}'
} >"$work/pools.json"
cat >"$work/env" <<ENV
KZ_CONFIG=$work/pools.json
DB_PATH=$work/cache.db
SUPABASE_URL=$SUPABASE_URL
SUPABASE_SERVICE_KEY=$SUPABASE_SERVICE_ROLE_KEY
LOG_FILE=$work/cron.log
KZ_BIN_DIR=
ENV
export PATH="$build/src/scrape:$build/src/upload:$PATH"
for run in 1 2 3; do
  start=$(date +%s%N)
  "$root/scripts/run_scraper_and_upload.sh" --env-file "$work/env" || { cat "$work/cron.log"; exit 1; }
  end=$(date +%s%N)
  echo "run $run: $(( (end - start) / 1000000 )) ms"
done
grep -E "ok \(" "$work/cron.log" | tail -2
psql "$SUPABASE_DB_URL" -X -At -c "SELECT 'hashrates rows: ' || count(*) FROM hashrates"

#!/usr/bin/env bash
# The whole pipeline on this machine, with nothing to set up: installs the
# dependencies, builds, starts a local page server, a local Antpool API, a local
# PostgreSQL with the PostgREST-compatible gateway (a stand-in for Supabase), runs
# the cron script three times while the page changes (a worker goes offline and the
# hashrate drops, then both recover) and two Antpool workers come back, and shows
# what arrived: in Supabase, and as kznotify's messages at a local Telegram Bot API.
# Cleans up after itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build-demo}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "${KZ_DEMO_SKIP_BUILD:-}" = 1 ]; then
  # scripts/test.sh runs the demo on the build it just tested (BUILD_DIR).
  say "Using the binaries in $build_dir"
else
  say "Installing dependencies and building (first time: a few minutes)"
  "$root/scripts/bootstrap.sh"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=ON >/dev/null
  cmake --build "$build_dir" -j2 --target kzscrape kzupload kz_local_supabase kz_serve_dir \
    kz_antpool_server kznotify kz_telegram_server kzreport >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kzpool-demo.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# Wait until a program has written its settings file.
wait_for() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "demo: $2 did not start" >&2
  exit 1
}

say "Starting the page server, the local Antpool API, the local Supabase and a local Telegram"
mkdir -p "$work/pages"
page="$work/pages/observer.html"
cp "$root/tests/data/observer_en_60.html" "$page"
"$build_dir/tests/support/kz_serve_dir" "$work/pages" >"$work/pages.env" &
pids+=($!)
"$build_dir/tests/support/gateway/kz_local_supabase" --env-file "$work/supabase.env" >/dev/null &
pids+=($!)
"$build_dir/tests/support/kz_antpool_server" --credentials "$work/antpool_001.json" \
  --workers 8 --offline 2 --env-file "$work/antpool.env" >/dev/null &
antpool_pid=$!
pids+=($antpool_pid)
# The bot token lives in a file only its owner reads (kznotify refuses any other).
telegram_token="7001234567:AAE-demo_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
(umask 077 && echo "$telegram_token" >"$work/telegram.token")
"$build_dir/tests/support/kz_telegram_server" --token-file "$work/telegram.token" \
  --port-file "$work/telegram.port" --log "$work/telegram.log" &
pids+=($!)
wait_for "$work/pages.env" "the page server"
wait_for "$work/antpool.env" "the Antpool API"
wait_for "$work/supabase.env" "the local Supabase"
wait_for "$work/telegram.port" "the local Telegram Bot API"
page_url="$(sed -n 's/^URL=//p' "$work/pages.env")/observer.html"
set -a
. "$work/supabase.env"
set +a
antpool_url="$(sed -n 's/^URL=//p' "$work/antpool.env")"
antpool_user="$(sed -n 's/^USER_ID=//p' "$work/antpool.env")"
echo "observer page: $page_url"
echo "Antpool API:   $antpool_url (account $antpool_user, 2 of 8 workers offline)"
echo "Supabase:      $SUPABASE_URL (PostgreSQL: $SUPABASE_DB_URL)"
telegram_url="http://127.0.0.1:$(cat "$work/telegram.port")"
echo "Telegram:      $telegram_url (Bot API, chat -1001234567890)"

# A btcpool.kz pool and an Antpool account; a baseline of one snapshot so that the drop shows
# within three runs (the default needs three snapshots of the last hour). daily_after 00:00 so
# that the daily tier (balance, income, payments) runs whatever the time.
cat >"$work/pools.json" <<JSON
{"antpool": {"url": "$antpool_url", "daily_after": "00:00"},
 "pools": [{"account_name": "KZPool_001", "observer_url": "$page_url",
            "client": "Demo Client", "company": "Demo Hosting", "country": "Kazakhstan",
            "site": "Ekibastuz", "thresholds": {"baseline_min_snapshots": 1}},
           {"account_name": "antpool_001", "source": "antpool", "user_id": "$antpool_user",
            "credentials_file": "$work/antpool_001.json", "site": "Ekibastuz"}]}
JSON
cat >"$work/kzpool.env" <<ENV
KZ_CONFIG=$work/pools.json
DB_PATH=$work/btcpool_data.db
SUPABASE_URL=$SUPABASE_URL
SUPABASE_SERVICE_KEY=$SUPABASE_SERVICE_ROLE_KEY
NOTIFY_CONFIG=$work/notify.json
METRICS_FILE=$work/kzpool.prom
ENV
# kznotify's destination: the local Telegram. A worker offline is sent at once here; the
# default (60 s: seen in two cron runs) would hold it, as the demo's runs are a second apart.
cat >"$work/notify.json" <<JSON
{"notify": {"destinations": [{"name": "ops", "type": "telegram", "chat_id": "-1001234567890",
                              "token_file": "$work/telegram.token",
                              "api_url": "$telegram_url"}],
            "min_duration_s": {"worker_offline": 0, "offline_workers": 0}}}
JSON
cron() {
  PATH="$build_dir/src/scrape:$build_dir/src/notify:$build_dir/src/upload:$build_dir/src/report:$PATH" \
    "$root/scripts/run_scraper_and_upload.sh" --env-file "$work/kzpool.env" || echo "(exit $?)"
}
show_cache() {
  sqlite3 -header -column "$work/btcpool_data.db" \
    "SELECT account_name, scraped_at, hashrate_current_ths, online_workers, offline_workers,
            balance_btc FROM v_latest_summary"
  echo
  sqlite3 -header -column "$work/btcpool_data.db" \
    "SELECT alert_type, severity, subject, message FROM v_open_alerts"
  echo
  sqlite3 -header -column "$work/btcpool_data.db" \
    "SELECT budget_calls, calls_in_window, remaining FROM v_api_budget"
}

say "Run 1: the page as it is"
cron
show_cache
sleep 1

say "Run 2: worker kz01x000 goes offline and the pool hashrate drops to 6.000 PH/s"
sed -e 's|>8.848 PH/s<|>6.000 PH/s<|' \
    -e 's|ONLINE</span></td><td>181.037 TH/s</td><td>188.315 TH/s|OFFLINE</span></td><td>0 H/s</td><td>0 H/s|' \
    "$root/tests/data/observer_en_60.html" >"$page"
cron
show_cache
sleep 1

say "Run 3: everything recovers, the two Antpool workers too"
cp "$root/tests/data/observer_en_60.html" "$page"
kill -USR1 "$antpool_pid"
cron
show_cache

say "What arrived in Supabase (PostgreSQL)"
psql "$SUPABASE_DB_URL" -X -q -P pager=off <<'SQL'
SELECT account_name, account_type, balance, earn_24_hours, group_name, updated_at FROM accounts;
SELECT account_name, hashrate_10m, hashrate_1h, hashrate_1d, worker_count, active_workers, "timestamp"
  FROM hashrates ORDER BY "timestamp";
SELECT alert_type, severity, resolved, message FROM alerts ORDER BY created_at;
SELECT left(device_id, 3) AS kind, count(*) AS devices,
       count(*) FILTER (WHERE status = 'offline') AS offline FROM devices GROUP BY 1 ORDER BY 1;
SELECT account_name, date, btc_amount, source FROM income_tracking ORDER BY account_name, date;
SELECT account_name, endpoint, response_status FROM api_call_logs ORDER BY id LIMIT 8;
SQL
alerts_resolved=$(psql "$SUPABASE_DB_URL" -X -At -c \
  "SELECT count(*) FROM alerts WHERE resolved AND alert_type IN ('hashrate_drop', 'worker_offline')")
if [ "$alerts_resolved" != 2 ]; then
  echo "demo: expected the hashrate_drop and worker_offline alerts to be resolved in Supabase" >&2
  exit 1
fi
antpool_devices=$(psql "$SUPABASE_DB_URL" -X -At -c \
  "SELECT count(*) FROM devices d JOIN accounts a USING (account_name)
   WHERE a.account_type = 'antpool' AND d.device_id LIKE 'AP\\_%'")
if [ "$antpool_devices" != 8 ]; then
  echo "demo: expected the 8 Antpool workers in Supabase's devices, found $antpool_devices" >&2
  exit 1
fi

say "What the local Telegram received from kznotify (chat id, then the message as sent, HTML)"
# Run 1: the first message lists the alerts open then; run 2: the worker and the drop;
# run 3: their resolution.
python3 - "$work/telegram.log" <<'PY'
import json, sys
messages = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
for m in messages:
    print(f"--- chat {m['chat_id']}\n{m['text']}")
texts = "\n".join(m["text"] for m in messages)
problems = [f'no message says "{told}"' for told in
            ("worker kz01x000 offline", "worker kz01x000 back online") if told not in texts]
if len(messages) != 3:
    problems.append(f"expected 3 messages (one per run), got {len(messages)}")
for problem in problems:
    print(f"demo: local Telegram: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if grep -rqF "$telegram_token" "$work/telegram.log" "$work/btcpool_data.db"; then
  echo "demo: the bot token appears in a message or in the cache" >&2
  exit 1
fi
say "What Prometheus would read (METRICS_FILE, written by the cron wrapper after each run)"
grep -E '^kzpool_(hashrate_hashes_per_second|workers|alerts_open\{.*\} [1-9])' "$work/kzpool.prom"
if ! grep -q '^kzpool_pools 2$' "$work/kzpool.prom"; then
  echo "demo: expected the metrics of 2 pools in $work/kzpool.prom" >&2
  exit 1
fi

say "The HTML report (kzreport html --days 7): one file, charts drawn by gnuplot"
"$build_dir/src/report/kzreport" html --db "$work/btcpool_data.db" --days 7 --out "$work/report.html"
echo "report.html: $(wc -c <"$work/report.html") bytes, $(grep -o '<svg' "$work/report.html" | wc -l) charts"
"$build_dir/src/report/kzreport" csv --db "$work/btcpool_data.db" --what workers | sed -n 1,4p

say "Done: the cron line for your own pools is in README.md"
